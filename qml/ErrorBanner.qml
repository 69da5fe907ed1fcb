// A problem the user must act on, in red across the page: what failed, why, and a way to try again.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

Rectangle {
    id: banner

    property string title
    property string message
    property string actionText: qsTr("Try again")

    signal actionTriggered()

    implicitHeight: row.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.dangerSoft
    border.color: Qt.lighter(Theme.danger, 1.6)

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.leftMargin: Theme.spacingLarge
        spacing: Theme.spacing

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 2

            Label {
                Layout.fillWidth: true
                text: banner.title
                color: Theme.danger
                font.pixelSize: Theme.fontSize
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                text: banner.message
                color: Theme.text
                wrapMode: Text.Wrap
            }
        }
        ActionButton {
            text: banner.actionText
            onClicked: banner.actionTriggered()
        }
    }
}
