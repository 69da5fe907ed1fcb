// The console's push button: filled accent for the main action on a card, outlined otherwise.
import QtQuick
import QtQuick.Controls.Basic

Button {
    id: control

    property bool primary: false

    padding: 8
    leftPadding: 14
    rightPadding: 14
    font.pixelSize: Theme.fontSize
    hoverEnabled: true

    contentItem: Label {
        text: control.text
        font: control.font
        color: !control.enabled ? Theme.textMuted : control.primary ? "white" : Theme.accent
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitHeight: 32
        radius: 6
        color: {
            if (control.primary)
                return !control.enabled ? Theme.neutralSoft : control.down || control.hovered ? Theme.accentHover : Theme.accent
            return control.down || control.hovered ? Theme.accentSoft : Theme.surface
        }
        border.color: control.primary ? "transparent" : Theme.border
    }
}
