// The live call log, full height: every call through the gateway, newest first.
import QtQuick
import QtQuick.Layouts
import Gatehouse.Console

Item {
    id: page

    required property GatewayController controller

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Call log")
            subtitle: qsTr("The latest %1 calls, newest first. Every call is kept in the database.")
                .arg(page.controller.callLog.capacity.toLocaleString(Qt.locale(), "f", 0))
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            headerItems: [
                StatText {
                    value: page.controller.callLog.totalCalls.toLocaleString(Qt.locale(), "f", 0)
                    caption: qsTr("calls since start")
                },
                StatText {
                    value: page.controller.callLog.callsPerSecond.toLocaleString(Qt.locale(), "f", 1)
                    caption: qsTr("calls/s")
                },
                StatText {
                    objectName: "droppedRecords"
                    // Records the writer could not keep (its queue full, or the database failing): the
                    // calls happened, their records are missing from the log and the charts.
                    visible: page.controller.callLog.droppedRecords > 0
                    value: page.controller.callLog.droppedRecords.toLocaleString(Qt.locale(), "f", 0)
                    caption: qsTr("records dropped")
                    valueColor: Theme.danger
                },
                ActionButton {
                    text: qsTr("Clear")
                    enabled: page.controller.callLog.count > 0
                    onClicked: page.controller.callLog.clear()
                }
            ]

            CallTable {
                Layout.fillWidth: true
                Layout.fillHeight: true
                calls: page.controller.callLog
                emptyText: qsTr("No calls yet.")
            }
        }
    }
}
