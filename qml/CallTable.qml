// The live call table: one row per call, newest on top, with its column titles; rows can be chosen.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: table

    // A CallLogModel, or a view of one with its roles (CallLogFilterModel).
    required property var calls
    // Shown while the table is empty.
    property string emptyText: qsTr("No calls yet.")
    // Rows can be chosen: a click emits callClicked, and the row of `selectedRequestId` is highlighted.
    property bool selectable: false
    property string selectedRequestId

    signal callClicked(int row)

    // A row scrolled into view by showRow, kept in view while the table's height settles (the
    // detail pane opening under it) until the rows or the user move it; -1: none.
    property int pinnedRow: -1

    // Scrolls so that `row` is in view.
    function showRow(row) {
        list.forceLayout() // rows inserted in this turn first: they would move it, and unpin it
        pinnedRow = row
        list.positionViewAtIndex(row, ListView.Contain)
    }

    spacing: 0

    CallTableColumns {
        id: tableColumns
        // Leave room for the scroll bar, so the last column never hides under it.
        tableWidth: list.width - 8
    }

    CallTableHeader {
        Layout.fillWidth: true
        columns: tableColumns
    }

    ListView {
        id: list
        objectName: "callList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: table.calls
        reuseItems: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        onHeightChanged: if (table.pinnedRow >= 0 && table.pinnedRow < count) positionViewAtIndex(table.pinnedRow, ListView.Contain)
        onCountChanged: table.pinnedRow = -1
        onMovementStarted: table.pinnedRow = -1

        delegate: CallTableRow {
            required property int index

            objectName: "callRow"
            width: list.width
            columns: tableColumns
            selectable: table.selectable
            selected: table.selectable && requestId === table.selectedRequestId
            onClicked: table.callClicked(index)
        }

        Label {
            anchors.centerIn: parent
            width: Math.min(parent.width - 2 * Theme.spacingLarge, 520)
            visible: list.count === 0
            text: table.emptyText
            color: Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }
    }
}
