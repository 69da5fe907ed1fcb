// An InputField of the routes editor that turns red when the API (or the form's own check) names
// its parameter: `param` is the API's name for it, "deployments[1].weight".
import QtQuick
import QtQuick.Controls.Basic

InputField {
    id: field

    property string param
    property bool invalid: false

    background: Rectangle {
        implicitWidth: 80
        implicitHeight: 32
        radius: 6
        color: field.invalid ? Theme.dangerSoft : field.enabled ? Theme.surface : Theme.surfaceAlternate
        border.color: field.invalid ? Theme.danger : field.activeFocus ? Theme.accent : Theme.border
        border.width: field.invalid ? 2 : 1
    }
}
