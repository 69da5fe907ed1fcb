// Runs one version of a prompt once (POST /admin/v1/prompts/{name}/versions/{version}/test-run):
// a form of the version's variables with an input per type, an optional other model, and what came
// back — the rendered messages, the answer, tokens, cost, latency and the request id — or why not.
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
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    function setInput(name, text) {
        inputs[name] = text
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
        running = true
        errorText = ""
        result = null
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
            enabled: !testRun.running && !!testRun.version && !!testRun.client
            text: testRun.running ? qsTr("Running…") : qsTr("Run")
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
        visible: testRun.result !== null
        spacing: Theme.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingLarge

            StatusPill {
                objectName: "testRunStatus"
                readonly property int status: testRun.result ? Number(testRun.result.status) : 0
                text: status > 0 ? "HTTP " + status : qsTr("no answer")
                tone: status >= 200 && status < 300 ? "success" : status >= 400 && status < 500 ? "warning" : "danger"
            }
            Figure {
                objectName: "testRunTokens"
                value: testRun.result ? Prompts.tokensText(testRun.result.usage) : ""
                caption: qsTr("tokens")
            }
            Figure {
                objectName: "testRunCost"
                value: testRun.result ? Prompts.costText(testRun.result.cost_usd) : ""
                caption: qsTr("cost")
            }
            Figure {
                objectName: "testRunLatency"
                value: testRun.result ? Analytics.ms(testRun.result.latency_ms) : ""
                caption: qsTr("latency")
            }
            Item {
                Layout.fillWidth: true
            }
            CopyableField {
                objectName: "testRunRequestId"
                Layout.preferredWidth: 300
                value: testRun.result ? Governance.textOf(testRun.result.request_id) : ""
            }
        }
        Caption {
            text: qsTr("Answer")
        }
        Box {
            objectNameOfText: "testRunAnswer"
            failed: testRun.result !== null && !(testRun.result.status >= 200 && testRun.result.status < 300)
            text: !testRun.result ? "" : Prompts.answerText(testRun.result.answer) || qsTr("(no text)")
        }
        Caption {
            text: qsTr("Rendered messages")
        }
        Repeater {
            model: testRun.result && testRun.result.rendered ? testRun.result.rendered : []

            Box {
                required property var modelData
                objectNameOfText: "renderedMessage"
                text: modelData.role + ": " + modelData.content
            }
        }
    }
}
