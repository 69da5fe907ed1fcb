// A short ranking on the Overview's dashboard ("Top models by cost"): each group of a
// /admin/v1/analytics/top answer with its cost (its calls when nothing costs anything), over a bar
// of its share of the first.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Analytics.js" as Analytics

ColumnLayout {
    id: list

    property string title
    // The answer's `data`: [{group, cost_usd, requests, …}], most first.
    property var entries: []
    // Said instead of the entries when there are none.
    property string emptyText
    // What "" stands for in this dimension ("calls refused before a model was known").
    property string noneText: qsTr("(none)")

    // Ranked by cost; while nothing costs anything (models without a price) the calls say more.
    readonly property bool byCost: entries.some(entry => entry.cost_usd > 0)
    readonly property double largest: {
        let most = 0
        for (const entry of entries)
            most = Math.max(most, amountOf(entry))
        return most
    }

    function amountOf(entry) {
        const amount = byCost ? entry.cost_usd : entry.requests
        return amount > 0 ? amount : 0
    }

    spacing: 4

    Label {
        Layout.fillWidth: true
        text: list.title
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        elide: Text.ElideRight
    }
    Label {
        objectName: "topEmpty"
        Layout.fillWidth: true
        visible: list.entries.length === 0
        text: list.emptyText
        color: Theme.textMuted
        elide: Text.ElideRight
    }
    Repeater {
        model: list.entries

        ColumnLayout {
            id: entry

            required property var modelData

            objectName: "topEntry"
            Layout.fillWidth: true
            spacing: 2

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingSmall

                Label {
                    Layout.fillWidth: true
                    text: entry.modelData.group.length > 0 ? entry.modelData.group : list.noneText
                    color: Theme.text
                    elide: Text.ElideMiddle
                }
                Label {
                    text: list.byCost ? Analytics.usdShort(entry.modelData.cost_usd)
                        : entry.modelData.requests === 1 ? qsTr("1 call") : qsTr("%1 calls").arg(Analytics.compact(entry.modelData.requests))
                    color: Theme.text
                }
            }
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: 3
                radius: 1.5
                color: Theme.neutralSoft

                Rectangle {
                    width: list.largest > 0 ? parent.width * list.amountOf(entry.modelData) / list.largest : 0
                    height: parent.height
                    radius: 1.5
                    color: Theme.accent
                }
            }
        }
    }
}
