// Runs one version of a prompt once: a form of the version's variables with an input per type, an
// optional other model, and what came back — the rendered messages, the answer, tokens, cost,
// latency and the request id — or why not. With the console's own gateway and its developer key the
// run goes through the data plane (/v1/prompts/{name}/chat/completions) and the answer streams in;
// with another model, or on a remote gateway, through the admin API's test run, answered whole.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts
import "Analytics.js" as Analytics

ColumnLayout {
    id: testRun

    property var client: null
    // The data plane and a key for it (the console's embedded gateway); empty: runs go through the admin API.
    property string gatewayUrl
    property string developerKey
    property string promptName
    // The prompt's versions, oldest first, and the gateway's models.
    property var versions: []
    property var models: []
    property int versionNumber: 0
    readonly property var version: versions.find(v => v.version === versionNumber) || null
    readonly property var declarations: version && version.variables ? version.variables : []
    // What was typed per variable: {name: text}; "" leaves it out.
    property var inputs: ({})
    property var problems: ({})
    property bool running: false
    // The last run's answer (the API's), or null; its failure in plain words.
    property var result: null
    property string errorText
    // The messages the last streamed run sends, rendered here as the gateway renders them.
    property var rendered: []
    // How the last run went: "" none yet, "stream" through the data plane, "admin" through the admin API.
    property string mode
    readonly property bool overridesModel: modelOverride.editText.trim().length > 0
    readonly property bool canStream: gatewayUrl.length > 0 && developerKey.length > 0 && !overridesModel
    // Why a run is answered whole; "" when it streams.
    readonly property string notStreamedReason: canStream ? ""
        : overridesModel ? qsTr("another model is only possible through the admin API's test run, which answers whole.")
        : qsTr("runs on a gateway the console does not embed go through its admin API's test run, which answers whole.")
    // The last run for the result section, from either way: {status, usage, cost_usd, cost_pending,
    // latency_ms, first_token_ms, request_id, answer, failed, rendered}; null before the first run.
    readonly property var shown: mode === "stream" ? streamedResult() : mode === "admin" && result ? adminResult() : null
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    function setInput(name, text) {
        inputs[name] = text
    }
    function streamedResult() {
        const failed = !(stream.status >= 200 && stream.status < 300) && !stream.running || stream.errorText.length > 0
        const problem = stream.errorCode.length > 0 ? stream.errorCode + ": " + stream.errorText : stream.errorText
        return { status: stream.status, usage: stream.usage, cost_usd: stream.costUsd, cost_pending: stream.costPending,
            latency_ms: stream.latencyMs >= 0 ? stream.latencyMs : undefined, first_token_ms: stream.firstTokenMs >= 0 ? stream.firstTokenMs : undefined,
            request_id: stream.requestId, failed: failed, rendered: testRun.rendered,
            answer: [stream.answer, problem].filter(text => text.length > 0).join("\n\n") || (stream.running ? "…" : qsTr("(no text)")) }
    }
    function adminResult() {
        const status = Number(result.status)
        return { status: status, usage: result.usage, cost_usd: result.cost_usd, cost_pending: false, latency_ms: result.latency_ms,
            request_id: Governance.textOf(result.request_id), failed: !(status >= 200 && status < 300), rendered: result.rendered || [],
            answer: Prompts.answerText(result.answer) || qsTr("(no text)") }
    }
    function run() {
        const built = Prompts.testRunBody(declarations, inputs, modelOverride.editText, PromptDraft)
        problems = built.problems || {}
        if (built.problems) {
            errorText = Object.keys(built.problems).map(name => built.problems[name]).join("\n")
            return
        }
        const lifetime = testRun.lifetime
        const serial = ++lifetime.serial
        errorText = ""
        result = null
        if (canStream) {
            // Shown before the answer comes. A refusal is the gateway's own (same code, same words):
            // said at once, without a refused call in the call log and the prompt's stats.
            const local = PromptDraft.render(Prompts.plain(version), built.body.variables)
            if (!local.messages) {
                stream.cancel()
                mode = ""
                problems = local.param && local.param.startsWith("variables.") ? { [local.param.substring(10)]: local.message } : {}
                errorText = local.code + ": " + local.message
                return
            }
            rendered = local.messages
            mode = "stream"
            stream.start(gatewayUrl, developerKey, promptName, versionNumber, built.body.variables)
            return
        }
        stream.cancel()
        mode = "admin"
        running = true
        client.request("POST", Prompts.testRunTarget(promptName, versionNumber), built.body, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            running = false
            if (!reply.ok) {
                errorText = Governance.errorOf(reply)
                return
            }
            result = reply.body
        })
    }

    // The newest version (the one just saved) unless one was chosen, and while it exists.
    property bool versionChosen: false
    onVersionsChanged: {
        if (versions.length > 0 && (!versionChosen || !versions.some(v => v.version === versionNumber)))
            versionNumber = versions[versions.length - 1].version
    }
    onPromptNameChanged: versionChosen = false
    onVersionNumberChanged: {
        inputs = {}
        problems = {}
        result = null
        errorText = ""
        stream.cancel()
        mode = ""
    }
    PromptStreamClient {
        id: stream
        // The record with the call's cost is on the same gateway as the data plane (the embedded one).
        admin: testRun.canStream ? testRun.client : null
    }
    spacing: Theme.spacing

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
    }
    component Figure: ColumnLayout {
        id: figure
        property string value
        property string caption
        spacing: 0
        Label {
            text: figure.value
            color: Theme.text
            font.pixelSize: Theme.fontSizeHeading
            font.bold: true
        }
        Label {
            text: figure.caption
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }
    component Box: Rectangle {
        id: box
        property alias text: boxText.text
        property string objectNameOfText
        // The answer is an error's: in red.
        property bool failed: false
        Layout.fillWidth: true
        implicitHeight: boxText.implicitHeight + 2 * Theme.spacingSmall
        radius: 6
        color: Theme.surfaceAlternate
        border.color: Theme.border
        Label {
            id: boxText
            objectName: box.objectNameOfText
            x: Theme.spacing
            y: Theme.spacingSmall
            width: parent.width - 2 * Theme.spacing
            color: box.failed ? Theme.danger : Theme.text
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingSmall

        FieldCaption {
            text: qsTr("Version")
        }
        ChoiceBox {
            objectName: "testRunVersion"
            Layout.preferredWidth: 300
            model: testRun.versions.map(v => Prompts.versionChoiceText(v))
            currentIndex: testRun.versions.findIndex(v => v.version === testRun.versionNumber)
            onActivated: index => {
                testRun.versionChosen = true
                testRun.versionNumber = testRun.versions[index].version
            }
        }
        FieldCaption {
            Layout.leftMargin: Theme.spacing
            text: qsTr("Model (empty: the version's, %1)").arg(testRun.version ? testRun.version.model : "—")
        }
        ChoiceBox {
            id: modelOverride
            objectName: "testRunModel"
            Layout.preferredWidth: 200
            editable: true
            model: [""].concat(testRun.models)
        }
        Item {
            Layout.fillWidth: true
        }
        ActionButton {
            objectName: "runButton"
            primary: true
            enabled: !testRun.running && !stream.running && !!testRun.version && !!testRun.client
            text: testRun.running || stream.running ? qsTr("Running…") : qsTr("Run")
            onClicked: testRun.run()
        }
    }
    Label {
        Layout.fillWidth: true
        text: qsTr("Runs the version once through the gateway, like a call would (routing, limits, budgets and cost apply), and records it in the call log.")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }
    Label {
        objectName: "testRunMode"
        Layout.fillWidth: true
        text: testRun.canStream ? qsTr("Streamed through the data plane with the console's developer key.")
            : qsTr("Not streamed: %1").arg(testRun.notStreamedReason)
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }

    // The variables, each with an input of its type.
    Label {
        visible: testRun.declarations.length === 0 && !!testRun.version
        text: qsTr("This version declares no variables.")
        color: Theme.textMuted
    }
    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacingSmall

        Repeater {
            model: testRun.declarations

            ColumnLayout {
                id: input

                required property var modelData
                readonly property string type: modelData.type || "string"
                readonly property bool invalid: testRun.problems[modelData.name] !== undefined
                // What was typed before the form was made again (the prompt reloaded after a change).
                readonly property string typed: testRun.inputs[modelData.name] || ""

                objectName: "testRunVariable"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.alignment: Qt.AlignTop
                spacing: 2

                Caption {
                    Layout.fillWidth: true
                    text: "{{" + input.modelData.name + "}} · " + input.type + " · " + Prompts.emptyMeaning(input.modelData, PromptDraft)
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    visible: Governance.textOf(input.modelData.description).length > 0
                    text: Governance.textOf(input.modelData.description)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
                // Text of any length: a string or JSON.
                TextArea {
                    objectName: "variableText"
                    Layout.fillWidth: true
                    visible: input.type === "string" || input.type === "json"
                    wrapMode: TextEdit.Wrap
                    selectByMouse: true
                    font.family: input.type === "json" ? Theme.monospaceFamily : Qt.application.font.family
                    font.pixelSize: Theme.fontSize
                    placeholderText: input.type === "json" ? "{\"a\": 1}" : ""
                    Component.onCompleted: if (visible) text = input.typed
                    onTextChanged: if (visible) testRun.setInput(input.modelData.name, text)
                    background: Rectangle {
                        implicitHeight: 32
                        radius: 6
                        color: input.invalid ? Theme.dangerSoft : Theme.surface
                        border.color: input.invalid ? Theme.danger : parent.activeFocus ? Theme.accent : Theme.border
                    }
                }
                RouteInput {
                    objectName: "variableNumber"
                    Layout.fillWidth: true
                    visible: input.type === "number" || input.type === "integer"
                    invalid: input.invalid
                    placeholderText: input.type === "integer" ? "3" : "2.5"
                    inputMethodHints: Qt.ImhFormattedNumbersOnly
                    Component.onCompleted: if (visible) text = input.typed
                    onTextChanged: if (visible) testRun.setInput(input.modelData.name, text)
                }
                ChoiceBox {
                    objectName: "variableBoolean"
                    Layout.fillWidth: true
                    visible: input.type === "boolean"
                    model: [qsTr("(not set)"), "true", "false"]
                    Component.onCompleted: currentIndex = Math.max(0, ["", "true", "false"].indexOf(input.typed))
                    onActivated: index => testRun.setInput(input.modelData.name, index === 0 ? "" : index === 1 ? "true" : "false")
                }
            }
        }
    }

    Label {
        objectName: "testRunError"
        Layout.fillWidth: true
        visible: testRun.errorText.length > 0
        text: testRun.errorText
        color: Theme.danger
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }

    // What came back.
    ColumnLayout {
        objectName: "testRunResult"
        Layout.fillWidth: true
        visible: testRun.shown !== null
        spacing: Theme.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingLarge

            StatusPill {
                objectName: "testRunStatus"
                readonly property int status: testRun.shown ? testRun.shown.status : 0
                text: status > 0 ? "HTTP " + status : stream.running ? qsTr("waiting") : qsTr("no answer")
                tone: status >= 200 && status < 300 && !(testRun.shown && testRun.shown.failed) ? "success"
                    : status >= 400 && status < 500 ? "warning" : "danger"
            }
            Figure {
                objectName: "testRunTokens"
                value: testRun.shown ? Prompts.tokensText(testRun.shown.usage) : ""
                caption: qsTr("tokens")
            }
            Figure {
                objectName: "testRunCost"
                value: !testRun.shown ? "" : testRun.shown.cost_pending ? "…" : Prompts.costText(testRun.shown.cost_usd)
                caption: qsTr("cost")
            }
            Figure {
                objectName: "testRunFirstToken"
                visible: testRun.mode === "stream"
                value: testRun.shown && testRun.shown.first_token_ms !== undefined ? Analytics.ms(testRun.shown.first_token_ms) : "—"
                caption: qsTr("first token")
            }
            Figure {
                objectName: "testRunLatency"
                value: testRun.shown && testRun.shown.latency_ms !== undefined ? Analytics.ms(testRun.shown.latency_ms) : "—"
                caption: qsTr("latency")
            }
            Item {
                Layout.fillWidth: true
            }
            CopyableField {
                objectName: "testRunRequestId"
                Layout.preferredWidth: 300
                value: testRun.shown ? testRun.shown.request_id : ""
            }
        }
        Caption {
            text: qsTr("Answer")
        }
        Box {
            objectNameOfText: "testRunAnswer"
            failed: testRun.shown !== null && testRun.shown.failed
            text: testRun.shown ? testRun.shown.answer : ""
        }
        Caption {
            text: qsTr("Rendered messages")
        }
        Repeater {
            model: testRun.shown ? testRun.shown.rendered : []

            Box {
                required property var modelData
                objectNameOfText: "renderedMessage"
                text: modelData.role + ": " + modelData.content
            }
        }
    }
}
