// The first page: is the gateway up and where, which key to use, a one-click test call, the traffic at a
// glance (DashboardStrip), and the latest calls.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

Item {
    id: page

    required property GatewayController controller

    readonly property bool running: controller.state === GatewayController.Running
    readonly property string exampleModel: controller.modelNames.length > 0 ? controller.modelNames[0] : "MODEL"
    readonly property string curlCommand: "curl " + controller.address + "/v1/chat/completions"
        + " -H 'Authorization: Bearer " + controller.developerKey + "'"
        + " -H 'Content-Type: application/json'"
        + " -d '{\"model\":\"" + exampleModel + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'"

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Overview")
            subtitle: qsTr("The gateway running inside this console. Point any OpenAI client at it with the developer key.")
        }

        ErrorBanner {
            objectName: "errorBanner"
            Layout.fillWidth: true
            visible: page.controller.state === GatewayController.Failed
            title: qsTr("The gateway could not start")
            message: page.controller.errorText
            onActionTriggered: page.controller.start()
        }

        RowLayout {
            Layout.fillWidth: true
            // Only as tall as the cards need: the call table below takes the rest of the page.
            Layout.fillHeight: false
            spacing: 16

            Card {
                title: qsTr("Gateway")
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 3
                headerItems: StateBadge {
                    gatewayState: page.controller.state
                }

                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacing
                    rowSpacing: Theme.spacing

                    Caption { text: qsTr("Address") }
                    CopyableField {
                        Layout.fillWidth: true
                        value: page.controller.address
                    }
                    Caption { text: qsTr("Developer key") }
                    CopyableField {
                        objectName: "developerKeyField"
                        Layout.fillWidth: true
                        value: page.controller.developerKey
                        secret: true
                    }
                    Caption { text: qsTr("Models") }
                    Label {
                        Layout.fillWidth: true
                        text: page.controller.modelNames.length > 0 ? page.controller.modelNames.join(", ") : "—"
                        color: Theme.text
                        elide: Text.ElideRight
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Clients send the key as Authorization: Bearer <key>. The console keeps it in console-developer.key in its data directory.")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        wrapMode: Text.Wrap
                    }
                    ActionButton {
                        text: qsTr("Copy curl command")
                        enabled: page.running
                        onClicked: Clipboard.setText(page.curlCommand)
                    }
                }
            }

            Card {
                title: qsTr("Try it")
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 2

                Label {
                    Layout.fillWidth: true
                    text: qsTr("Sends one chat completion through the gateway with the developer key, as any OpenAI client would. It appears under Recent calls.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
                ComboBox {
                    id: modelChoice
                    Layout.fillWidth: true
                    model: page.controller.modelNames
                    font.pixelSize: Theme.fontSize
                    background: Rectangle {
                        implicitWidth: 160
                        implicitHeight: 32
                        radius: 6
                        color: modelChoice.hovered ? Theme.accentSoft : Theme.surfaceAlternate
                        border.color: modelChoice.visualFocus ? Theme.accent : Theme.border
                    }
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacing

                    CheckBox {
                        id: streamChoice
                        text: qsTr("Stream the answer")
                        font.pixelSize: Theme.fontSize
                        padding: 0
                        indicator: Rectangle {
                            x: streamChoice.leftPadding
                            y: (streamChoice.height - height) / 2
                            implicitWidth: 18
                            implicitHeight: 18
                            radius: 4
                            color: streamChoice.checked ? Theme.accent : Theme.surface
                            border.color: streamChoice.checked ? Theme.accent : Theme.border

                            Text {
                                anchors.centerIn: parent
                                visible: streamChoice.checked
                                text: "✓"
                                color: "white"
                                font.pixelSize: 13
                                font.bold: true
                            }
                        }
                    }
                    Item { Layout.fillWidth: true }
                    ActionButton {
                        objectName: "sendTestRequestButton"
                        primary: true
                        text: qsTr("Send test request")
                        enabled: page.running
                        onClicked: page.controller.sendTestRequest(modelChoice.currentText, streamChoice.checked)
                    }
                }
                Label {
                    Layout.fillWidth: true
                    text: page.controller.testRequestsInFlight > 0 ? qsTr("Waiting for the answer…")
                        : page.controller.lastTestResult.length > 0 ? page.controller.lastTestResult
                        : qsTr("No test request sent yet.")
                    color: page.controller.testRequestsInFlight > 0 || page.controller.lastTestOk
                        || page.controller.lastTestResult.length === 0 ? Theme.textMuted : Theme.danger
                    font.pixelSize: Theme.fontSizeSmall
                    elide: Text.ElideRight
                }
            }
        }

        // Traffic, latency, errors and spending at a glance, from the analytics API of this console's gateway.
        DashboardStrip {
            Layout.fillWidth: true
            // As tall as it needs (a layout fills by default): the call table below takes the rest.
            Layout.fillHeight: false
            client: page.controller.admin.embeddedClient
            running: page.running
        }

        Card {
            title: qsTr("Recent calls")
            Layout.fillWidth: true
            Layout.fillHeight: true
            headerItems: [
                StatText {
                    value: page.controller.callLog.totalCalls.toLocaleString(Qt.locale(), "f", 0)
                    caption: qsTr("calls")
                },
                StatText {
                    value: page.controller.callLog.callsPerSecond.toLocaleString(Qt.locale(), "f", 1)
                    caption: qsTr("calls/s")
                }
            ]

            CallTable {
                Layout.fillWidth: true
                Layout.fillHeight: true
                calls: page.controller.callLog
                emptyText: page.running
                    ? qsTr("No calls yet. Press \"Send test request\", or point an OpenAI client at %1.").arg(page.controller.address)
                    : qsTr("Calls appear here once the gateway runs.")
            }
        }
    }
}
