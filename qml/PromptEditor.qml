// The prompt editor: a new version from an earlier one (or from nothing). Versions never change, so
// saving always adds one: the model, the messages with their placeholders coloured, the variables
// they use, the parameters and which of them callers may override, and a note. The draft is checked
// as the gateway checks a new version while it is typed (PromptDraft); Save posts it, and a refusal
// shows the API's message at the field its `param` names.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts

ColumnLayout {
    id: editor

    property var client: null
    property string promptName
    // The version the draft started from (null: a new prompt's first), and the latest number.
    property var base: null
    property int latestVersion: 0
    // The gateway's public models, for the model choice.
    property var models: []

    property string modelText
    property var overridable: []
    property bool saving: false
    // The API's refusal of the last save, and the field it names.
    property string submitError
    property string submitParam
    // The draft's check as it is typed: {param, code, message}, or {} when it is ready to save.
    property var check: ({})
    readonly property bool ready: !check.param
    readonly property string shownError: submitError.length > 0 ? submitError : check.message || ""
    readonly property string shownParam: submitError.length > 0 ? submitParam : check.param || ""
    readonly property alias variables: variableModel
    readonly property alias messages: messageModel
    // Requests on their way must not touch an editor that is gone.
    property var lifetime: ({ alive: true })
    Component.onDestruction: lifetime.alive = false

    // A version was saved: the page shows it and starts the next draft from it.
    signal saved(var version)

    // Starts a draft from `version` (null: two empty messages).
    function load(version) {
        base = version
        const form = Prompts.versionForm(version)
        modelText = form.model
        selectModel()
        messageModel.clear()
        for (const message of form.messages)
            messageModel.append({ messageRole: message.role, content: message.content })
        variableModel.variables = form.variables
        for (const field of Prompts.parameterFields)
            parameterRepeater.itemAt(Prompts.parameterFields.indexOf(field)).text = form.parameters[field.key]
        otherParameters.text = form.otherParameters
        overridable = form.overridable
        note.text = ""
        submitError = ""
        submitParam = ""
        edited()
    }
    function selectModel() {
        modelBox.currentIndex = models.indexOf(modelText)
        if (modelBox.currentIndex < 0)
            modelBox.editText = modelText
    }
    function messagesNow() {
        const list = []
        for (let i = 0; i < messageModel.count; ++i)
            list.push({ role: messageModel.get(i).messageRole, content: messageModel.get(i).content })
        return list
    }
    function form() {
        const parameters = {}
        for (let i = 0; i < Prompts.parameterFields.length; ++i)
            parameters[Prompts.parameterFields[i].key] = parameterRepeater.itemAt(i) ? parameterRepeater.itemAt(i).text : ""
        return { model: modelText, messages: messagesNow(), parameters: parameters, otherParameters: otherParameters.text,
            overridable: overridable, note: note.text }
    }
    // Something was typed: the variables follow the messages at once, the check a moment later.
    function edited() {
        variableModel.messages = messagesNow()
        submitError = ""
        submitParam = ""
        checkTimer.restart()
    }
    function runCheck() {
        const built = Prompts.versionBody(form(), variableModel.variables)
        check = built.param ? { param: built.param, message: built.message } : PromptDraft.check(built.body)
        return built.body
    }
    function save() {
        checkTimer.stop()
        const body = runCheck()
        if (!ready || saving || !client)
            return
        saving = true
        const lifetime = editor.lifetime
        client.request("POST", Prompts.promptPath(promptName) + "/versions", body, reply => {
            if (!lifetime.alive)
                return
            saving = false
            if (!reply.ok) {
                submitError = Governance.errorOf(reply)
                const error = reply.body && reply.body.error ? reply.body.error : null
                submitParam = error && error.param ? error.param : ""
                return
            }
            editor.saved(reply.body)
        })
    }
    function setMessage(index, role, value) {
        if (messageModel.get(index)[role] === value)
            return
        messageModel.setProperty(index, role, value)
        edited()
    }
    function moveMessage(from, to) {
        messageModel.move(from, to, 1)
        edited()
    }
    function removeMessage(index) {
        messageModel.remove(index)
        edited()
    }
    function marks(field) {
        return Governance.paramMarks(shownParam, field)
    }
    function toggleOverridable(name, on) {
        const next = overridable.filter(n => n !== name)
        if (on)
            next.push(name)
        overridable = next
        edited()
    }

    function modelEdited(text) {
        modelText = text
        edited()
    }

    onModelsChanged: Qt.callLater(editor.selectModel)
    spacing: Theme.spacing

    Timer {
        id: checkTimer
        interval: 250
        onTriggered: editor.runCheck()
    }
    ListModel {
        id: messageModel
    }
    PromptVariablesModel {
        id: variableModel
        onVariablesChanged: checkTimer.restart()
    }

    Label {
        objectName: "editorIntro"
        Layout.fillWidth: true
        text: editor.base
            ? qsTr("Saving adds version %1: versions never change, so this edits a copy of v%2%3. Labels keep pointing where they point until you move them.")
                .arg(editor.latestVersion + 1).arg(editor.base.version)
                .arg(Governance.textOf(editor.base.note).length > 0 ? " (“" + editor.base.note + "”)" : "")
            : qsTr("Saving adds version %1, the prompt's first. Versions never change: every later edit adds another.").arg(editor.latestVersion + 1)
        color: Theme.textMuted
        wrapMode: Text.Wrap
    }

    // What the version is about and Save, over the form: in sight however long the messages are.
    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing

        FieldCaption {
            text: qsTr("Note")
        }
        RouteInput {
            id: note
            objectName: "versionNote"
            Layout.fillWidth: true
            param: "note"
            invalid: editor.marks(param)
            placeholderText: qsTr("What changed and why, for the version history")
            onTextEdited: editor.edited()
            onAccepted: editor.save()
        }
        ActionButton {
            objectName: "saveVersion"
            primary: true
            enabled: !editor.saving && !!editor.client && editor.promptName.length > 0
            text: editor.saving ? qsTr("Saving…") : qsTr("Save as version %1").arg(editor.latestVersion + 1)
            onClicked: editor.save()
        }
    }
    Label {
        objectName: "editorCheck"
        Layout.fillWidth: true
        // A problem of a message is said under it; here only where to look.
        text: editor.shownError.length === 0 ? qsTr("Ready to save: checked as the gateway checks a new version.")
            : Prompts.messageOfParam(editor.shownParam) >= 0 && Prompts.messageOfParam(editor.shownParam) < messageModel.count
                ? qsTr("Not ready to save: see message %1 below.").arg(Prompts.messageOfParam(editor.shownParam) + 1)
                : editor.shownError
        color: editor.shownError.length > 0 ? Theme.danger : Theme.success
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing

        FieldCaption {
            text: qsTr("Model")
        }
        ChoiceBox {
            id: modelBox
            objectName: "promptModel"
            Layout.preferredWidth: 260
            editable: true
            model: editor.models
            // Only what the user does changes the model: a new list of models resets the box's text.
            onActivated: index => editor.modelEdited(editor.models[index])
            onAccepted: editor.modelEdited(editText)
            Connections {
                target: modelBox.contentItem
                ignoreUnknownSignals: true
                function onTextEdited() {
                    editor.modelEdited(modelBox.editText)
                }
            }
            background: Rectangle {
                implicitWidth: 180
                implicitHeight: 32
                radius: 6
                color: editor.marks("model") ? Theme.dangerSoft : Theme.surface
                border.color: editor.marks("model") ? Theme.danger : modelBox.activeFocus ? Theme.accent : Theme.border
                border.width: editor.marks("model") ? 2 : 1
            }
        }
        Label {
            id: modelNotServed
            objectName: "modelNotServed"
            Layout.fillWidth: true
            visible: editor.modelText.length > 0 && editor.models.length > 0 && editor.models.indexOf(editor.modelText) < 0
            text: qsTr("The gateway serves no model %1 now: calls would be refused (404 model_not_found) until it does.").arg(editor.modelText)
            color: Theme.warning
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            visible: !modelNotServed.visible
            text: qsTr("A public model of the gateway; its routing, limits and budgets apply to the prompt's calls.")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            elide: Text.ElideRight
        }
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingLarge

        // The messages.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 3
            Layout.alignment: Qt.AlignTop
            spacing: Theme.spacingSmall

            RowLayout {
                Layout.fillWidth: true

                Label {
                    Layout.fillWidth: true
                    text: qsTr("Messages")
                    color: Theme.text
                    font.bold: true
                }
                ActionButton {
                    objectName: "addMessage"
                    implicitHeight: 28
                    padding: 4
                    text: qsTr("Add message")
                    onClicked: {
                        messageModel.append({ messageRole: messageModel.count === 0 ? "system" : "user", content: "" })
                        editor.edited()
                    }
                }
            }
            Repeater {
                id: messageRepeater
                model: messageModel

                PromptMessageEditor {
                    required property string messageRole
                    required property string content

                    Layout.fillWidth: true
                    messageCount: messageModel.count
                    invalid: editor.marks("messages[" + index + "]")
                        || (editor.shownParam === "messages" && messageModel.count > 0)
                    errorText: editor.shownError
                    Component.onCompleted: show(messageRole, content)
                    // One call each: a removed message's delegate is gone when its handler returns.
                    onRoleEdited: role => editor.setMessage(index, "messageRole", role)
                    onContentEdited: text => editor.setMessage(index, "content", text)
                    onMoveRequested: to => editor.moveMessage(index, to)
                    onRemoveRequested: editor.removeMessage(index)
                }
            }
        }

        // The variables and parameters.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 2
            Layout.alignment: Qt.AlignTop
            spacing: Theme.spacing

            PromptVariablesPanel {
                objectName: "variablesPanel"
                Layout.fillWidth: true
                variables: variableModel
                invalid: editor.marks("variables")
            }

            Label {
                Layout.topMargin: Theme.spacingSmall
                text: qsTr("Parameters")
                color: Theme.text
                font.bold: true
            }
            GridLayout {
                Layout.fillWidth: true
                columns: Prompts.parameterFields.length
                columnSpacing: Theme.spacingSmall
                rowSpacing: 2

                Repeater {
                    model: Prompts.parameterFields

                    FieldCaption {
                        required property var modelData
                        required property int index
                        Layout.row: 0
                        Layout.column: index
                        text: modelData.label
                    }
                }
                Repeater {
                    id: parameterRepeater
                    model: Prompts.parameterFields

                    RouteInput {
                        required property var modelData
                        required property int index
                        objectName: "parameter_" + modelData.key
                        Layout.row: 1
                        Layout.column: index
                        Layout.fillWidth: true
                        param: "parameters." + modelData.key
                        invalid: editor.marks(param)
                        placeholderText: modelData.placeholder
                        onTextEdited: editor.edited()
                    }
                }
            }
            FieldCaption {
                text: qsTr("Other parameters (JSON: response_format, stop, seed, tools…)")
            }
            TextArea {
                id: otherParameters
                objectName: "otherParameters"
                Layout.fillWidth: true
                Layout.minimumHeight: 44
                wrapMode: TextEdit.Wrap
                selectByMouse: true
                font.family: Theme.monospaceFamily
                font.pixelSize: Theme.fontSizeSmall
                placeholderText: "{\"stop\": [\"END\"]}"
                onTextChanged: editor.edited()
                background: Rectangle {
                    radius: 6
                    color: editor.marks("parameters") && editor.shownParam === "parameters" ? Theme.dangerSoft : Theme.surface
                    border.color: otherParameters.activeFocus ? Theme.accent : Theme.border
                }
            }
            FieldCaption {
                text: qsTr("Callers may override")
            }
            Flow {
                objectName: "overridable"
                Layout.fillWidth: true
                spacing: 2

                Repeater {
                    model: Prompts.parameterNames

                    CheckBox {
                        required property string modelData
                        objectName: "overridable_" + modelData
                        text: modelData
                        checked: editor.overridable.indexOf(modelData) >= 0
                        font.pixelSize: Theme.fontSizeSmall
                        padding: 2
                        onToggled: editor.toggleOverridable(modelData, checked)
                    }
                }
            }
        }
    }
}
