// ProvidersPage: one row per provider with its facts and a Test connection button, the result of a
// test on its row, the models table, and the hint that providers come from the config file.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1060
    height: 900

    // The roles of ProvidersModel and ModelDeploymentsModel, filled in init().
    ListModel {
        id: providerList
    }
    ListModel {
        id: deploymentList
        property int modelCount: 2
    }

    Component {
        id: pageComponent
        ProvidersPage {
            anchors.fill: parent
            providers: providerList
            deployments: deploymentList
            configFile: "/etc/gatehouse/gatehouse.yaml"
        }
    }

    TestCase {
        name: "ProvidersPage"
        when: windowShown

        function provider(name, fields) {
            const row = {
                name: name, kind: "openai-compatible", baseUrl: "https://api.openai.com/v1",
                credential: "env:OPENAI_API_KEY", models: "chat → gpt-4o-mini", modelCount: 1,
                testState: ProvidersModel.Untested, httpStatus: 0, latencyMs: -1, message: "", testedModel: "",
                editable: false, problem: ""
            }
            for (const key in fields)
                row[key] = fields[key]
            return row
        }

        function init() {
            providerList.clear()
            providerList.append(provider("mock", { kind: "mock", baseUrl: "in-process", credential: "none", models: "chat → mock-chat-v1",
                testState: ProvidersModel.Succeeded, httpStatus: 200, latencyMs: 0,
                message: "This is a mock reply from the gateway with quite a few words in it to cut", testedModel: "mock-chat-v1" }))
            providerList.append(provider("openai", { testState: ProvidersModel.Failed, httpStatus: 502,
                message: "Provider 'openai' rejected the gateway's credentials (HTTP 401): Incorrect API key provided" }))
            providerList.append(provider("spare", { kind: "anthropic", credential: "none", models: "", modelCount: 0 }))
            deploymentList.clear()
            deploymentList.append({ model: "chat", provider: "mock", upstreamModel: "mock-chat-v1", weight: 3, sharePercent: 75, firstOfModel: true })
            deploymentList.append({ model: "chat", provider: "openai", upstreamModel: "gpt-4o-mini", weight: 1, sharePercent: 25, firstOfModel: false })
            deploymentList.append({ model: "gpt-4o", provider: "openai", upstreamModel: "gpt-4o", weight: 1, sharePercent: 100, firstOfModel: true })
        }

        // Every item named `objectName` under `item`, in tree order.
        function findAll(item, objectName) {
            let found = []
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.objectName === objectName)
                    found.push(child)
                found = found.concat(findAll(child, objectName))
            }
            return found
        }
        function texts(item) {
            let found = []
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.text !== undefined && child.visible)
                    found.push(String(child.text))
                found = found.concat(texts(child))
            }
            return found
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            waitForRendering(page)
            return page
        }

        function test_oneRowPerProviderWithItsFacts() {
            const page = createPage()
            const rows = findAll(page, "providerRow")
            compare(rows.length, 3)
            compare(rows[0].name, "mock")
            compare(rows[2].name, "spare")
            const shown = texts(rows[1])
            verify(shown.indexOf("openai") >= 0, shown)
            verify(shown.indexOf("openai-compatible") >= 0, shown)
            verify(shown.indexOf("https://api.openai.com/v1") >= 0, shown)
            verify(shown.indexOf("env:OPENAI_API_KEY") >= 0, shown)
            verify(shown.indexOf("chat → gpt-4o-mini") >= 0, shown)
            for (let i = 0; i < rows.length; ++i)
                verify(rows[i].height > 0 && rows[i].width > 500, "row " + i + " is " + rows[i].width + "×" + rows[i].height)
        }

        // Nothing overlaps, even with an error long enough to wrap.
        function test_rowsGetTheHeightTheyNeed() {
            providerList.setProperty(1, "message", "Provider 'openai' rejected the gateway's credentials (HTTP 401): Incorrect API key provided. "
                + "You can find your API key at https://platform.openai.com/account/api-keys. And then some more words to wrap once more.")
            const page = createPage()
            // Shorter than its content, so it scrolls, and the scroll bar takes its share of the width.
            page.anchors.fill = undefined
            page.width = 900
            page.height = 420
            waitForRendering(page)
            const rows = findAll(page, "providerRow")
            for (let i = 0; i < rows.length; ++i) {
                verify(rows[i].height >= rows[i].implicitHeight - 0.5, "row " + i + ": " + rows[i].height + " < " + rows[i].implicitHeight)
                if (i > 0)
                    verify(rows[i - 1].y + rows[i - 1].height <= rows[i].y, "row " + (i - 1) + " runs into row " + i)
                const result = findAll(rows[i], "testResult")[0]
                verify(result.y + result.height <= rows[i].height + 0.5, "the result of row " + i + " sticks out")
            }
        }

        function test_eachRowHasATestConnectionButton() {
            const page = createPage()
            const buttons = findAll(page, "testConnectionButton")
            compare(buttons.length, 3)
            for (let i = 0; i < buttons.length; ++i) {
                compare(buttons[i].text, "Test connection")
                verify(buttons[i].visible)
                verify(buttons[i].enabled)
            }
        }

        function test_clickingTheButtonAsksForThatProvider() {
            const page = createPage()
            const spy = createTemporaryObject(signalSpyComponent, root, { target: page, signalName: "testConnectionRequested" })
            const button = findAll(page, "testConnectionButton")[1]
            mouseClick(button)
            compare(spy.count, 1)
            compare(spy.signalArguments[0][0], "openai")
        }

        function test_theButtonWaitsWhileTestingOrStopped() {
            providerList.setProperty(0, "testState", ProvidersModel.Testing)
            const page = createPage()
            const buttons = findAll(page, "testConnectionButton")
            verify(!buttons[0].enabled)
            verify(buttons[1].enabled)
            verify(texts(findAll(page, "providerRow")[0]).indexOf("Testing…") >= 0)
            page.running = false
            verify(!buttons[1].enabled)
        }

        function test_resultsShowOnTheirRow() {
            const page = createPage()
            const rows = findAll(page, "providerRow")
            const ok = texts(rows[0])
            verify(ok.indexOf("OK · < 1 ms") >= 0, ok)
            verify(ok.indexOf("mock-chat-v1 answered in < 1 ms: “This is a mock reply from the gateway with quite a few …”") >= 0, ok)
            const failed = texts(rows[1])
            verify(failed.indexOf("Failed · HTTP 502") >= 0, failed)
            verify(failed.indexOf("Provider 'openai' rejected the gateway's credentials (HTTP 401): Incorrect API key provided") >= 0, failed)
            const untested = texts(rows[2])
            verify(untested.indexOf("Not tested") >= 0, untested)
            verify(untested.indexOf("No model is deployed here") >= 0, untested)
            verify(!findAll(rows[2], "testResult")[0].visible)
        }

        function test_theResultFollowsTheModel() {
            const page = createPage()
            const row = findAll(page, "providerRow")[2]
            providerList.setProperty(2, "testState", ProvidersModel.Failed)
            providerList.setProperty(2, "message", "No model is deployed on provider 'spare': name a model to test it with.")
            verify(findAll(row, "testResult")[0].visible)
            verify(texts(row).indexOf("No model is deployed on provider 'spare': name a model to test it with.") >= 0)
        }

        function test_modelsTableShowsEachDeployment() {
            const page = createPage()
            const rows = findAll(page, "deploymentRow")
            compare(rows.length, 3)
            const second = texts(rows[1])
            verify(second.indexOf("openai") >= 0, second)
            verify(second.indexOf("gpt-4o-mini") >= 0, second)
            verify(second.indexOf("25 %") >= 0, second)
            // A model's name stands only on its first row.
            verify(texts(rows[0]).indexOf("chat") >= 0)
            verify(second.indexOf("chat") < 0, second)
        }

        function test_saysWhereProvidersComeFrom() {
            const page = createPage()
            const hint = texts(findAll(page, "configHint")[0]).join(" ")
            verify(hint.indexOf("Providers of the config file (/etc/gatehouse/gatehouse.yaml) are changed there.") >= 0, hint)
            verify(hint.indexOf("Providers and models added here are kept in the data directory") >= 0, hint)
            page.configFile = ""
            const builtIn = texts(findAll(page, "configHint")[0]).join(" ")
            verify(builtIn.indexOf("built-in configuration") >= 0, builtIn)
        }

        function test_emptyModelsSayWhy() {
            providerList.clear()
            deploymentList.clear()
            const page = createPage()
            compare(findAll(page, "providerRow").length, 0)
            verify(texts(page).indexOf("Providers appear here once the gateway runs.") >= 0)
        }
    }

    Component {
        id: signalSpyComponent
        SignalSpy {}
    }

    // The admin API as the page uses it: records each request and answers later, as the real
    // clients do; `failNext` makes the next one fail with the API's error shape.
    Component {
        id: fakeClientComponent
        QtObject {
            property var sent: []
            property var failNext: null
            function request(method, target, body, callback) {
                sent.push({ method: method, target: target, body: JSON.parse(JSON.stringify(body)) })
                const failure = failNext
                failNext = null
                Qt.callLater(() => callback(failure
                    ? { status: failure.status, ok: false, body: { error: { message: failure.message } }, error: failure.message, text: "" }
                    : { status: 201, ok: true, body: {}, error: "", text: "" }))
            }
        }
    }

    TestCase {
        name: "ProvidersPageEditing"
        when: windowShown

        function row(name, fields) {
            const entry = { name: name, kind: "openai", baseUrl: "https://api.openai.com/v1", credential: "stored",
                models: "", modelCount: 0, testState: ProvidersModel.Untested, httpStatus: 0, latencyMs: -1,
                message: "", testedModel: "", editable: true, problem: "" }
            for (const key in fields)
                entry[key] = fields[key]
            return entry
        }
        function init() {
            providerList.clear()
            providerList.append(row("from-file", { editable: false, credential: "env:OPENAI_API_KEY" }))
            providerList.append(row("team-openai", { problem: "" }))
            providerList.append(row("broken", { credential: "env:MISSING_KEY", problem: "environment variable MISSING_KEY is not set" }))
            deploymentList.clear()
        }
        function createPage(client) {
            const page = createTemporaryObject(pageComponent, root, { adminClient: client })
            verify(page)
            waitForRendering(page)
            return page
        }
        function rows(page) {
            const found = []
            const search = item => {
                for (let i = 0; i < item.children.length; ++i) {
                    if (item.children[i].objectName === "providerRow")
                        found.push(item.children[i])
                    search(item.children[i])
                }
            }
            search(page)
            return found
        }
        function field(editor, name) {
            const item = findChild(editor.contentItem, name)
            verify(item, name)
            return item
        }

        function test_onlyProvidersAddedHereCanBeEdited() {
            const page = createPage(createTemporaryObject(fakeClientComponent, root))
            const shown = rows(page)
            compare(shown.length, 3)
            compare(findChild(shown[0], "editProviderButton").visible, false)
            compare(findChild(shown[1], "editProviderButton").visible, true)
        }

        function test_withoutAnAdminClientThePageIsReadOnly() {
            const page = createPage(null)
            compare(findChild(page, "addProviderButton").visible, false)
            compare(findChild(rows(page)[0], "editProviderButton").visible, false)
        }

        function test_aProviderThatCannotBeCalledSaysWhy() {
            const page = createPage(createTemporaryObject(fakeClientComponent, root))
            const problem = findChild(rows(page)[2], "providerProblem")
            verify(problem.visible)
            compare(problem.text, "Cannot be called: environment variable MISSING_KEY is not set")
            verify(!findChild(rows(page)[1], "providerProblem").visible)
        }

        function test_addingAProviderSendsItsSecretOnce() {
            const client = createTemporaryObject(fakeClientComponent, root)
            const page = createPage(client)
            mouseClick(findChild(page, "addProviderButton"))
            const editor = findChild(page, "providerEditor")
            tryCompare(editor, "opened", true)
            field(editor, "providerName").text = "team-anthropic"
            field(editor, "providerKind").currentIndex = 3 // anthropic
            field(editor, "providerSecret").text = "sk-ant-secret"
            editor.confirm()
            tryCompare(editor, "visible", false)
            compare(client.sent.length, 1)
            compare(client.sent[0].method, "POST")
            compare(client.sent[0].target, "/admin/v1/providers")
            compare(client.sent[0].body, { kind: "anthropic", name: "team-anthropic", base_url: null,
                credential: { source: "stored", secret: "sk-ant-secret" } })
        }

        function test_aRefusedProviderKeepsTheFormAndShowsWhy() {
            const client = createTemporaryObject(fakeClientComponent, root)
            client.failNext = { status: 409, message: "provider 'team' already exists" }
            const page = createPage(client)
            mouseClick(findChild(page, "addProviderButton"))
            const editor = findChild(page, "providerEditor")
            tryCompare(editor, "opened", true)
            field(editor, "providerName").text = "team"
            field(editor, "credentialSource").currentIndex = 1 // env
            field(editor, "providerEnv").text = "TEAM_KEY"
            editor.confirm()
            tryCompare(editor, "submitError", "provider 'team' already exists")
            verify(editor.visible)
            compare(field(editor, "providerName").text, "team")
            compare(client.sent[0].body.credential, { source: "env", name: "TEAM_KEY" })
        }

        function test_editingKeepsAStoredSecretUnlessANewOneIsTyped() {
            const client = createTemporaryObject(fakeClientComponent, root)
            const page = createPage(client)
            mouseClick(findChild(rows(page)[1], "editProviderButton"))
            const editor = findChild(page, "providerEditor")
            tryCompare(editor, "opened", true)
            compare(field(editor, "providerSecret").text, "")
            field(editor, "providerBaseUrl").text = "https://gateway.example/v1"
            editor.confirm()
            tryCompare(editor, "visible", false)
            compare(client.sent[0].method, "PATCH")
            compare(client.sent[0].target, "/admin/v1/providers/team-openai")
            compare(client.sent[0].body, { kind: "openai", base_url: "https://gateway.example/v1" })
        }

        function test_addingAModelDeploysItOnTheChosenProvider() {
            const client = createTemporaryObject(fakeClientComponent, root)
            const page = createPage(client)
            mouseClick(findChild(page, "addModelButton"))
            const editor = findChild(page, "modelEditor")
            tryCompare(editor, "opened", true)
            compare(editor.providerNames, ["from-file", "team-openai", "broken"])
            field(editor, "modelName").text = "team-gpt"
            field(editor, "modelProvider").currentIndex = 1
            field(editor, "upstreamModel").text = "gpt-4o-mini"
            editor.confirm()
            tryCompare(editor, "visible", false)
            compare(client.sent[0].target, "/admin/v1/models")
            compare(client.sent[0].body, { model: "team-gpt", deployments: [{ provider: "team-openai", model: "gpt-4o-mini" }] })
        }
    }
}
