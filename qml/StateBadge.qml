// The gateway's state as a coloured pill: Running, Starting, Stopped or Failed.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

Rectangle {
    id: badge

    required property int gatewayState

    readonly property bool running: gatewayState === GatewayController.Running
    readonly property bool failed: gatewayState === GatewayController.Failed
    readonly property color tone: running ? Theme.success : failed ? Theme.danger : Theme.warning

    function stateText(state) {
        switch (state) {
        case GatewayController.Running: return qsTr("Running")
        case GatewayController.Starting: return qsTr("Starting…")
        case GatewayController.Failed: return qsTr("Failed")
        default: return qsTr("Stopped")
        }
    }

    implicitWidth: row.implicitWidth + 2 * Theme.spacing
    implicitHeight: 24
    radius: height / 2
    color: running ? Theme.successSoft : failed ? Theme.dangerSoft : Theme.warningSoft

    RowLayout {
        id: row
        anchors.centerIn: parent
        spacing: Theme.spacingSmall

        Rectangle {
            implicitWidth: 8
            implicitHeight: 8
            radius: 4
            color: badge.tone
        }
        Label {
            text: badge.stateText(badge.gatewayState)
            color: badge.tone
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
        }
    }
}
