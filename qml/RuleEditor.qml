// One routing rule in the routes editor: its name, the conditions that must all hold (none: every
// request), the deployments it sends to (this model's, by id) and whether the others follow.
// Edits `rule`, an object of the editor's `rules`, in place.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

Rectangle {
    id: box

    required property var editor
    required property var rule
    required property int index

    readonly property string param: "rules[" + index + "]"
    property var conditions: rule.conditions

    function addCondition() {
        rule.conditions = rule.conditions.concat([{ field: "tenant", key: "", values: "" }])
        conditions = rule.conditions
        editor.touch()
    }
    function removeCondition(at) {
        rule.conditions = rule.conditions.filter((c, i) => i !== at)
        conditions = rule.conditions
        editor.touch()
    }

    objectName: "ruleEditor"
    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.surfaceAlternate
    border.color: editor.marks(param) ? Theme.danger : Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
            FieldCaption { text: qsTr("Rule %1").arg(box.index + 1) }
            RouteInput {
                objectName: "ruleName"
                Layout.fillWidth: true
                readOnly: box.editor.readOnly
                param: box.param + ".name"
                invalid: box.editor.marks(param)
                placeholderText: qsTr("name, e.g. acme-dedicated")
                text: box.rule.name
                onTextChanged: if (text !== box.rule.name) { box.rule.name = text; box.editor.touch() }
            }
            ActionButton {
                objectName: "addCondition"
                visible: !box.editor.readOnly
                text: qsTr("Add condition")
                onClicked: box.addCondition()
            }
            ActionButton {
                objectName: "removeRule"
                visible: !box.editor.readOnly
                text: qsTr("Remove rule")
                onClicked: box.editor.removeRule(box.index)
            }
        }
        FieldCaption {
            text: box.conditions.length === 0 ? qsTr("Applies to every request (no condition).")
                : qsTr("When all of these hold (values separated by commas):")
        }
        Repeater {
            model: box.conditions
            RuleCondition {
                Layout.fillWidth: true
                editor: box.editor
                condition: box.conditions[index]
                ruleIndex: box.index
                onRemoveRequested: box.removeCondition(index)
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacing
            FieldCaption {
                text: qsTr("Send to")
                color: box.editor.marks(box.param + ".deployments") ? Theme.danger : Theme.textMuted
            }
            Rectangle {
                objectName: "ruleTargets"
                readonly property bool invalid: box.editor.marks(box.param + ".deployments")
                Layout.fillWidth: true
                implicitHeight: targets.implicitHeight + 4
                radius: 6
                color: invalid ? Theme.dangerSoft : "transparent"
                border.color: invalid ? Theme.danger : "transparent"
                border.width: invalid ? 2 : 0
                Flow {
                    id: targets
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.leftMargin: 4
                    spacing: Theme.spacing
                    Repeater {
                        model: box.editor.deployments.length
                        CheckBox {
                            required property int index
                            objectName: "ruleTarget"
                            text: box.editor.revision >= 0 ? box.editor.deploymentLabel(index) : ""
                            checked: box.rule.targets.indexOf(index) >= 0
                            enabled: !box.editor.readOnly
                            onToggled: {
                                box.rule.targets = checked ? box.rule.targets.concat([index]).sort((a, b) => a - b)
                                    : box.rule.targets.filter(i => i !== index)
                                box.editor.touch()
                            }
                        }
                    }
                }
            }
        }
        CheckBox {
            objectName: "ruleFallBack"
            text: qsTr("Fall back to the other deployments when these fail")
            checked: box.rule.fallBack
            enabled: !box.editor.readOnly
            onToggled: { box.rule.fallBack = checked; box.editor.touch() }
        }
    }
}
