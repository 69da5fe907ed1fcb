// Sets a prompt's label (PUT /admin/v1/prompts/{name}/labels/{label}): one version, or a split of
// several by weight with each one's share. The message says what the change deploys; the form is
// checked before it is sent and a refusal keeps it open, with the field the API names in red.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts

FormDialog {
    id: dialog

    property var client: null
    property string promptName
    // The prompt's version numbers, oldest first.
    property var versions: []
    // The label being moved (as the API lists it), or null for a new one.
    property var editing: null
    // The form's own check: {param: message}.
    property var problems: ({})
    // Bumped at every edit of the rows, so what is worked out from them follows.
    property int revision: 0

    readonly property string labelName: editing ? editing.label : labelField.text.trim()
    readonly property var rowsNow: { revision; return dialog.rowArray() }
    readonly property var shares: Prompts.splitShares(rowsNow)

    function openFor(label, latest) {
        editing = label
        labelField.text = label ? label.label : ""
        splitRows.clear()
        for (const row of Prompts.splitRows(label, latest))
            splitRows.append(row)
        problems = {}
        errorText = ""
        ++revision
        open()
    }
    function rowArray() {
        const list = []
        for (let i = 0; i < splitRows.count; ++i)
            list.push({ version: splitRows.get(i).version, weight: splitRows.get(i).weight })
        return list
    }
    function edit(index, field, value) {
        splitRows.setProperty(index, field, value)
        ++revision
    }
    // A row for the newest version the split does not name yet, at a small weight (a canary).
    function addRow() {
        const used = rowsNow.map(row => Governance.integerOf(row.version))
        const next = versions.slice().reverse().find(n => used.indexOf(n) < 0)
        if (next === undefined)
            return
        splitRows.append({ version: String(next), weight: "10" })
        ++revision
    }
    // One call: the row's delegate is gone once it is removed.
    function removeRow(index) {
        splitRows.remove(index)
        ++revision
    }
    function marks(param) {
        return problems[param] !== undefined || Governance.paramMarks(submitParam, param)
    }

    title: editing ? qsTr("Move label %1").arg(editing.label) : qsTr("Set a label")
    message: Prompts.isName(labelName) && rowsNow.length > 0 ? Prompts.deployText(promptName, labelName, editing, rowsNow)
        : qsTr("A label names what applications call: moving it is the deploy, moving it back the rollback.")
    confirmText: qsTr("Deploy")
    canConfirm: Prompts.isName(labelName)
    initialFocus: editing ? null : labelField
    width: Math.min(560, parent ? parent.width - 2 * Theme.spacingLarge : 560)
    onConfirmed: {
        submitError = ""
        submitParam = ""
        problems = Prompts.splitProblems(rowsNow, versions)
        const params = Object.keys(problems)
        if (params.length > 0) {
            errorText = problems[params[0]]
            return
        }
        errorText = ""
        submit(client, "PUT", Prompts.labelPath(promptName, labelName), Prompts.splitBody(rowsNow))
    }

    ListModel {
        id: splitRows
    }

    FieldCaption {
        Layout.fillWidth: true
        visible: !dialog.editing
        text: qsTr("Label (a-z, 0-9, '.', '_', '-'): production is what calls without a label get")
        wrapMode: Text.Wrap
    }
    RouteInput {
        id: labelField
        objectName: "labelName"
        Layout.fillWidth: true
        visible: !dialog.editing
        param: "label"
        invalid: text.length > 0 && !Prompts.isName(text.trim()) || dialog.marks(param)
        placeholderText: "production"
        onAccepted: dialog.confirm()
    }

    FieldCaption {
        Layout.topMargin: Theme.spacingSmall
        Layout.fillWidth: true
        text: qsTr("Versions: several split the calls by weight (an A/B test); a call's user id keeps each user on one")
        wrapMode: Text.Wrap
    }
    Repeater {
        model: splitRows

        RowLayout {
            id: splitRow

            required property int index
            required property string version
            required property string weight

            objectName: "splitRow"
            Layout.fillWidth: true
            spacing: Theme.spacingSmall

            ChoiceBox {
                objectName: "splitVersion"
                Layout.preferredWidth: 110
                model: dialog.versions.map(n => "v" + n)
                currentIndex: dialog.versions.indexOf(Governance.integerOf(splitRow.version))
                onActivated: index => dialog.edit(splitRow.index, "version", String(dialog.versions[index]))
                background: Rectangle {
                    implicitHeight: 32
                    radius: 6
                    color: dialog.marks("split[" + splitRow.index + "].version") ? Theme.dangerSoft : Theme.surface
                    border.color: dialog.marks("split[" + splitRow.index + "].version") ? Theme.danger : Theme.border
                }
            }
            FieldCaption {
                text: qsTr("weight")
            }
            RouteInput {
                objectName: "splitWeight"
                Layout.preferredWidth: 90
                text: splitRow.weight
                param: "split[" + splitRow.index + "].weight"
                invalid: dialog.marks(param)
                onTextEdited: dialog.edit(splitRow.index, "weight", text)
                onAccepted: dialog.confirm()
            }
            Label {
                objectName: "splitShare"
                Layout.fillWidth: true
                text: dialog.shares[splitRow.index] || "—"
                color: Theme.text
                font.bold: true
            }
            ActionButton {
                objectName: "removeSplitRow"
                visible: splitRows.count > 1
                text: qsTr("Remove")
                onClicked: dialog.removeRow(splitRow.index)
            }
        }
    }
    ActionButton {
        objectName: "addSplitRow"
        visible: splitRows.count < dialog.versions.length
        text: qsTr("Split with another version")
        onClicked: dialog.addRow()
    }
}
