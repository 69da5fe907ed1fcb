// Where a paged admin list is ("51–100 of 230") and the way to the previous and next page.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

RowLayout {
    id: bar

    // AdminListModel (total, limit, offset), or a stand-in.
    required property var model
    // What the rows are, for the count: "entries", "keys".
    property string noun: qsTr("entries")

    readonly property int total: model ? model.total : 0
    readonly property int limit: model ? Math.max(1, model.limit) : 1
    readonly property int offset: model ? model.offset : 0
    readonly property bool hasPrevious: offset > 0
    readonly property bool hasNext: offset + limit < total

    Layout.fillHeight: false
    spacing: Theme.spacingSmall

    Label {
        objectName: "pagingText"
        Layout.fillWidth: true
        text: bar.total === 0 ? qsTr("No %1").arg(bar.noun)
            : qsTr("%1–%2 of %3 %4").arg(bar.offset + 1).arg(Math.min(bar.offset + bar.limit, bar.total)).arg(bar.total).arg(bar.noun)
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
    }
    ActionButton {
        objectName: "previousPage"
        visible: bar.hasPrevious || bar.hasNext
        text: qsTr("Previous")
        enabled: bar.hasPrevious
        onClicked: bar.model.offset = Math.max(0, bar.offset - bar.limit)
    }
    ActionButton {
        objectName: "nextPage"
        visible: bar.hasPrevious || bar.hasNext
        text: qsTr("Next")
        enabled: bar.hasNext
        onClicked: bar.model.offset = bar.offset + bar.limit
    }
}
