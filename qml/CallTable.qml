// The live call table: one row per call, newest on top, with its column titles.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: table

    required property CallLogModel calls
    // Shown while the table is empty.
    property string emptyText: qsTr("No calls yet.")

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

        delegate: CallTableRow {
            width: list.width
            columns: tableColumns
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
