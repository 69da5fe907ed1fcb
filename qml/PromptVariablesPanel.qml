// The prompt editor's variables: each placeholder the messages use, in order of first use, with its
// declaration (type, required, default, description); one used but not declared is flagged and can
// be declared, one declared but unused is shown as such and can be removed.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Prompts.js" as Prompts

ColumnLayout {
    id: panel

    required property PromptVariablesModel variables
    // The API (or the check) names the variables: the panel's frame turns red.
    property bool invalid: false

    spacing: Theme.spacingSmall

    RowLayout {
        Layout.fillWidth: true

        Label {
            text: qsTr("Variables")
            color: Theme.text
            font.bold: true
        }
        Label {
            objectName: "variablesSummary"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignRight
            text: {
                const parts = [qsTr("%1 used").arg(panel.variables.placeholders.length)]
                if (panel.variables.undeclaredCount > 0)
                    parts.push(qsTr("%1 not declared").arg(panel.variables.undeclaredCount))
                if (panel.variables.unusedCount > 0)
                    parts.push(qsTr("%1 unused").arg(panel.variables.unusedCount))
                return parts.join(" · ")
            }
            color: panel.variables.undeclaredCount > 0 ? Theme.danger : Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }
    Label {
        objectName: "variablesEmpty"
        Layout.fillWidth: true
        visible: panel.variables.count === 0
        text: qsTr("No placeholders yet: write {{name}} in a message and it is listed here, to declare.")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }

    Repeater {
        model: panel.variables

        Rectangle {
            id: row

            required property int index
            required property string name
            required property string type
            // The role "required" by its model: a property cannot be named so.
            required property var model
            required property string defaultText
            required property string description
            required property bool declared
            required property string status
            required property int firstUse
            required property string problem

            objectName: "variableRow"
            Layout.fillWidth: true
            implicitHeight: rowColumn.implicitHeight + 2 * Theme.spacingSmall
            radius: 6
            color: status === "undeclared" ? Theme.dangerSoft : Theme.surface
            border.color: status === "undeclared" || panel.invalid ? Theme.danger : Theme.border

            ColumnLayout {
                id: rowColumn
                anchors.fill: parent
                anchors.margins: Theme.spacingSmall
                spacing: 4

                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacingSmall

                    Label {
                        objectName: "variableName"
                        text: "{{" + row.name + "}}"
                        color: Theme.accent
                        font.family: Theme.monospaceFamily
                        font.pixelSize: Theme.fontSizeSmall
                        font.bold: true
                    }
                    StatusPill {
                        objectName: "variableState"
                        text: row.status === "undeclared" ? qsTr("Not declared") : row.status === "unused" ? qsTr("Unused")
                            : qsTr("Message %1").arg(row.firstUse + 1)
                        tone: row.status === "undeclared" ? "danger" : row.status === "unused" ? "warning" : "neutral"
                    }
                    Item {
                        Layout.fillWidth: true
                    }
                    ActionButton {
                        objectName: "declareVariable"
                        visible: row.status === "undeclared"
                        implicitHeight: 26
                        padding: 2
                        text: qsTr("Declare")
                        onClicked: panel.variables.declare(row.name)
                    }
                    ActionButton {
                        objectName: "removeVariable"
                        visible: row.status === "unused"
                        implicitHeight: 26
                        padding: 2
                        text: qsTr("Remove")
                        onClicked: panel.variables.remove(row.name)
                    }
                }
                Label {
                    Layout.fillWidth: true
                    visible: row.status === "undeclared"
                    text: qsTr("The gateway refuses a placeholder without a declaration, so a misspelt name never becomes a new variable.")
                    color: Theme.danger
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
                GridLayout {
                    Layout.fillWidth: true
                    visible: row.declared
                    columns: 3
                    columnSpacing: Theme.spacingSmall
                    rowSpacing: 2

                    ChoiceBox {
                        objectName: "variableType"
                        Layout.preferredWidth: 100
                        implicitHeight: 28
                        model: Prompts.variableTypes
                        currentIndex: Math.max(0, Prompts.variableTypes.indexOf(row.type))
                        onActivated: index => panel.variables.setField(row.name, "type", Prompts.variableTypes[index])
                    }
                    CheckBox {
                        objectName: "variableRequired"
                        text: qsTr("Required")
                        checked: row.model.required
                        font.pixelSize: Theme.fontSizeSmall
                        onToggled: panel.variables.setField(row.name, "required", checked)
                    }
                    RouteInput {
                        objectName: "variableDefault"
                        Layout.fillWidth: true
                        implicitHeight: 28
                        text: row.defaultText
                        invalid: row.problem.length > 0
                        placeholderText: qsTr("Default (none)")
                        font.pixelSize: Theme.fontSizeSmall
                        onTextEdited: panel.variables.setField(row.name, "default", text)
                        // A long default shows from its start until it is edited.
                        onTextChanged: if (!activeFocus) cursorPosition = 0
                    }
                    RouteInput {
                        objectName: "variableDescription"
                        Layout.columnSpan: 3
                        Layout.fillWidth: true
                        implicitHeight: 28
                        text: row.description
                        placeholderText: qsTr("Description, for whoever calls the prompt")
                        font.pixelSize: Theme.fontSizeSmall
                        onTextEdited: panel.variables.setField(row.name, "description", text)
                        onTextChanged: if (!activeFocus) cursorPosition = 0
                    }
                }
                Label {
                    objectName: "variableProblem"
                    Layout.fillWidth: true
                    visible: row.problem.length > 0
                    text: row.problem
                    color: Theme.danger
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
            }
        }
    }
}
