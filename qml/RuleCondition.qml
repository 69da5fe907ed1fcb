// One condition of a routing rule: a field of the request (tenant, consumer, key, a header by name,
// a metadata key) and the values it accepts, comma-separated. Edits `condition` in place.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Governance.js" as Governance

RowLayout {
    id: row

    required property var editor
    required property var condition
    required property int ruleIndex
    required property int index

    signal removeRequested()

    readonly property bool named: condition.field === "header" || condition.field === "metadata"
    // Follows what is typed, so a refusal of "rules[0].match.headers.x-team" finds this row.
    property string param: Governance.conditionParam(ruleIndex, condition)

    objectName: "ruleCondition"
    spacing: Theme.spacingSmall

    ChoiceBox {
        objectName: "conditionField"
        Layout.preferredWidth: 120
        enabled: !row.editor.readOnly
        model: [qsTr("tenant"), qsTr("consumer"), qsTr("key"), qsTr("header"), qsTr("metadata")]
        currentIndex: Governance.ruleConditionFields.indexOf(row.condition.field)
        onCurrentIndexChanged: if (currentIndex >= 0 && Governance.ruleConditionFields[currentIndex] !== row.condition.field) {
            row.condition.field = Governance.ruleConditionFields[currentIndex]
            row.param = Governance.conditionParam(row.ruleIndex, row.condition)
            row.editor.touch()
        }
    }
    RouteInput {
        objectName: "conditionKey"
        Layout.preferredWidth: 120
        visible: row.named
        readOnly: row.editor.readOnly
        param: row.param
        invalid: row.editor.marks(row.param)
        placeholderText: row.condition.field === "header" ? qsTr("X-Team") : qsTr("project")
        text: row.condition.key
        onTextChanged: if (text !== row.condition.key) {
            row.condition.key = text
            row.param = Governance.conditionParam(row.ruleIndex, row.condition)
            row.editor.touch()
        }
    }
    RouteInput {
        objectName: "conditionValues"
        Layout.fillWidth: true
        readOnly: row.editor.readOnly
        param: row.param
        invalid: row.editor.marks(row.param)
        placeholderText: row.condition.field === "consumer" ? qsTr("acme/billing, acme/search")
            : row.condition.field === "key" ? qsTr("gk-AbC1, gk-XyZ9") : qsTr("acme, globex")
        text: row.condition.values
        onTextChanged: if (text !== row.condition.values) { row.condition.values = text; row.editor.touch() }
    }
    ActionButton {
        objectName: "removeCondition"
        Layout.preferredWidth: 36
        visible: !row.editor.readOnly
        leftPadding: 0
        rightPadding: 0
        text: "✕"
        onClicked: row.removeRequested()
    }
}
