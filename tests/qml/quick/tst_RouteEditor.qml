// The routes editor of the Providers & Models page (ModelEditor with RouteDeploymentRow, RuleEditor,
// RuleCondition, RouteModelChoice): a model's routing opened from GET /admin/v1/models/{model},
// sent back as a PATCH of the policy keys and deployments, created with POST, checked before it
// is sent, marked where the API's `param` points, and read-only for the config file's models.
import QtQuick
import QtTest
import Gatehouse.Console
import "../../../qml/Governance.js" as Governance

Item {
    id: root
    width: 1280
    height: 1000

    ListModel {
        id: providerList
    }
    ListModel {
        id: deploymentList
        property int modelCount: 3
    }

    // The models endpoints of the admin API, in memory: GET list and one, POST, PATCH; `failNext`
    // ({status, message, param}) refuses the next change with the API's error shape.
    Component {
        id: fakeApiComponent
        QtObject {
            id: api
            property var sent: []
            property var failNext: null
            property var models: ({})
            signal changed()

            function copy(value) {
                return JSON.parse(JSON.stringify(value))
            }
            function reply(status, body) {
                return { status: status, ok: status < 300, body: body, error: "", text: "" }
            }
            function respond(method, target, body) {
                const path = target.split("?")[0]
                if (method !== "GET" && failNext) {
                    const failure = failNext
                    failNext = null
                    const answer = reply(failure.status, { error: { message: failure.message, type: "invalid_request_error",
                                                                     param: failure.param || null, code: "invalid_value" } })
                    answer.error = failure.message
                    return answer
                }
                if (path === "/admin/v1/models") {
                    if (method === "GET") {
                        const all = Object.keys(models).map(name => copy(models[name]))
                        return reply(200, { data: all, total: all.length, limit: 500, offset: 0 })
                    }
                    models[body.model] = Object.assign({ source: "store" }, copy(body))
                    return reply(201, copy(models[body.model]))
                }
                const name = decodeURIComponent(path.substring("/admin/v1/models/".length))
                if (!models[name])
                    return Object.assign(reply(404, { error: { message: "no model named '" + name + "'" } }), { error: "no model named '" + name + "'" })
                if (method === "PATCH")
                    Object.assign(models[name], copy(body))
                return reply(200, copy(models[name]))
            }
            function request(method, target, body, callback) {
                sent.push({ method: method, target: target, body: copy(body) })
                const answer = respond(method, target, body)
                Qt.callLater(() => {
                    callback(answer)
                    if (answer.ok && method !== "GET")
                        api.changed()
                })
            }
        }
    }

    Component {
        id: fakeLists
        FakeAdminList {}
    }

    Component {
        id: pageComponent
        ProvidersPage {
            anchors.fill: parent
            providers: providerList
            deployments: deploymentList
            configFile: "/etc/gatehouse/gatehouse.yaml"
            modelListComponent: fakeLists
        }
    }

    // A model added at run time, as GET /admin/v1/models/{model} answers it.
    function teamModel() {
        return {
            model: "team-chat", mode: "open", auto_approve: false, served: true, source: "store",
            deployments: [
                { provider: "openai", model: "gpt-4o-mini", weight: 3, priority: 0, price: { input_per_million: 0.15, output_per_million: 0.6 },
                  limits: { requests_per_minute: 500, concurrent: 4 } },
                { provider: "azure", model: "gpt-4o-mini", weight: 1, priority: 1, price: null, limits: null }
            ],
            strategy: "least_latency", fallbacks: ["chat", "gpt-4o"], context_window_fallbacks: [],
            canary: { deployment: "azure/gpt-4o-mini", percent: 10 },
            rules: [{ name: "acme-dedicated", match: { tenant: ["acme"], headers: { "X-Team": "search" } },
                      deployments: ["azure/gpt-4o-mini"], fall_back_to_others: true }],
            cache_ttl_s: 300, limits: { requests_per_minute: 600 }, problem: null
        }
    }
    function configModel() {
        return {
            model: "chat", mode: "open", auto_approve: false, served: true, source: "config",
            deployments: [{ provider: "openai", model: "gpt-4o", weight: 1, priority: 0, price: null }],
            strategy: "weighted", fallbacks: [], context_window_fallbacks: [], canary: null, rules: [],
            cache_ttl_s: null, limits: null, problem: null
        }
    }

    GovernanceTestCase {
        name: "RouteEditor"

        function row(name) {
            return { name: name, kind: "openai", baseUrl: "https://api.openai.com/v1", credential: "stored",
                models: "", modelCount: 0, testState: ProvidersModel.Untested, httpStatus: 0, latencyMs: -1,
                message: "", testedModel: "", editable: true, problem: "" }
        }
        function init() {
            providerList.clear()
            providerList.append(row("openai"))
            providerList.append(row("azure"))
            providerList.append(row("local"))
            deploymentList.clear()
            deploymentList.append({ model: "chat", provider: "openai", upstreamModel: "gpt-4o", weight: 1, sharePercent: 100, firstOfModel: true })
            deploymentList.append({ model: "gpt-4o", provider: "openai", upstreamModel: "gpt-4o", weight: 1, sharePercent: 100, firstOfModel: true })
            deploymentList.append({ model: "team-chat", provider: "openai", upstreamModel: "gpt-4o-mini", weight: 3, sharePercent: 75, firstOfModel: true })
            deploymentList.append({ model: "team-chat", provider: "azure", upstreamModel: "gpt-4o-mini", weight: 1, sharePercent: 25, firstOfModel: false })
        }
        function createApi() {
            const api = createTemporaryObject(fakeApiComponent, root)
            api.models = { "chat": configModel(), "gpt-4o": Object.assign(configModel(), { model: "gpt-4o" }), "team-chat": teamModel() }
            return api
        }
        function createPage(api) {
            const page = createTemporaryObject(pageComponent, root, { adminClient: api })
            verify(page)
            waitForRendering(page)
            return page
        }
        // Opens the editor of `model` and waits for its GET.
        function openEditor(page, model) {
            page.openRouteEditor(model)
            const editor = findChild(page, "modelEditor")
            tryCompare(editor, "opened", true)
            tryCompare(editor, "loading", false)
            waitForRendering(editor.contentItem)
            return editor
        }
        function field(editor, name, nth) {
            const found = findAll(editor, name)
            verify(found.length > (nth || 0), "no field " + name + " #" + (nth || 0))
            return found[nth || 0]
        }
        // Clicks a button or a checkbox of the editor, even one scrolled out of its view.
        function press(item) {
            verify(item.enabled && item.visible, item.objectName + " cannot be pressed")
            if (item.checkable) {
                item.toggle()
                item.toggled()
            } else {
                item.clicked()
            }
        }
        function sentChanges(api) {
            return api.sent.filter(r => r.method !== "GET")
        }

        function test_editOpensWithTheModelsCurrentRouting() {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "team-chat")
            verify(api.sent.some(r => r.method === "GET" && r.target === "/admin/v1/models/team-chat"))
            compare(editor.title, "Routing of team-chat")
            compare(editor.readOnly, false)
            compare(field(editor, "routeStrategy").currentIndex, 2)
            verify(hasText(editor.contentItem, Governance.routeStrategies[2].explanation))
            compare(findAll(editor, "routeDeployment").length, 2)
            compare(field(editor, "modelProvider", 1).currentText, "azure")
            compare(field(editor, "upstreamModel", 0).text, "gpt-4o-mini")
            compare(field(editor, "deploymentWeight", 0).text, "3")
            compare(field(editor, "deploymentPriority", 1).text, "1")
            compare(field(editor, "deploymentPriceIn", 0).text, "0.15")
            compare(field(editor, "deploymentPriceOut", 1).text, "")
            compare(field(editor, "deploymentRpm", 0).text, "500")
            compare(field(editor, "deploymentTpm", 0).text, "")
            compare(field(editor, "deploymentRpm", 1).text, "")
            verify(findChild(field(editor, "fallbacks"), "modelChoice_chat").checked)
            verify(findChild(field(editor, "fallbacks"), "modelChoice_gpt-4o").checked)
            // The model itself is no fallback of its own.
            compare(findChild(field(editor, "fallbacks"), "modelChoice_team-chat"), null)
            compare(field(editor, "canaryDeployment").displayText, "azure/gpt-4o-mini")
            compare(field(editor, "canaryPercent").text, "10")
            compare(field(editor, "ruleName").text, "acme-dedicated")
            const conditions = findAll(editor, "ruleCondition")
            compare(conditions.length, 2)
            compare(findChild(conditions[0], "conditionValues").text, "acme")
            compare(findChild(conditions[1], "conditionField").currentIndex, 3)
            compare(findChild(conditions[1], "conditionKey").text, "X-Team")
            const targets = findAll(editor, "ruleTarget")
            compare(targets.map(t => t.text), ["openai/gpt-4o-mini", "azure/gpt-4o-mini"])
            compare(targets.map(t => t.checked), [false, true])
            verify(field(editor, "ruleFallBack").checked)
            compare(field(editor, "cacheTtl").text, "300")
            compare(field(editor, "limitRpm").text, "600")
            compare(field(editor, "limitTpm").text, "")
        }

        function test_saveSendsAPatchOfThePolicyAndDeployments() {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "team-chat")
            field(editor, "routeStrategy").currentIndex = 4 // fallback
            field(editor, "deploymentPriceIn", 1).text = "0.1"
            field(editor, "deploymentPriceOut", 1).text = "0.4"
            field(editor, "deploymentTpm", 1).text = "90000"
            field(editor, "canaryPercent").text = "12.5"
            press(findChild(field(editor, "fallbacks"), "modelChoice_chat")) // unchosen: gpt-4o stays
            press(field(editor, "ruleTarget", 0))
            field(editor, "limitRpm").text = ""
            field(editor, "limitConcurrent").text = "8"
            editor.confirm()
            tryCompare(editor, "visible", false)
            const changes = sentChanges(api)
            compare(changes.length, 1)
            compare(changes[0].method, "PATCH")
            compare(changes[0].target, "/admin/v1/models/team-chat")
            compare(JSON.stringify(changes[0].body), JSON.stringify({
                deployments: [
                    // The concurrency limit the form does not show is kept as it was.
                    { provider: "openai", model: "gpt-4o-mini", weight: 3, priority: 0, price: { input_per_million: 0.15, output_per_million: 0.6 },
                      limits: { requests_per_minute: 500, concurrent: 4 } },
                    { provider: "azure", model: "gpt-4o-mini", weight: 1, priority: 1, price: { input_per_million: 0.1, output_per_million: 0.4 },
                      limits: { tokens_per_minute: 90000 } }
                ],
                strategy: "fallback",
                fallbacks: ["gpt-4o"],
                context_window_fallbacks: [],
                canary: { deployment: "azure/gpt-4o-mini", percent: 12.5 },
                rules: [{ name: "acme-dedicated", match: { tenant: ["acme"], headers: { "X-Team": ["search"] } },
                          deployments: ["openai/gpt-4o-mini", "azure/gpt-4o-mini"], fall_back_to_others: true }],
                cache_ttl_s: 300,
                limits: { concurrent: 8 }
            }))
            // The list reloads after the change and the table's caption follows.
            tryVerify(() => page.routes["team-chat"] && page.routes["team-chat"].caption === "fallback · 1 fallback · 1 rule · canary 12.5 %",
                      5000, JSON.stringify(page.routes["team-chat"]))
        }

        function test_removingADeploymentKeepsRulesAndCanaryOnTheirDeployments() {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "team-chat")
            press(field(editor, "addDeployment"))
            field(editor, "modelProvider", 2).currentIndex = 2 // local
            field(editor, "upstreamModel", 2).text = "llama-3.1-8b"
            press(field(editor, "removeDeployment", 0))
            compare(findAll(editor, "routeDeployment").length, 2)
            compare(field(editor, "canaryDeployment").displayText, "azure/gpt-4o-mini")
            compare(findAll(editor, "ruleTarget").map(t => t.checked), [true, false])
            editor.confirm()
            tryCompare(editor, "visible", false)
            const body = sentChanges(api)[0].body
            compare(body.deployments.map(d => d.provider + "/" + d.model), ["azure/gpt-4o-mini", "local/llama-3.1-8b"])
            compare(body.rules[0].deployments, ["azure/gpt-4o-mini"])
            compare(body.canary, { deployment: "azure/gpt-4o-mini", percent: 10 })
        }

        function test_addingAModelSendsItsWholeRoute() {
            const api = createApi()
            const page = createPage(api)
            mouseClick(findChild(page, "addModelButton"))
            const editor = findChild(page, "modelEditor")
            tryCompare(editor, "opened", true)
            compare(editor.title, "Add a model")
            field(editor, "modelName").text = "support"
            field(editor, "upstreamModel", 0).text = "gpt-4o-mini"
            field(editor, "deploymentPriceIn", 0).text = "0.15"
            field(editor, "deploymentPriceOut", 0).text = "0.6"
            press(field(editor, "addDeployment"))
            field(editor, "modelProvider", 1).currentIndex = 2
            field(editor, "upstreamModel", 1).text = "llama-3.1-8b"
            field(editor, "deploymentPriority", 1).text = "1"
            field(editor, "routeStrategy").currentIndex = 3 // lowest cost
            press(findChild(field(editor, "contextWindowFallbacks"), "modelChoice_gpt-4o"))
            press(field(editor, "addRule"))
            field(editor, "ruleName").text = "vip"
            findChild(field(editor, "ruleCondition"), "conditionField").currentIndex = 4 // metadata
            field(editor, "conditionKey").text = "tier"
            field(editor, "conditionValues").text = "gold, platinum"
            press(field(editor, "ruleTarget", 0))
            field(editor, "cacheTtl").text = "60"
            editor.confirm()
            tryCompare(editor, "visible", false)
            const changes = sentChanges(api)
            compare(changes[0].method, "POST")
            compare(changes[0].target, "/admin/v1/models")
            compare(JSON.stringify(changes[0].body), JSON.stringify({
                model: "support",
                deployments: [
                    { provider: "openai", model: "gpt-4o-mini", price: { input_per_million: 0.15, output_per_million: 0.6 } },
                    { provider: "local", model: "llama-3.1-8b", priority: 1 }
                ],
                strategy: "lowest_cost",
                context_window_fallbacks: ["gpt-4o"],
                rules: [{ name: "vip", match: { metadata: { tier: ["gold", "platinum"] } }, deployments: ["openai/gpt-4o-mini"], fall_back_to_others: false }],
                cache_ttl_s: 60
            }))
        }

        function test_theFormRefusesWhatIsObviouslyWrong() {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "team-chat")
            field(editor, "deploymentWeight", 1).text = "0"
            field(editor, "upstreamModel", 0).text = " "
            field(editor, "canaryPercent").text = "150"
            field(editor, "deploymentTpm", 0).text = "lots"
            press(field(editor, "ruleTarget", 1)) // the rule has no target left
            editor.confirm()
            compare(sentChanges(api).length, 0)
            verify(editor.visible)
            verify(field(editor, "deploymentWeight", 1).invalid)
            verify(!field(editor, "deploymentWeight", 0).invalid)
            verify(field(editor, "upstreamModel", 0).invalid)
            verify(field(editor, "canaryPercent").invalid)
            verify(field(editor, "ruleTargets").invalid)
            verify(!field(editor, "ruleName").invalid)
            verify(!field(editor, "cacheTtl").invalid)
            verify(field(editor, "deploymentTpm", 0).invalid)
            compare(editor.shownError, "Deployment 1: name the model at the provider. (and 4 more marked in red)")
            verify(findChild(editor.contentItem, "dialogError").visible)
            // Fixed, it goes.
            field(editor, "deploymentWeight", 1).text = "2"
            field(editor, "upstreamModel", 0).text = "gpt-4o-mini"
            field(editor, "canaryPercent").text = "100"
            field(editor, "deploymentTpm", 0).text = ""
            press(field(editor, "ruleTarget", 1))
            editor.confirm()
            tryCompare(editor, "visible", false)
            compare(sentChanges(api).length, 1)
        }

        function test_aRefusalMarksTheFieldTheApiNames_data() {
            return [
                { tag: "rule target", param: "rules[0].deployments[0]", field: "ruleTargets", nth: 0 },
                { tag: "weight", param: "deployments[1].weight", field: "deploymentWeight", nth: 1 },
                { tag: "a whole deployment", param: "deployments[1]", field: "upstreamModel", nth: 1 },
                { tag: "fallback", param: "fallbacks[1]", field: "fallbacks", nth: 0 },
                { tag: "canary", param: "canary.percent", field: "canaryPercent", nth: 0 },
                { tag: "header condition", param: "rules[0].match.headers.X-Team", field: "conditionKey", nth: 1 },
                { tag: "limit", param: "limits.tokens_per_minute", field: "limitTpm", nth: 0 },
                { tag: "deployment limit", param: "deployments[1].limits.requests_per_minute", field: "deploymentRpm", nth: 1 }
            ]
        }
        function test_aRefusalMarksTheFieldTheApiNames(data) {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "team-chat")
            field(editor, "ruleName").text = "acme-only"
            api.failNext = { status: 400, message: data.param + ": something is wrong with it", param: data.param }
            editor.confirm()
            tryCompare(editor, "submitError", data.param + ": something is wrong with it")
            verify(editor.visible)
            compare(field(editor, "ruleName").text, "acme-only")
            const marked = field(editor, data.field, data.nth)
            if (data.field === "fallbacks")
                verify(findChild(marked, "modelChoice_chat").palette.text === Theme.danger)
            else
                verify(marked.invalid, data.field + " is not marked")
            verify(!field(editor, "cacheTtl").invalid)
            verify(hasText(editor.contentItem, data.param + ": something is wrong with it"))
        }

        function test_configFileModelsAreReadOnly() {
            const api = createApi()
            const page = createPage(api)
            const editor = openEditor(page, "chat")
            compare(editor.readOnly, true)
            compare(editor.title, "Routing of chat (read-only)")
            verify(field(editor, "readOnlyNote").visible)
            verify(field(editor, "readOnlyNote").text.indexOf("config file") >= 0)
            compare(findChild(editor.contentItem, "dialogConfirm").visible, false)
            compare(findChild(editor.contentItem, "dialogCancel").text, "Close")
            verify(field(editor, "upstreamModel").readOnly)
            verify(!field(editor, "routeStrategy").enabled)
            verify(!field(editor, "addDeployment").visible)
            verify(!field(editor, "addRule").visible)
            verify(!field(editor, "removeDeployment").visible)
            editor.confirm()
            compare(sentChanges(api).length, 0)
        }

        function test_theModelsTableShowsEachRoute() {
            const api = createApi()
            const page = createPage(api)
            tryVerify(() => findAll(page, "routeCaption").filter(c => c.visible).length === 3, 5000)
            const captions = findAll(page, "routeCaption").filter(c => c.visible).map(c => c.text)
            compare(captions, ["weighted", "weighted", "least latency · 2 fallbacks · 1 rule · canary 10 %"])
            const buttons = findAll(page, "routeButton").filter(b => b.visible)
            compare(buttons.map(b => b.text), ["Routing…", "Routing…", "Edit routing…"])
            mouseClick(buttons[2])
            const editor = findChild(page, "modelEditor")
            tryCompare(editor, "opened", true)
            tryCompare(editor, "modelName", "team-chat")
        }

        function test_paramsMarkTheirFieldsAndNoOthers() {
            verify(Governance.paramMarks("rules[0].deployments[1]", "rules[0].deployments"))
            verify(Governance.paramMarks("deployments[1]", "deployments[1].weight"))
            verify(Governance.paramMarks("canary", "canary.percent"))
            verify(!Governance.paramMarks("deployments[1]", "deployments[10].weight"))
            verify(!Governance.paramMarks("deployments", "rules[0].deployments"))
            verify(!Governance.paramMarks("canary.deployment", "canary.percent"))
        }
    }
}
