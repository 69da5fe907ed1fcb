// The navigation sidebar: the console's pages, the gateway's state at a glance, and which gateway
// the governance pages manage (this console's own, or one connected with "Connect to gateway…").
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

Rectangle {
    id: sidebar

    required property list<PageEntry> pages
    required property GatewayController controller
    property int currentIndex: 0

    // "Connect to gateway…" was clicked: the window opens its dialog.
    signal connectRequested()

    // A quiet button on the dark sidebar.
    component SidebarButton: ItemDelegate {
        id: button

        objectName: "sidebarButton"
        implicitHeight: 28
        leftPadding: Theme.spacingSmall
        rightPadding: Theme.spacingSmall
        hoverEnabled: true
        font.pixelSize: Theme.fontSizeSmall
        contentItem: Label {
            text: button.text
            font: button.font
            color: button.hovered ? "white" : Theme.sidebarText
            verticalAlignment: Text.AlignVCenter
            elide: Text.ElideRight
        }
        background: Rectangle {
            radius: 6
            color: button.hovered ? Theme.sidebarHover : "transparent"
            border.color: Theme.sidebarSelected
        }
    }

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

                objectName: "navigation_" + modelData.key
                Layout.fillWidth: true
                text: modelData.title
                current: sidebar.currentIndex === index
                badgeCount: modelData.key === "approvals" ? sidebar.controller.admin.pendingApprovals : 0
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

            Rectangle {
                Layout.fillWidth: true
                Layout.topMargin: Theme.spacingSmall
                Layout.bottomMargin: 2
                implicitHeight: 1
                color: Theme.sidebarSelected
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("Governance pages manage")
                color: Theme.sidebarTextMuted
                font.pixelSize: Theme.fontSizeSmall
            }
            Label {
                objectName: "adminLocation"
                Layout.fillWidth: true
                text: sidebar.controller.admin.remote ? sidebar.controller.admin.location : qsTr("this console's gateway")
                color: sidebar.controller.admin.remote ? "white" : Theme.sidebarText
                font.pixelSize: Theme.fontSizeSmall
                font.bold: sidebar.controller.admin.remote
                elide: Text.ElideMiddle
            }
            SidebarButton {
                objectName: "connectGatewayButton"
                Layout.fillWidth: true
                Layout.topMargin: 2
                text: qsTr("Connect to gateway…")
                onClicked: sidebar.connectRequested()
            }
            SidebarButton {
                objectName: "useEmbeddedGatewayButton"
                Layout.fillWidth: true
                visible: sidebar.controller.admin.remote
                text: qsTr("Back to this console")
                onClicked: sidebar.controller.admin.useEmbeddedGateway()
            }
        }
    }
}
