// The console's one-line text input: a quiet box that turns accent blue while typing.
import QtQuick
import QtQuick.Controls.Basic

TextField {
    id: field

    font.pixelSize: Theme.fontSize
    color: Theme.text
    placeholderTextColor: Theme.textMuted
    selectByMouse: true
    leftPadding: 10
    rightPadding: 10
    background: Rectangle {
        implicitWidth: 200
        implicitHeight: 32
        radius: 6
        color: field.enabled ? Theme.surface : Theme.surfaceAlternate
        border.color: field.activeFocus ? Theme.accent : Theme.border
    }
}
