// A titled part of the routes editor ("Deployments", "Rules"): a bold line, an optional hint under
// it, then its content. `invalid` frames it red when the API names its parameter as a whole.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

ColumnLayout {
    id: section

    property string title
    property string hint
    property bool invalid: false
    default property alias content: body.data
    // Items at the right of the title (an "Add" button).
    property alias headerItems: headerRow.data

    spacing: Theme.spacingSmall

    RowLayout {
        id: headerRow
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacingSmall
        spacing: Theme.spacingSmall
        Label {
            Layout.fillWidth: true
            text: section.title
            color: section.invalid ? Theme.danger : Theme.text
            font.bold: true
        }
    }
    Label {
        Layout.fillWidth: true
        visible: section.hint.length > 0
        text: section.hint
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }
    ColumnLayout {
        id: body
        Layout.fillWidth: true
        spacing: Theme.spacingSmall
    }
}
