// What each colour of an AnalyticsChart is, with its total over the range: one entry per row of the
// model ("gpt-4o  $12.40"), or the chart's `lines` when it draws metrics rather than groups.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Analytics.js" as Analytics

Flow {
    id: legend

    property AnalyticsSeriesModel model: null
    // [{metric, name, color}] of an AnalyticsChart in line mode: those entries instead of the rows.
    property var lines: []

    spacing: Theme.spacingLarge

    component Entry: Row {
        id: entry

        property color swatch
        property string label
        property string amount

        objectName: "legendEntry"
        spacing: 6

        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 10
            height: 10
            radius: 2
            color: entry.swatch
        }
        Label {
            text: entry.label
            color: Theme.text
            font.pixelSize: Theme.fontSizeSmall
            width: Math.min(implicitWidth, 220)
            elide: Text.ElideMiddle
        }
        Label {
            visible: entry.amount.length > 0
            text: entry.amount
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }

    Repeater {
        model: legend.lines.length > 0 ? null : legend.model

        Entry {
            required property string name
            required property color color
            required property double total

            swatch: color
            // A total that cannot be told (a percentile over several buckets) is left out.
            label: name
            amount: isNaN(total) ? "" : Analytics.format(legend.model.metric, total)
        }
    }
    Repeater {
        model: legend.lines.length > 0 && legend.model && legend.model.count > 0 ? legend.lines : []

        Entry {
            required property var modelData

            swatch: modelData.color
            label: modelData.name
        }
    }
}
