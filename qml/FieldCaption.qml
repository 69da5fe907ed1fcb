// The name of an input, above or beside it.
import QtQuick.Controls.Basic

Label {
    color: Theme.textMuted
    font.pixelSize: Theme.fontSizeSmall
}
