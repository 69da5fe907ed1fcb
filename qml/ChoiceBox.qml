// The console's drop-down: a list of choices in the look of an InputField.
import QtQuick
import QtQuick.Controls.Basic

ComboBox {
    id: box

    font.pixelSize: Theme.fontSize
    background: Rectangle {
        implicitWidth: 180
        implicitHeight: 32
        radius: 6
        color: box.hovered ? Theme.accentSoft : Theme.surface
        border.color: box.visualFocus ? Theme.accent : Theme.border
    }
}
