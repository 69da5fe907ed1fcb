// A value to paste elsewhere (an address, a key): monospace, with a Copy button; secrets start masked.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

RowLayout {
    id: field

    required property string value
    property bool secret: false
    property bool revealed: false
    // Keys start with a visible prefix the call log shows too; the rest stays hidden until asked.
    property int visiblePrefixLength: 10

    readonly property string shownText: value.length === 0 ? "—"
        : secret && !revealed ? value.substring(0, visiblePrefixLength) + "••••••••••••••" : value

    spacing: Theme.spacingSmall

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 32
        implicitWidth: valueLabel.implicitWidth + 2 * Theme.spacing
        radius: 6
        color: Theme.surfaceAlternate
        border.color: Theme.border

        Label {
            id: valueLabel
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            verticalAlignment: Text.AlignVCenter
            text: field.shownText
            color: Theme.text
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSize
            elide: Text.ElideMiddle
        }
    }
    ActionButton {
        visible: field.secret
        text: field.revealed ? qsTr("Hide") : qsTr("Show")
        enabled: field.value.length > 0
        onClicked: field.revealed = !field.revealed
    }
    ActionButton {
        id: copyButton
        // Wide enough for "Copied" too, so the row does not jump.
        Layout.preferredWidth: 76
        text: copiedTimer.running ? qsTr("Copied") : qsTr("Copy")
        enabled: field.value.length > 0
        onClicked: {
            Clipboard.setText(field.value)
            copiedTimer.restart()
        }
        Timer {
            id: copiedTimer
            interval: 1500
        }
    }
}
