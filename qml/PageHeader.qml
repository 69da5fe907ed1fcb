// The title and one-line description at the top of a page.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

ColumnLayout {
    id: header

    required property string title
    property string subtitle

    spacing: 2

    Label {
        text: header.title
        color: Theme.text
        font.pixelSize: Theme.fontSizeTitle
        font.bold: true
    }
    Label {
        Layout.fillWidth: true
        visible: header.subtitle.length > 0
        text: header.subtitle
        color: Theme.textMuted
        elide: Text.ElideRight
    }
}
