// Checkboxes among the served models (fallbacks, context-window fallbacks). `selected` keeps the
// order they were chosen in, which is the order the gateway tries them; a chosen model that is no
// longer served still shows, so it can be unchosen.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

ColumnLayout {
    id: choice

    property var choices: []
    property var selected: []
    property bool readOnly: false
    property bool invalid: false
    property string emptyText: qsTr("No other model is served.")

    signal chosen(var models)

    readonly property var shown: choices.concat(selected.filter(m => choices.indexOf(m) < 0))

    spacing: 0

    Flow {
        Layout.fillWidth: true
        spacing: Theme.spacing

        Repeater {
            model: choice.shown
            CheckBox {
                required property string modelData
                objectName: "modelChoice_" + modelData
                text: choice.selected.indexOf(modelData) >= 0 && choice.selected.length > 1
                    ? modelData + " (" + (choice.selected.indexOf(modelData) + 1) + ")" : modelData
                checked: choice.selected.indexOf(modelData) >= 0
                enabled: !choice.readOnly
                palette.text: choice.invalid ? Theme.danger : Theme.text
                onToggled: choice.chosen(checked ? choice.selected.concat([modelData]) : choice.selected.filter(m => m !== modelData))
            }
        }
    }
    Label {
        visible: choice.shown.length === 0
        text: choice.emptyText
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
    }
}
