// The navigation sidebar: the console's pages, and the gateway's state at a glance.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

Rectangle {
    id: sidebar

    required property list<PageEntry> pages
    required property GatewayController controller
    property int currentIndex: 0

    implicitWidth: 216
    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.topMargin: Theme.spacingLarge
        spacing: 2

        RowLayout {
            Layout.leftMargin: Theme.spacingSmall
            Layout.bottomMargin: Theme.spacingLarge
            spacing: Theme.spacing

            Rectangle {
                implicitWidth: 30
                implicitHeight: 30
                radius: 7
                color: Theme.accent

                Label {
                    anchors.centerIn: parent
                    text: "G"
                    color: "white"
                    font.pixelSize: 16
                    font.bold: true
                }
            }
            ColumnLayout {
                spacing: 0

                Label {
                    text: "Gatehouse"
                    color: "white"
                    font.pixelSize: Theme.fontSizeHeading
                    font.bold: true
                }
                Label {
                    text: qsTr("Console")
                    color: Theme.sidebarTextMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }
        }

        Repeater {
            model: sidebar.pages

            NavigationItem {
                required property PageEntry modelData
                required property int index

                Layout.fillWidth: true
                text: modelData.title
                current: sidebar.currentIndex === index
                onClicked: sidebar.currentIndex = index
            }
        }

        Item {
            Layout.fillHeight: true
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.spacingSmall
            spacing: 4

            StateBadge {
                gatewayState: sidebar.controller.state
            }
            Label {
                Layout.fillWidth: true
                text: sidebar.controller.address.length > 0 ? sidebar.controller.address : qsTr("Not listening")
                color: Theme.sidebarTextMuted
                font.pixelSize: Theme.fontSizeSmall
                elide: Text.ElideRight
            }
        }
    }
}
