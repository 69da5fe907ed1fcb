// PromptsPage against FakeAdminApi's prompts: the list with its labels, a prompt created (a bad name
// refused at its field) and deleted after asking; the editor of a new version — its variables panel
// following the placeholders typed, undeclared and unused ones, the gateway's check, messages added,
// moved and removed, the body saved and the API's refusal at its field; the history's side-by-side
// diff; labels set, split, moved and deleted as deploys; a test run with typed variables, its result
// and its failures; the comparison of the versions' calls; a load failure; and Prompts.js alone.
import QtQuick
import QtTest
import Gatehouse.Console
import "../../../qml/Prompts.js" as Prompts

Item {
    id: root
    width: 1280
    height: 1000

    FakeAdminApi {
        id: api
    }
    Component {
        id: pageComponent
        PromptsPage {
            anchors.fill: parent
            client: api
        }
    }

    function seedPrompts() {
        api.promptList = []
        api.addPrompt("summarise", "Release notes for people")
        api.addPromptVersion("summarise", { model: "gpt-4o", note: "first",
            messages: [{ role: "system", content: "You summarise {{topic}} for {{audience}}." }, { role: "user", content: "{{text}}" }],
            variables: [{ name: "topic" }, { name: "audience", required: false, "default": "engineers" },
                { name: "text", description: "what to summarise" }],
            parameters: { temperature: 0.2, max_tokens: 300 }, overridable: ["max_tokens"] })
        api.addPromptVersion("summarise", { model: "gpt-4o", note: "shorter answers", created_by: "ada",
            messages: [{ role: "system", content: "You summarise {{topic}} for {{audience}}.\nKeep it short." }, { role: "user", content: "{{text}}" }],
            variables: [{ name: "topic" }, { name: "audience", required: false, "default": "engineers" },
                { name: "text", description: "what to summarise" }],
            parameters: { temperature: 0.1, max_tokens: 300 }, overridable: ["max_tokens"] })
        api.setPromptLabel("summarise", "production", [{ version: 1, weight: 90 }, { version: 2, weight: 10 }])
        api.setPromptLabel("summarise", "staging", [{ version: 2, weight: 1 }])
        api.addPrompt("triage", "Routes support emails")
        api.addPromptVersion("triage", { model: "mock-chat", note: "typed variables",
            messages: [{ role: "user", content: "Sort {{email}} into {{count}} queues. Urgent: {{urgent}}. Context: {{context}}" }],
            variables: [{ name: "email" }, { name: "count", type: "integer" }, { name: "urgent", type: "boolean", required: false },
                { name: "context", type: "json", required: false }] })
    }
    // A value with its objects' keys sorted, as text: the key order of a C++ map is not the test's.
    function canonical(value) {
        return JSON.stringify(value, (key, v) => v && typeof v === "object" && !Array.isArray(v)
            ? Object.keys(v).sort().reduce((o, k) => { o[k] = v[k]; return o }, {}) : v)
    }

    GovernanceTestCase {
        name: "PromptsPage"

        function init() {
            api.sent = []
            api.failNext = null
            api.failPrompts = null
            api.testRunCall = null
            api.promptStats = {}
            seedPrompts()
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            tryVerify(() => !page.busy && page.detail !== null, 5000, "the first prompt's detail loads")
            return page
        }
        function table(page) {
            return findOne(page, "promptsTable")
        }
        function editorOf(page) {
            return findOne(page, "promptEditor")
        }
        function messageEditors(page) {
            return findAll(editorOf(page), "promptMessage").sort((a, b) => a.index - b.index)
        }
        function variableRows(page) {
            return findAll(editorOf(page), "variableRow").sort((a, b) => a.index - b.index)
        }
        function variableNames(page) {
            return variableRows(page).map(r => r.name)
        }
        function openDialog(page, name) {
            const dialog = findOne(page, name)
            tryCompare(dialog, "opened", true)
            return dialog
        }
        function field(dialog, name) {
            return findOne(dialog.contentItem, name)
        }
        function requests(method) {
            return api.sent.filter(r => r.method === method)
        }
        function selectPrompt(page, name) {
            mouseClick(rowWith(table(page), name), 40, 18)
            tryVerify(() => page.detail && page.detail.name === name && !page.busy)
        }

        function test_theListShowsEachPromptsLabels() {
            const page = createPage()
            const rows = rowsOf(table(page), 2)
            verify(texts(rows[0]).indexOf("summarise") >= 0, String(texts(rows[0])))
            verify(texts(rows[0]).indexOf("production → v1 90% / v2 10%  ·  staging → v2") >= 0, String(texts(rows[0])))
            verify(texts(rows[0]).indexOf("v2") >= 0)
            verify(texts(rows[0]).indexOf("Release notes for people") >= 0)
            // The first prompt is chosen, its next version's draft starts from its latest.
            compare(page.selectedName, "summarise")
            const intro = findOne(page, "editorIntro")
            verify(intro.text.indexOf("Saving adds version 3") >= 0, intro.text)
            verify(intro.text.indexOf("v2 (“shorter answers”)") >= 0, intro.text)
            compare(messageEditors(page).length, 2)
            compare(messageEditors(page)[0].contentArea.text, "You summarise {{topic}} for {{audience}}.\nKeep it short.")
            compare(findOne(page, "parameter_temperature").text, "0.1")
            compare(findOne(page, "parameter_max_tokens").text, "300")
            verify(findOne(page, "overridable_max_tokens").checked)
            verify(!findOne(page, "overridable_temperature").checked)

            selectPrompt(page, "triage")
            verify(findOne(page, "editorIntro").text.indexOf("Saving adds version 2") >= 0)
            compare(messageEditors(page).length, 1)
        }

        function test_aPromptIsCreatedAndABadNameRefusedAtItsField() {
            const page = createPage()
            click(page, "New prompt…")
            const dialog = openDialog(page, "createPromptDialog")
            typeInto(field(dialog, "promptName"), "Release Notes")
            verify(field(dialog, "promptName").invalid, "the form knows the rule")
            click(dialog.contentItem, "Create")
            tryVerify(() => field(dialog, "dialogError").text.indexOf("may use a-z, 0-9") >= 0, 5000, field(dialog, "dialogError").text)
            verify(dialog.visible)
            typeInto(field(dialog, "promptName"), "release-notes")
            typeInto(field(dialog, "promptDescription"), "What shipped, for customers")
            click(dialog.contentItem, "Create")
            tryCompare(dialog, "visible", false)
            compare(canonical(requests("POST")[1].body), canonical({ name: "release-notes", description: "What shipped, for customers" }))
            rowsOf(table(page), 3)
            tryCompare(page, "selectedName", "release-notes")
            tryVerify(() => page.detail && page.detail.name === "release-notes")
            verify(findOne(page, "editorIntro").text.indexOf("Saving adds version 1, the prompt's first") >= 0)
            compare(messageEditors(page).map(m => m.roleBox.currentText), ["system", "user"])
        }

        function test_aPromptIsDeletedAfterAsking() {
            const page = createPage()
            click(rowWith(table(page), "triage"), "Delete…")
            const dialog = openDialog(page, "deletePromptDialog")
            verify(dialog.message.indexOf("Delete triage with all its versions and labels?") >= 0, dialog.message)
            compare(requests("DELETE").length, 0)
            click(dialog.contentItem, "Delete")
            tryCompare(dialog, "visible", false)
            compare(requests("DELETE")[0].target, "/admin/v1/prompts/triage")
            rowsOf(table(page), 1)
        }

        function test_theVariablesFollowThePlaceholdersTyped() {
            const page = createPage()
            tryCompare(page, "selectedName", "summarise")
            compare(variableNames(page), ["topic", "audience", "text"])
            compare(variableRows(page)[1].defaultText, "engineers")
            verify(!variableRows(page)[1].model.required)
            compare(findOne(page, "variablesSummary").text, "3 used")

            // A placeholder typed: listed in order of first use, flagged until declared.
            const user = messageEditors(page)[1].contentArea
            user.text = "{{text}}\nAnswer {{question}} too."
            compare(variableNames(page), ["topic", "audience", "text", "question"])
            const question = variableRows(page)[3]
            compare(question.status, "undeclared")
            compare(findOne(page, "variablesSummary").text, "4 used · 1 not declared")
            const check = findOne(page, "editorCheck")
            tryCompare(check, "text", "Not ready to save: see message 2 below.")
            verify(messageEditors(page)[1].invalid, "the check names the message")
            const problem = findOne(messageEditors(page)[1], "messageError")
            verify(problem.visible)
            compare(problem.text, "The placeholder at message 2, line 2, column 8 uses variable 'question', which the template does not declare.")
            click(question, "Declare")
            compare(variableRows(page)[3].status, "declared")
            tryVerify(() => check.text.indexOf("Ready to save") === 0, 5000, check.text)

            // A default not of its type is said at the variable and by the check.
            const row = variableRows(page)[3]
            verify(editorOf(page).variables.setField("question", "type", "integer"))
            findOne(row, "variableDefault").text = "3.0"
            findOne(row, "variableDefault").textEdited()
            tryVerify(() => findOne(variableRows(page)[3], "variableProblem").visible)
            verify(findOne(variableRows(page)[3], "variableProblem").text.indexOf("without a decimal point") >= 0)
            tryVerify(() => check.text.indexOf("The default of variable 'question' must be an integer") >= 0, 5000, check.text)
            findOne(row, "variableDefault").text = "3"
            findOne(row, "variableDefault").textEdited()
            tryVerify(() => check.text.indexOf("Ready to save") === 0, 5000, check.text)

            // A declared variable no message uses any more: shown as unused, and removable.
            messageEditors(page)[0].contentArea.text = "You summarise {{topic}}."
            compare(variableNames(page), ["topic", "text", "question", "audience"])
            compare(variableRows(page)[3].status, "unused")
            compare(findOne(page, "variablesSummary").text, "3 used · 1 unused")
            click(variableRows(page)[3], "Remove")
            compare(variableNames(page), ["topic", "text", "question"])

            // A malformed placeholder is the gateway's bad_placeholder, at its message.
            messageEditors(page)[0].contentArea.text = "You summarise {{ 1x }}."
            tryCompare(check, "text", "Not ready to save: see message 1 below.")
            verify(findOne(messageEditors(page)[0], "messageError").text.indexOf("message 1, line 1, column 15 names '1x'") >= 0)
            verify(messageEditors(page)[0].invalid)
            verify(!messageEditors(page)[1].invalid)
        }

        function test_messagesAreAddedMovedAndRemoved() {
            const page = createPage()
            tryCompare(page, "selectedName", "summarise")
            click(editorOf(page), "Add message")
            compare(messageEditors(page).length, 3)
            compare(messageEditors(page)[2].roleBox.currentText, "user")
            messageEditors(page)[2].contentArea.text = "Also: {{topic}}"
            const third = messageEditors(page)[2]
            third.roleBox.currentIndex = 2
            third.roleBox.activated(2) // assistant
            click(third, "Up")
            compare(editorOf(page).messagesNow().map(m => m.role + ":" + m.content),
                ["system:You summarise {{topic}} for {{audience}}.\nKeep it short.", "assistant:Also: {{topic}}", "user:{{text}}"])
            // The editor moved with its message.
            compare(messageEditors(page)[1].contentArea.text, "Also: {{topic}}")
            verify(!button(messageEditors(page)[0], "Up").enabled, "the first cannot go up")
            click(messageEditors(page)[0], "Remove")
            compare(editorOf(page).messagesNow().map(m => m.role), ["assistant", "user"])
            compare(variableNames(page), ["topic", "text", "audience"])
            compare(variableRows(page)[2].status, "unused")
        }

        function test_saveAddsAVersionAndAnApiRefusalIsShownAtItsField() {
            const page = createPage()
            tryCompare(page, "selectedName", "summarise")
            typeInto(findOne(page, "parameter_temperature"), "0.4")
            findOne(page, "parameter_temperature").textEdited()
            findOne(page, "overridable_temperature").toggle()
            findOne(page, "overridable_temperature").toggled()
            typeInto(findOne(page, "versionNote"), "warmer")
            click(editorOf(page), "Save as version 3")
            tryVerify(() => requests("POST").length === 1)
            const body = requests("POST")[0].body
            compare(requests("POST")[0].target, "/admin/v1/prompts/summarise/versions")
            compare(canonical(body), canonical({ model: "gpt-4o",
                messages: [{ role: "system", content: "You summarise {{topic}} for {{audience}}.\nKeep it short." }, { role: "user", content: "{{text}}" }],
                variables: [{ name: "topic", type: "string", required: true, description: "" },
                    { name: "audience", type: "string", required: false, description: "", "default": "engineers" },
                    { name: "text", type: "string", required: true, description: "what to summarise" }],
                parameters: { temperature: 0.4, max_tokens: 300 }, overridable: ["max_tokens", "temperature"], note: "warmer" }))
            tryVerify(() => findOne(page, "savedText").text.indexOf("Saved as version 3.") === 0)
            tryVerify(() => button(editorOf(page), "Save as version 4") !== null)
            verify(findOne(page, "editorIntro").text.indexOf("copy of v3 (“warmer”)") >= 0, findOne(page, "editorIntro").text)
            compare(findOne(page, "versionNote").text, "")

            // A model the gateway does not serve is said, but it is the gateway's to refuse calls to it.
            const modelBox = findOne(page, "promptModel")
            const typeModel = text => {
                modelBox.contentItem.text = text
                modelBox.contentItem.textEdited()
            }
            typeModel("gpt-5-preview")
            verify(findOne(page, "modelNotServed").visible)
            typeModel("")
            verify(!findOne(page, "modelNotServed").visible)
            click(editorOf(page), "Save as version 4")
            const check = findOne(page, "editorCheck")
            tryCompare(check, "text", "model: required: a non-empty string")
            verify(editorOf(page).marks("model"))
            verify(!messageEditors(page)[0].invalid)
            compare(requests("POST").length, 1, "the check refused it before sending")

            // A refusal naming a message marks that message, with the API's words under it.
            typeModel("gpt-4o")
            api.failNext = { status: 400, code: "bad_placeholder", param: "messages[1].content",
                message: "messages[1].content: The placeholder at message 2, line 1, column 1 is malformed." }
            click(editorOf(page), "Save as version 4")
            tryVerify(() => messageEditors(page)[1].invalid)
            verify(!messageEditors(page)[0].invalid)
            compare(findOne(messageEditors(page)[1], "messageError").text, "messages[1].content: The placeholder at message 2, line 1, column 1 is malformed.")
            // Typing again clears the refusal.
            messageEditors(page)[1].contentArea.text = "{{text}} "
            verify(!messageEditors(page)[1].invalid)
        }

        function test_theHistoryShowsTwoVersionsSideBySide() {
            const page = createPage()
            click(page, "Versions (2)")
            const history = findOne(page, "promptHistory")
            tryVerify(() => history.diff.loaded)
            compare(api.sent.filter(r => r.target.indexOf("/diff") >= 0)[0].target, "/admin/v1/prompts/summarise/diff?from=1&to=2")
            const versions = rowsOf(findOne(page, "versionsTable"), 2)
            verify(texts(versions[0]).indexOf("shorter answers") >= 0, String(texts(versions[0])))
            verify(texts(versions[0]).indexOf("ada") >= 0)
            compare(findOne(page, "diffFromTitle").text, "v1 (before) · 0 removed")
            compare(findOne(page, "diffToTitle").text, "v2 (after) · 1 added")
            const added = findAll(history, "addedLine").filter(l => l.visible).map(l => l.text)
            compare(added, ["Keep it short."])
            const kept = findAll(history, "diffLeft").filter(s => s.visible && s.op === " ").map(s => s.text)
            compare(kept, ["You summarise {{topic}} for {{audience}}."])
            compare(history.diff.changes.map(c => c.field + ": " + c.fromText + " → " + c.toText),
                ["parameters: {\"max_tokens\":300,\"temperature\":0.2} → {\"max_tokens\":300,\"temperature\":0.1}", "note: first → shorter answers"])
            compare(findAll(history, "changedField").length, 2)
            verify(findAll(history, "fieldValue").some(v => v.visible && v.text === "shorter answers"))
            verify(findAll(history, "diffGap").some(g => g.visible && g.text === "⋯ 1 unchanged line"), "the unchanged message is folded")

            // The other way round: what was added is removed.
            history.choose(2, 1)
            tryVerify(() => history.diff.fromVersion === 2 && !history.busy)
            compare(findAll(history, "removedLine").filter(l => l.visible).map(l => l.text), ["Keep it short."])

            // "Edit from here" starts a draft from that version.
            click(rowWith(findOne(page, "versionsTable"), "first"), "Edit from here")
            compare(page.tab, "editor")
            verify(findOne(page, "editorIntro").text.indexOf("copy of v1 (“first”)") >= 0)
            compare(messageEditors(page)[0].contentArea.text, "You summarise {{topic}} for {{audience}}.")
        }

        function test_aLabelIsSetAsAWeightedSplitAfterSayingItIsADeploy() {
            const page = createPage()
            click(page, "Labels")
            const labels = findOne(page, "labelsTable")
            const production = rowWith(labels, "production")
            verify(texts(production).indexOf("v1 90% / v2 10%") >= 0, String(texts(production)))
            click(page, "Set label…")
            const dialog = openDialog(page, "labelDialog")
            typeInto(field(dialog, "labelName"), "canary")
            compare(findAll(dialog.contentItem, "splitRow").length, 1)
            compare(findOne(dialog.contentItem, "splitVersion").currentText, "v2")
            click(dialog.contentItem, "Split with another version")
            const rows = () => findAll(dialog.contentItem, "splitRow").sort((a, b) => a.index - b.index)
            compare(rows().length, 2)
            compare(findOne(rows()[1], "splitVersion").currentText, "v1")
            compare(rows().map(r => findOne(r, "splitShare").text), ["90.9%", "9.1%"])
            const weight = findOne(rows()[0], "splitWeight")
            weight.text = "90"
            weight.textEdited()
            compare(rows().map(r => findOne(r, "splitShare").text), ["90%", "10%"])
            compare(dialog.message, "This is a deploy: calls to summarise with the label canary get v2 90% / v1 10% from now on.")
            click(dialog.contentItem, "Deploy")
            tryCompare(dialog, "visible", false)
            compare(requests("PUT")[0].target, "/admin/v1/prompts/summarise/labels/canary")
            compare(canonical(requests("PUT")[0].body), canonical({ split: [{ version: 2, weight: 90 }, { version: 1, weight: 10 }] }))
            verify(texts(rowWith(labels, "canary")).indexOf("v2 90% / v1 10%") >= 0)
            // The list shows it too.
            verify(texts(rowWith(table(page), "summarise")).join(" ").indexOf("canary → v2 90% / v1 10%") >= 0)
        }

        function test_aLabelIsMovedAndItsSplitCheckedFirst() {
            const page = createPage()
            click(page, "Labels")
            const labels = findOne(page, "labelsTable")
            click(rowWith(labels, "production"), "Move…")
            const dialog = openDialog(page, "labelDialog")
            compare(dialog.title, "Move label production")
            const rows = () => findAll(dialog.contentItem, "splitRow").sort((a, b) => a.index - b.index)
            compare(rows().map(r => findOne(r, "splitShare").text), ["90%", "10%"])
            const weight = findOne(rows()[1], "splitWeight")
            weight.text = "0"
            weight.textEdited()
            click(dialog.contentItem, "Deploy")
            verify(weight.invalid)
            verify(field(dialog, "dialogError").text.indexOf("A weight is a whole number from 1 to 1,000,000.") >= 0)
            compare(requests("PUT").length, 0)
            click(rows()[0], "Remove")
            compare(rows().length, 1)
            const left = findOne(rows()[0], "splitWeight")
            left.text = "1"
            left.textEdited()
            compare(findOne(rows()[0], "splitShare").text, "100%")
            compare(dialog.message, "This is a deploy: calls to summarise with the label production get v2 from now on, instead of v1 90% / v2 10%.")
            click(dialog.contentItem, "Deploy")
            tryCompare(dialog, "visible", false)
            compare(canonical(requests("PUT")[0].body), canonical({ split: [{ version: 2, weight: 1 }] }))
            tryVerify(() => texts(rowWith(labels, "production")).indexOf("v2") >= 0)
        }

        function test_aLabelIsDeletedAfterSayingItIsADeploy() {
            const page = createPage()
            click(page, "Labels")
            const labels = findOne(page, "labelsTable")
            click(rowWith(labels, "production"), "Delete…")
            const dialog = openDialog(page, "deleteLabelDialog")
            verify(dialog.message.indexOf("This is a deploy: calls that name no label or version are refused (404) from now on.") >= 0, dialog.message)
            compare(requests("DELETE").length, 0)
            click(dialog.contentItem, "Delete")
            tryCompare(dialog, "visible", false)
            compare(requests("DELETE")[0].target, "/admin/v1/prompts/summarise/labels/production")
            rowsOf(labels, 1)
        }

        function test_aTestRunShowsWhatCameBack() {
            const page = createPage()
            selectPrompt(page, "triage")
            click(page, "Test run")
            const run = findOne(page, "promptTestRun")
            const inputs = () => findAll(run, "testRunVariable")
            compare(inputs().length, 4)
            verify(texts(inputs()[1]).join(" ").indexOf("{{count}} · integer · required") >= 0, String(texts(inputs()[1])))
            verify(findOne(inputs()[0], "variableText").visible)
            verify(findOne(inputs()[1], "variableNumber").visible)
            verify(findOne(inputs()[2], "variableBoolean").visible)
            verify(findOne(inputs()[3], "variableText").visible)

            // Typed inputs are read as their type before anything is sent.
            findOne(inputs()[0], "variableText").text = "My invoice is wrong"
            findOne(inputs()[1], "variableNumber").text = "2.5"
            click(run, "Run")
            verify(findOne(run, "testRunError").text.indexOf("count: a whole number") === 0, findOne(run, "testRunError").text)
            verify(findOne(inputs()[1], "variableNumber").invalid)
            compare(requests("POST").length, 0)

            findOne(inputs()[1], "variableNumber").text = "3"
            const urgent = findOne(inputs()[2], "variableBoolean")
            urgent.currentIndex = 1
            urgent.activated(1)
            findOne(inputs()[3], "variableText").text = "{\"plan\": \"pro\"}"
            // A change elsewhere reloads the prompt (its versions are new objects): what was typed stays.
            const loaded = page.updatedAt
            const detail = page.detail
            api.changed()
            tryVerify(() => page.updatedAt > loaded && page.detail !== detail && !page.busy, 5000, "the prompt is read again")
            compare(findOne(inputs()[1], "variableNumber").text, "3")
            compare(findOne(inputs()[2], "variableBoolean").currentIndex, 1)
            compare(findOne(inputs()[0], "variableText").text, "My invoice is wrong")
            click(run, "Run")
            tryVerify(() => run.result !== null)
            compare(requests("POST")[0].target, "/admin/v1/prompts/triage/versions/1/test-run")
            compare(canonical(requests("POST")[0].body),
                canonical({ variables: { email: "My invoice is wrong", count: 3, urgent: true, context: { plan: "pro" } } }))
            const rendered = "user: Sort My invoice is wrong into 3 queues. Urgent: true. Context: {\"plan\":\"pro\"}"
            compare(findAll(run, "renderedMessage").map(l => l.text), [rendered])
            compare(findOne(run, "testRunAnswer").text, "Answer to: Sort My invoice is wrong into 3 queues. Urgent: true. Context: {\"plan\":\"pro\"}")
            compare(findOne(run, "testRunStatus").text, "HTTP 200")
            compare(findOne(run, "testRunTokens").value, "412 in · 96 out")
            compare(findOne(run, "testRunCost").value, "$0.0020")
            compare(findOne(run, "testRunLatency").value, "812 ms")
            verify(findOne(run, "testRunRequestId").value.indexOf("req_testrun_") === 0)

            // Another model, and the provider failing: said plainly.
            api.testRunCall = { status: 502, answer: { error: { message: "Provider 'openai' answered HTTP 500: overloaded", type: "upstream_error" } } }
            findOne(run, "testRunModel").editText = "gpt-4o"
            click(run, "Run")
            tryCompare(findOne(run, "testRunStatus"), "text", "HTTP 502")
            compare(requests("POST")[1].body.model, "gpt-4o")
            compare(findOne(run, "testRunAnswer").text, "Provider 'openai' answered HTTP 500: overloaded")
            compare(findOne(run, "testRunCost").value, "—")

            // The API's refusal: a required variable left empty.
            findOne(inputs()[0], "variableText").text = ""
            click(run, "Run")
            tryCompare(findOne(run, "testRunError"), "text", "Variable 'email' is required and has no default.")
            verify(!findOne(run, "testRunResult").visible)
        }

        function test_theVersionsAreComparedOverARange() {
            api.promptStats = { summarise: [
                { version: 1, label: null, requests: 1200, errors: 12, error_rate: 0.01, prompt_tokens: 400000, completion_tokens: 90000,
                    cost_usd: 2.4, latency_mean_ms: 900, latency_p50_ms: 800, latency_p95_ms: 1800, feedback_count: 40, feedback_mean: 0.8 },
                { version: 1, label: "production", requests: 1200, errors: 12, error_rate: 0.01, prompt_tokens: 400000, completion_tokens: 90000,
                    cost_usd: 2.4, latency_mean_ms: 900, latency_p50_ms: 800, latency_p95_ms: 1800, feedback_count: 40, feedback_mean: 0.8 },
                { version: 2, label: null, requests: 150, errors: 6, error_rate: 0.04, prompt_tokens: 45000, completion_tokens: 6000,
                    cost_usd: 0.15, latency_mean_ms: 600, latency_p50_ms: 500, latency_p95_ms: 2400, feedback_count: 0, feedback_mean: null },
                { version: 2, label: "production", requests: 130, errors: 5, error_rate: 0.038, prompt_tokens: 40000, completion_tokens: 5000,
                    cost_usd: 0.13, latency_mean_ms: 600, latency_p50_ms: 500, latency_p95_ms: 2300, feedback_count: 0, feedback_mean: null }
            ] }
            const page = createPage()
            click(page, "Compare")
            const comparison = findOne(page, "promptComparison")
            tryVerify(() => comparison.stats.loaded)
            const asked = api.sent.filter(r => r.target.indexOf("/stats") >= 0)
            compare(asked.length, 1)
            const match = /^\/admin\/v1\/prompts\/summarise\/stats\?since_ms=(\d+)&until_ms=(\d+)$/.exec(asked[0].target)
            verify(match, asked[0].target)
            compare(Number(match[2]) - Number(match[1]), 7 * 24 * 3600 * 1000)
            compare(findOne(comparison, "statsSummary").text, "1,350 calls in the last 7d")
            const versions = findAll(comparison, "statsVersion").map(c => texts(c).join(" "))
            compare(versions, ["v1 production", "v2 production, by number"])
            const values = role => findAll(comparison, "statsCell_" + role).map(c => findOne(c, "statsValue").text)
            compare(values("requests"), ["1,200", "150"])
            compare(values("errorRate"), ["1.0 %", "4.0 %"])
            compare(values("latencyP95"), ["1.8 s", "2.4 s"])
            compare(values("costPerCall"), ["$0.0020", "$0.0010"])
            compare(values("feedbackMean"), ["0.8 (40)", "—"])
            // Each bar against the largest of the versions.
            const bars = role => findAll(comparison, "statsCell_" + role).map(c => findOne(c, "statsBar").fraction)
            compare(bars("errorRate"), [0.25, 1])
            compare(bars("requests")[0], 1)

            click(comparison, "24h")
            tryVerify(() => api.sent.filter(r => r.target.indexOf("/stats") >= 0).length === 2)
            const again = /since_ms=(\d+)&until_ms=(\d+)$/.exec(api.sent.filter(r => r.target.indexOf("/stats") >= 0)[1].target)
            compare(Number(again[2]) - Number(again[1]), 24 * 3600 * 1000)
        }

        function test_aLoadFailureIsSaidInTheBanner() {
            api.failPrompts = { status: 500, message: "store_error: database is locked" }
            const page = createTemporaryObject(pageComponent, root)
            const banner = findOne(page, "errorBanner")
            tryCompare(banner, "visible", true)
            compare(banner.title, "Could not load the prompts")
            compare(banner.message, "store_error: database is locked")
            verify(hasText(page, "Not available: see the message above."))
            verify(!findOne(page, "promptDetail").visible)
            api.failPrompts = null
            click(banner, "Try again")
            rowsOf(table(page), 2)
            verify(!banner.visible)
        }

        // ---- Prompts.js alone.

        function test_splitText_data() {
            return [
                { tag: "one version", split: [{ version: 3, weight: 1 }], text: "v3" },
                { tag: "a split", split: [{ version: 3, weight: 90 }, { version: 4, weight: 10 }], text: "v3 90% / v4 10%" },
                { tag: "thirds", split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }, { version: 3, weight: 1 }],
                    text: "v1 33.3% / v2 33.3% / v3 33.3%" },
                { tag: "none", split: [], text: "—" }
            ]
        }
        function test_splitText(data) {
            compare(Prompts.splitText(data.split), data.text)
        }

        function test_splitProblems_data() {
            return [
                { tag: "fine", rows: [{ version: "1", weight: "9" }, { version: "2", weight: "1" }], problems: {} },
                { tag: "no such version", rows: [{ version: "7", weight: "1" }], problems: { "split[0].version": "Choose one of the prompt's versions." } },
                { tag: "twice", rows: [{ version: "1", weight: "1" }, { version: "1", weight: "2" }],
                    problems: { "split[1].version": "Version 1 is named twice: give it one row." } },
                { tag: "a weight of 0", rows: [{ version: "1", weight: "0" }],
                    problems: { "split[0].weight": "A weight is a whole number from 1 to 1,000,000." } },
                { tag: "a fraction", rows: [{ version: "1", weight: "1.5" }],
                    problems: { "split[0].weight": "A weight is a whole number from 1 to 1,000,000." } },
                { tag: "empty", rows: [], problems: { split: "Point the label at one version at least." } }
            ]
        }
        function test_splitProblems(data) {
            compare(JSON.stringify(Prompts.splitProblems(data.rows, [1, 2])), JSON.stringify(data.problems))
        }

        function test_theFormsParametersAreReadOrNamed_data() {
            return [
                { tag: "numbers", parameters: { temperature: "0.5", top_p: "", max_tokens: "200" }, other: "",
                    result: { parameters: { temperature: 0.5, max_tokens: 200 } } },
                { tag: "other as JSON", parameters: { temperature: "", top_p: "", max_tokens: "" }, other: "{\"stop\": [\"END\"]}",
                    result: { parameters: { stop: ["END"] } } },
                { tag: "a fraction of tokens", parameters: { temperature: "", top_p: "", max_tokens: "2.5" }, other: "",
                    result: { param: "parameters.max_tokens", message: "Max tokens: a whole number, or empty for the model's default." } },
                { tag: "other not an object", parameters: { temperature: "", top_p: "", max_tokens: "" }, other: "[1]",
                    result: { param: "parameters", message: "Other parameters: a JSON object such as {\"stop\": [\"\\n\\n\"]}." } }
            ]
        }
        function test_theFormsParametersAreReadOrNamed(data) {
            compare(JSON.stringify(Prompts.formParameters({ parameters: data.parameters, otherParameters: data.other })), JSON.stringify(data.result))
        }

        function test_answerText_data() {
            return [
                { tag: "a completion", answer: { choices: [{ message: { role: "assistant", content: "Hi" } }] }, text: "Hi" },
                { tag: "an error", answer: { error: { message: "rate limited" } }, text: "rate limited" },
                { tag: "text", answer: "Bad Gateway", text: "Bad Gateway" },
                { tag: "tool calls", answer: { choices: [{ message: { content: null, tool_calls: [{ id: "t" }] } }] },
                    text: "[\n  {\n    \"id\": \"t\"\n  }\n]" },
                { tag: "none", answer: null, text: "" }
            ]
        }
        function test_answerText(data) {
            compare(Prompts.answerText(data.answer), data.text)
        }

        function test_deployTextSaysWhatChanges() {
            const before = { split: [{ version: 3, weight: 90 }, { version: 4, weight: 10 }] }
            compare(Prompts.deployText("p", "production", before, [{ version: "3", weight: "9" }, { version: "4", weight: "1" }]),
                "Nothing changes: calls to p with the label production get v3 90% / v4 10% already.")
            compare(Prompts.deployText("p", "canary", null, [{ version: "4", weight: "1" }]),
                "This is a deploy: calls to p with the label canary get v4 from now on.")
        }

        function test_aNameWithADotIsEncodedInTheTargets() {
            compare(Prompts.labelPath("support.v2", "canary"), "/admin/v1/prompts/support.v2/labels/canary")
            compare(Prompts.diffTarget("a b", 1, 2), "/admin/v1/prompts/a%20b/diff?from=1&to=2")
        }
    }
}
