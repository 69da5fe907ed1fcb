// A number with its caption, for counters above a table ("1,204 calls").
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

RowLayout {
    id: stat

    required property string value
    required property string caption
    property color valueColor: Theme.text

    spacing: 4

    Label {
        text: stat.value
        color: stat.valueColor
        font.pixelSize: Theme.fontSize
        font.bold: true
    }
    Label {
        text: stat.caption
        color: Theme.textMuted
    }
}
