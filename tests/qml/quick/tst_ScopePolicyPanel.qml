// ScopePolicyPanel: exactly one scope's rate limits and budgets with what is used and left of them
// (from the usage lists), in the Traffic page's colours; setting and changing them with the right
// PUT bodies, the field the API's `param` names marked, config-file entries read-only (409), removal
// with DELETE. Then the pages that show it pass the chosen key, tenant and consumer as its scope.
import QtQuick
import QtTest
import Gatehouse.Console
import "../../../qml/ScopePolicy.js" as ScopePolicy

Item {
    id: root
    width: 1280
    height: 1000

    FakeAdminApi {
        id: api
    }
    Component {
        id: fakeLists
        FakeAdminList {}
    }
    Component {
        id: panelComponent
        ScopePolicyPanel {
            width: 900
            client: api
            dialogParent: root
            scopeLabel: "key reports (" + scopeId + ")"
            // Asked on show and after changes only, so a test sees exactly the requests it causes.
            refreshInterval: 3600000
        }
    }
    // An admin API that cannot be reached, as the in-process client answers with the gateway stopped.
    QtObject {
        id: unreachableApi
        signal changed()
        function request(method, target, body, done) {
            Qt.callLater(() => done({ status: 0, ok: false, body: null, text: "",
                                      error: "The embedded gateway is not running; start it on the Overview page." }))
        }
    }
    Component {
        id: keysPageComponent
        KeysPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }
    Component {
        id: tenantsPageComponent
        TenantsPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }

    readonly property string key: "gk-AbCdEf1"

    function resetApi() {
        api.tenants = []; api.consumers = []; api.keys = []; api.requests = []; api.audit = []; api.sent = []; api.failNext = null
        api.limits = []; api.budgets = []; api.used = {}; api.spent = {}
    }
    function storeLimit(scope, id, rpm, tpm, concurrent) {
        return { scope: scope, id: id, requests_per_minute: rpm, tokens_per_minute: tpm, concurrent: concurrent, source: "store", updated_at_ms: 1 }
    }
    function storeBudget(scope, id, period, limit, softUsd, softFraction) {
        return { scope: scope, id: id, period: period, limit_usd: limit, soft_limit_usd: softUsd, soft_limit_fraction: softFraction,
                 source: "store", updated_at_ms: 1 }
    }
    function fromFile(entry) {
        entry.source = "config_file"
        entry.updated_at_ms = null
        return entry
    }

    GovernanceTestCase {
        name: "ScopePolicyPanel"

        function init() {
            root.resetApi()
        }
        function createPanel(scope, id) {
            const panel = createTemporaryObject(panelComponent, root, { scope: scope, scopeId: id })
            verify(panel)
            tryVerify(() => panel.settled, 5000, "the panel's four lists should have answered")
            return panel
        }
        function visibleNamed(item, name) {
            return findAll(item, name).filter(i => i.visible)
        }
        function cells(panel, name, count) {
            tryVerify(() => visibleNamed(panel, name).length === count, 5000,
                name + " should be shown " + count + " times, is " + visibleNamed(panel, name).length)
            return visibleNamed(panel, name)
        }
        function fillColour(cell) {
            return findOne(cell, "meterFill").color
        }
        function openDialog(panel, name) {
            const dialog = findOne(panel, name)
            tryCompare(dialog, "opened", true)
            return dialog
        }
        function lastSent(method) {
            const all = api.sent.filter(r => r.method === method)
            verify(all.length > 0, "no " + method + " among " + JSON.stringify(api.sent))
            return all[all.length - 1]
        }

        function test_showsWhatIsUsedAndLeftOfExactlyItsScope() {
            api.limits = [root.storeLimit("key", root.key, 60, 150000, null), root.storeLimit("tenant", "acme", 600, null, null),
                          root.storeLimit("key", "gk-Other", 5, null, null)]
            api.budgets = [root.storeBudget("key", root.key, "monthly", 100, 80, null), root.storeBudget("key", root.key, "daily", 5, null, 0.5),
                           root.storeBudget("key", "gk-Other", "weekly", 1, null, null), root.storeBudget("tenant", "acme", "monthly", 1000, null, null)]
            api.used = { ["key/" + root.key]: { requests: 15, tokens: 1000, in_flight: 1 }, "tenant/acme": { requests: 500 } }
            api.spent = { ["key/" + root.key + "/monthly"]: 42.1, ["key/" + root.key + "/daily"]: 3 }
            const panel = createPanel("key", root.key)

            const rates = cells(panel, "rateCell", 3)
            const shown = rates.map(texts)
            for (const expected of ["Requests / min", "45 of 60 left", "15 used · resets in 15 s"])
                verify(shown[0].indexOf(expected) >= 0, expected + " in " + JSON.stringify(shown[0]))
            for (const expected of ["Tokens / min", "149,000 of 150,000 left", "1,000 used · resets in 24 s"])
                verify(shown[1].indexOf(expected) >= 0, expected + " in " + JSON.stringify(shown[1]))
            verify(shown[2].indexOf("no limit") >= 0, JSON.stringify(shown[2]))
            verify(Qt.colorEqual(fillColour(rates[0]), Theme.accent))

            // Its two budgets only, by period; the tenant's and the other key's are not this scope's.
            const budgets = cells(panel, "budgetCell", 2)
            // The date and "in N days" do not break across lines.
            const daily = texts(budgets[0]).map(t => t.replace(/\u00a0/g, " "))
            for (const expected of ["Daily budget", "$3.00 spent of $5.00", "alert at 50 % ($2.50)"])
                verify(daily.indexOf(expected) >= 0, expected + " in " + JSON.stringify(daily))
            verify(daily.some(t => t.startsWith("$2.00 left · resets 2030-02-01 00:00 UTC (in ")), JSON.stringify(daily))
            verify(texts(budgets[0]).some(t => t.indexOf("2030-02-01\u00a000:00\u00a0UTC") >= 0), JSON.stringify(texts(budgets[0])))
            verify(Qt.colorEqual(fillColour(budgets[0]), Theme.warning), "amber past its soft threshold")
            const monthly = texts(budgets[1])
            for (const expected of ["Monthly budget", "$42.10 spent of $100.00", "alert at $80.00"])
                verify(monthly.indexOf(expected) >= 0, expected + " in " + JSON.stringify(monthly))
            verify(Qt.colorEqual(fillColour(budgets[1]), Theme.accent))
            verify(!texts(panel).some(t => t.indexOf("600") >= 0 || t.indexOf("$1,000") >= 0), JSON.stringify(texts(panel)))

            verify(button(panel, "Change…") && button(panel, "Add budget…"))
            verify(!button(panel, "Set limits…"), "it has limits: they are changed, not set")
            // Cells side by side while each gets 200 px: three across here, one in a narrow column.
            compare(panel.columns, 3)
            // Once laid out: equal columns, the budgets under the limits.
            tryVerify(() => rates[0].width > 200 && rates[1].x === rates[0].x + rates[0].width + Theme.spacingLarge
                      && budgets[0].width === rates[0].width && budgets[1].x === rates[1].x, 5000,
                      JSON.stringify([rates[0].x, rates[0].width, rates[1].x, budgets[0].width, budgets[1].x]))
            panel.width = 300
            tryCompare(panel, "columns", 1)
            tryVerify(() => rates[1].y > rates[0].y && rates[1].x === rates[0].x)
            verify(!findOne(panel, "limitSource").visible)
            verify(api.sent.every(r => r.method === "GET"))
        }

        function test_aBudgetOverItsHardLimitIsRed() {
            api.budgets = [root.storeBudget("tenant", "acme", "weekly", 10, 8, null)]
            api.spent = { "tenant/acme/weekly": 10 }
            api.limits = [root.storeLimit("tenant", "acme", 10, null, 2)]
            api.used = { "tenant/acme": { requests: 10, in_flight: 2 } }
            const panel = createPanel("tenant", "acme")
            const budget = cells(panel, "budgetCell", 1)[0]
            verify(texts(budget).indexOf("used up: calls are refused") >= 0, JSON.stringify(texts(budget)))
            verify(Qt.colorEqual(fillColour(budget), Theme.danger))
            const rates = cells(panel, "rateCell", 3)
            verify(texts(rates[0]).indexOf("0 of 10 left") >= 0, JSON.stringify(texts(rates[0])))
            verify(Qt.colorEqual(fillColour(rates[0]), Theme.danger))
            verify(texts(rates[2]).indexOf("0 of 2 left") >= 0 && texts(rates[2]).indexOf("2 in flight") >= 0, JSON.stringify(texts(rates[2])))
        }

        function test_withoutEntriesItSaysWhatStillApplies() {
            const panel = createPanel("consumer", "acme/billing")
            tryCompare(findOne(panel, "limitNote"), "text", "No rate limits of its own; its tenant's still apply.")
            compare(findOne(panel, "budgetNote").text, "No budget of its own; its tenant's still apply.")
            compare(visibleNamed(panel, "rateCell").length, 0)
            verify(button(panel, "Set limits…"))
        }

        function test_savingSendsTheScopesPutBody() {
            const panel = createPanel("key", root.key)
            click(panel, "Set limits…")
            const dialog = openDialog(panel, "limitDialog")
            compare(dialog.title, "Rate limits of key reports (" + root.key + ")")
            typeInto(findOne(dialog, "limitRequests"), "600")
            typeInto(findOne(dialog, "limitConcurrent"), " 20 ")
            typeInto(findOne(dialog, "limitReason"), "team quota")
            click(dialog.contentItem, "Save limits")
            tryCompare(dialog, "visible", false)
            const put = lastSent("PUT")
            compare(put.target, "/admin/v1/limits")
            compare(JSON.stringify(put.body), JSON.stringify({ scope: "key", id: root.key, requests_per_minute: 600, concurrent: 20, reason: "team quota" }))
            // The change makes the panel ask again: the new limit is shown, with nothing used yet.
            tryVerify(() => visibleNamed(panel, "rateCell").length === 3 && texts(visibleNamed(panel, "rateCell")[0]).indexOf("600 of 600 left") >= 0,
                5000, JSON.stringify(texts(panel)))

            click(panel, "Add budget…")
            const budgetDialog = openDialog(panel, "budgetDialog")
            compare(findOne(budgetDialog, "budgetPeriod").currentText, "Monthly")
            typeInto(findOne(budgetDialog, "budgetAmount"), "$100")
            typeInto(findOne(budgetDialog, "budgetSoft"), "80 %")
            click(budgetDialog.contentItem, "Add budget")
            tryCompare(budgetDialog, "visible", false)
            const budgetPut = lastSent("PUT")
            compare(budgetPut.target, "/admin/v1/budgets")
            compare(JSON.stringify(budgetPut.body), JSON.stringify({ scope: "key", id: root.key, period: "monthly", limit_usd: 100, soft_limit_fraction: 0.8 }))
            const budget = cells(panel, "budgetCell", 1)[0]
            tryVerify(() => texts(budget).indexOf("$0.00 spent of $100.00") >= 0, 5000, JSON.stringify(texts(budget)))
            verify(texts(budget).indexOf("alert at 80 % ($80.00)") >= 0, JSON.stringify(texts(budget)))
            verify(texts(budget).some(t => t.startsWith("$100.00 left · resets")), JSON.stringify(texts(budget)))

            // A change keeps the budget's period, and sends the amounts typed.
            click(budget, "Change…")
            tryCompare(budgetDialog, "opened", true)
            verify(!findOne(budgetDialog, "budgetPeriod").enabled)
            compare(findOne(budgetDialog, "budgetAmount").text, "100")
            compare(findOne(budgetDialog, "budgetSoft").text, "80 %")
            typeInto(findOne(budgetDialog, "budgetAmount"), "250")
            typeInto(findOne(budgetDialog, "budgetSoft"), "200")
            click(budgetDialog.contentItem, "Save budget")
            tryCompare(budgetDialog, "visible", false)
            compare(JSON.stringify(lastSent("PUT").body), JSON.stringify({ scope: "key", id: root.key, period: "monthly", limit_usd: 250, soft_limit_usd: 200 }))
            // A changed budget is a new cell.
            tryVerify(() => visibleNamed(panel, "budgetCell").length === 1 && texts(visibleNamed(panel, "budgetCell")[0]).indexOf("$0.00 spent of $250.00") >= 0,
                5000, JSON.stringify(texts(panel)))
        }

        function test_aRefusalMarksTheFieldItsParamNames() {
            const panel = createPanel("key", root.key)
            click(panel, "Set limits…")
            const dialog = openDialog(panel, "limitDialog")
            const requests = findOne(dialog, "limitRequests")
            const tokens = findOne(dialog, "limitTokens")
            const concurrent = findOne(dialog, "limitConcurrent")
            typeInto(requests, "60")
            typeInto(tokens, "5000000000")
            api.failNext = { status: 400, message: "tokens_per_minute: must be at most 1000000000", code: "invalid_value", param: "tokens_per_minute" }
            click(dialog.contentItem, "Save limits")
            tryCompare(findOne(dialog, "dialogError"), "text", "tokens_per_minute: must be at most 1000000000")
            verify(tokens.invalid, "the field the API names is marked")
            verify(!requests.invalid && !concurrent.invalid)
            verify(dialog.visible)
            compare(tokens.text, "5000000000")

            // The stand-in checks like the API: a negative concurrency is refused by name.
            typeInto(tokens, "")
            typeInto(concurrent, "-1")
            click(dialog.contentItem, "Save limits")
            tryCompare(findOne(dialog, "dialogError"), "text", "concurrent: must be a whole number between 0 and 1000000000")
            verify(concurrent.invalid && !tokens.invalid)

            // What is not a number at all is caught before anything is sent.
            const puts = api.sent.filter(r => r.method === "PUT").length
            typeInto(concurrent, "")
            typeInto(requests, "lots")
            click(dialog.contentItem, "Save limits")
            tryCompare(findOne(dialog, "dialogError"), "text", "Requests / min: write a whole number (0 pauses the scope; empty: no limit of this kind).")
            verify(requests.invalid && !concurrent.invalid)
            compare(api.sent.filter(r => r.method === "PUT").length, puts)
            dialog.close()

            // A budget's alert at or over its limit: the soft threshold is marked.
            click(panel, "Add budget…")
            const budgetDialog = openDialog(panel, "budgetDialog")
            typeInto(findOne(budgetDialog, "budgetAmount"), "100")
            typeInto(findOne(budgetDialog, "budgetSoft"), "120")
            click(budgetDialog.contentItem, "Add budget")
            tryCompare(findOne(budgetDialog, "dialogError"), "text", "soft_limit_usd: must be less than limit_usd")
            verify(findOne(budgetDialog, "budgetSoft").invalid)
            verify(!findOne(budgetDialog, "budgetAmount").invalid)
            budgetDialog.close()
        }

        function test_configFileEntriesAreReadOnly() {
            api.limits = [root.fromFile(root.storeLimit("key", root.key, 60, null, null))]
            api.budgets = [root.fromFile(root.storeBudget("key", root.key, "daily", 5, 4, null)), root.storeBudget("key", root.key, "weekly", 20, null, null)]
            const panel = createPanel("key", root.key)
            cells(panel, "rateCell", 3)
            const source = findOne(panel, "limitSource")
            verify(source.visible)
            compare(source.text, "Config file")
            compare(findOne(panel, "limitNote").text, "Declared in the config file (policy.limits): read-only here, change it in the file.")
            verify(!button(panel, "Set limits…") && !button(panel, "Change limits…"))
            const budgets = cells(panel, "budgetCell", 2)
            verify(texts(budgets[0]).indexOf("Config file") >= 0, JSON.stringify(texts(budgets[0])))
            verify(!button(budgets[0], "Change…") && !button(budgets[0], "Remove…"), "the file's budget has no buttons")
            verify(button(budgets[1], "Change…") && button(budgets[1], "Remove…"), "the store's has")
            // The rate limit row has no buttons either: only the store's weekly budget offers any.
            compare(findAll(panel, "changeLimitsButton").filter(b => b.visible).length, 0)
            compare(findAll(panel, "removeLimitsButton").filter(b => b.visible).length, 0)
            compare(findOne(panel, "budgetNote").text,
                "Budgets marked Config file are declared in the config file (policy.budgets): read-only here, change them in the file.")

            // The file gains a monthly budget after the panel read the list: the API refuses with 409,
            // the dialog says why in its words, and once asked again the entry shows read-only.
            api.budgets = api.budgets.concat([root.fromFile(root.storeBudget("key", root.key, "monthly", 50, null, null))])
            click(panel, "Add budget…")
            const dialog = openDialog(panel, "budgetDialog")
            compare(findOne(dialog, "budgetPeriod").currentText, "Monthly")
            compare(findOne(dialog, "budgetPeriod").count, 2) // monthly, total: daily and weekly are set
            typeInto(findOne(dialog, "budgetAmount"), "80")
            click(dialog.contentItem, "Add budget")
            tryCompare(findOne(dialog, "dialogError"), "text",
                "the monthly budget of key '" + root.key + "' is declared in /etc/gatehouse/gatehouse.yaml: change it there (its entries are read-only here)")
            verify(dialog.visible)
            dialog.close()
            panel.refresh()
            const after = cells(panel, "budgetCell", 3)
            verify(texts(after[2]).indexOf("Monthly budget") >= 0 && texts(after[2]).indexOf("Config file") >= 0, JSON.stringify(texts(after[2])))
            verify(!button(after[2], "Change…"))
        }

        function test_removeSendsDelete() {
            api.limits = [root.storeLimit("consumer", "acme/billing", 30, null, null)]
            api.budgets = [root.storeBudget("consumer", "acme/billing", "monthly", 20, null, 0.8)]
            const panel = createPanel("consumer", "acme/billing")
            const budget = cells(panel, "budgetCell", 1)[0]
            click(budget, "Remove…")
            const dialog = openDialog(panel, "removePolicyDialog")
            verify(dialog.message.indexOf("monthly budget") >= 0, dialog.message)
            compare(api.sent.filter(r => r.method === "DELETE").length, 0, "asks first")
            typeInto(findOne(dialog, "removeReason"), "moved to the tenant")
            click(dialog.contentItem, "Remove")
            tryCompare(dialog, "visible", false)
            compare(lastSent("DELETE").target, "/admin/v1/budgets/consumer/acme%2Fbilling/monthly?reason=moved%20to%20the%20tenant")
            tryCompare(findOne(panel, "budgetNote"), "text", "No budget of its own; its tenant's still apply.")
            compare(visibleNamed(panel, "budgetCell").length, 0)

            click(findOne(panel, "removeLimitsButton").parent, "Remove…")
            tryCompare(dialog, "opened", true)
            click(dialog.contentItem, "Remove")
            tryCompare(dialog, "visible", false)
            compare(lastSent("DELETE").target, "/admin/v1/limits/consumer/acme%2Fbilling")
            tryVerify(() => button(panel, "Set limits…") !== null, 5000, JSON.stringify(texts(panel)))
            compare(api.limits.length, 0)
        }

        function test_failuresSayWhy() {
            const panel = createTemporaryObject(panelComponent, root, { scope: "key", scopeId: root.key, client: unreachableApi })
            const error = findOne(panel, "policyError")
            tryCompare(error, "visible", true)
            compare(error.text, "The embedded gateway is not running; start it on the Overview page.")
            verify(!button(panel, "Set limits…") && !button(panel, "Add budget…"), "nothing is offered while the entries are not known")
        }

        // The words and requests, alone.
        function test_words() {
            compare(JSON.stringify(ScopePolicy.softOf("80 %")), JSON.stringify({ soft_limit_fraction: 0.8 }))
            compare(JSON.stringify(ScopePolicy.softOf("$12.5")), JSON.stringify({ soft_limit_usd: 12.5 }))
            compare(JSON.stringify(ScopePolicy.softOf("")), "{}")
            compare(ScopePolicy.softOf("soon"), null)
            compare(ScopePolicy.limitPath("consumer", "acme/search-app", ""), "/admin/v1/limits/consumer/acme%2Fsearch-app")
            compare(ScopePolicy.budgetPath("key", "gk-AbC", "daily", " why "), "/admin/v1/budgets/key/gk-AbC/daily?reason=why")
            const file = root.fromFile(root.storeLimit("tenant", "acme", 1, null, null))
            compare(ScopePolicy.limitOf([root.storeLimit("tenant", "acme", 9, null, null), file], "tenant", "acme"), file,
                "when both declare one, the file's applies")
            compare(ScopePolicy.limitOf([file], "tenant", "acme-2"), null)
            // A usage entry for another limit (the lists were read at different moments) is not shown as this one's.
            const meter = ScopePolicy.rateMeter(ScopePolicy.dimensions[0], { requests_per_minute: 100 }, { requests_per_minute: 60, requests_remaining: 60 })
            compare(meter.text, "limit 100")
            compare(meter.detail, "usage not reported yet")
        }
    }

    GovernanceTestCase {
        name: "ScopePolicyPages"

        function init() {
            root.resetApi()
            api.seed()
        }

        function test_theKeysPageShowsTheChosenKeysLimits() {
            const reports = api.keys[0]
            api.limits = [root.storeLimit("key", reports.prefix, 60, null, null)]
            api.budgets = [root.storeBudget("key", reports.prefix, "daily", 2, null, null)]
            api.spent = { ["key/" + reports.prefix + "/daily"]: 0.5 }
            const page = createTemporaryObject(keysPageComponent, root)
            const rows = rowsOf(findOne(page, "keysTable"), 2)
            const panel = findOne(page, "keyPolicy")
            verify(!panel.visible)
            verify(hasText(findOne(page, "keyPolicyCard"), "Choose a key above to see its rate limits and budgets, with what is used and left of them now."))
            mouseClick(rows[0], 40, rows[0].height / 2)
            tryCompare(page, "selectedKeyId", reports.id)
            tryCompare(panel, "visible", true)
            compare(panel.scope, "key")
            compare(panel.scopeId, reports.prefix)
            compare(findOne(page, "keyPolicyCard").title, "Limits & budget of reports (" + reports.prefix + ")")
            tryVerify(() => findAll(panel, "budgetCell").filter(c => c.visible).length === 1, 5000)
            verify(texts(findAll(panel, "budgetCell")[0]).indexOf("$0.50 spent of $2.00") >= 0, JSON.stringify(texts(panel)))
            // Its dialogs open over the page, not squeezed into the card.
            click(panel, "Change…")
            const dialog = findOne(panel, "limitDialog")
            tryCompare(dialog, "opened", true)
            compare(dialog.parent, page)
            compare(findOne(dialog, "limitRequests").text, "60")
            dialog.close()
        }

        function test_theTenantsPageShowsTheChosenTenantsAndConsumersLimits() {
            api.limits = [root.storeLimit("tenant", "acme", 600, null, null), root.storeLimit("consumer", "acme/billing", 30, null, null)]
            api.budgets = [root.fromFile(root.storeBudget("tenant", "acme", "monthly", 500, 400, null))]
            const page = createTemporaryObject(tenantsPageComponent, root)
            rowsOf(findOne(page, "consumersTable"), 2)
            const tenantPanel = findOne(page, "tenantPolicy")
            const consumerPanel = findOne(page, "consumerPolicy")
            tryCompare(tenantPanel, "scopeId", "acme")
            tryCompare(consumerPanel, "scopeId", "acme/billing")
            compare(tenantPanel.scope, "tenant")
            compare(consumerPanel.scope, "consumer")
            tryVerify(() => tenantPanel.settled && consumerPanel.settled)
            tryCompare(tenantPanel, "columns", 3)
            tryVerify(() => texts(tenantPanel).indexOf("600 of 600 left") >= 0, 5000, JSON.stringify(texts(tenantPanel)))
            verify(texts(tenantPanel).indexOf("Config file") >= 0)
            tryVerify(() => texts(consumerPanel).indexOf("30 of 30 left") >= 0, 5000, JSON.stringify(texts(consumerPanel)))
            compare(findOne(consumerPanel, "budgetNote").text, "No budget of its own; its tenant's still apply.")
            compare(findOne(page, "tenantPolicyCard").title, "Limits & budget of acme")

            // Another consumer: its own (none), not billing's.
            const search = rowWith(findOne(page, "consumersTable"), "search")
            mouseClick(search, 40, search.height / 2)
            tryCompare(consumerPanel, "scopeId", "acme/search")
            tryCompare(findOne(consumerPanel, "limitNote"), "text", "No rate limits of its own; its tenant's still apply.")
        }
    }
}
