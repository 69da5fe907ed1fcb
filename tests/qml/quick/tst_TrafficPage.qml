// TrafficPage: rows of the three traffic lists from the API's JSON (circuits as coloured pills,
// error rates, latency, rate limits and budgets as meters in the right colours), what each empty
// list says to configure, errors in the page's banner, and refreshing: on show, on Refresh and on a
// timer while shown, one request per list at a time.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1200
    height: 1000

    FakeTrafficApi {
        id: api
    }
    Component {
        id: pageComponent
        TrafficPage {
            anchors.fill: parent
            client: api
        }
    }

    readonly property string refused: "cannot connect to provider 'vllm' at http://127.0.0.1:18091/v1: Connection refused "
        + "(the provider did not accept the connection; is the server running and listening on that port?)"
    readonly property var deployments: [
        { deployment: "openai/gpt-4o", provider: "openai", model: "gpt-4o", models: ["gpt-4o", "chat"], circuit: "closed",
          consecutive_failures: 0, window_requests: 25, window_failures: 2, error_rate: 0.08, retry_in_ms: 0,
          successes: 1204, failures: 3, rejected: 0, times_opened: 0, last_failure: "Provider 'openai' answered HTTP 503: overloaded",
          latency_ms: 184.4, latency_samples: 1207 },
        { deployment: "azure/gpt-4o", provider: "azure", model: "gpt-4o", models: ["gpt-4o"], circuit: "half_open",
          consecutive_failures: 5, window_requests: 6, window_failures: 5, error_rate: 0.8333, retry_in_ms: 0,
          successes: 88, failures: 9, rejected: 4, times_opened: 1, last_failure: "timeout", latency_ms: 402, latency_samples: 97 },
        { deployment: "vllm/meta-llama/Llama-3.1-8B-Instruct", provider: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct",
          models: ["llama-3.1-8b"], circuit: "open", consecutive_failures: 3, window_requests: 3, window_failures: 3, error_rate: 1,
          retry_in_ms: 12300, successes: 0, failures: 3, rejected: 7, times_opened: 1, last_failure: refused,
          latency_ms: null, latency_samples: 0 }
    ]
    readonly property var rateLimits: [
        { scope: "tenant", id: "acme", requests_per_minute: 60, tokens_per_minute: 150000, concurrent: null,
          requests_remaining: 45, requests_reset_ms: 15000, tokens_remaining: 149000, tokens_reset_ms: 24000, in_flight: 3 },
        { scope: "consumer", id: "acme/search-app", requests_per_minute: 10, tokens_per_minute: null, concurrent: 2,
          requests_remaining: 0, requests_reset_ms: 6000, tokens_remaining: null, tokens_reset_ms: null, in_flight: 2 }
    ]
    readonly property var budgets: [
        { scope: "tenant", id: "acme", period: "monthly", limit_usd: 100, soft_limit_usd: 80, spent_usd: 42.1, reserved_usd: 0.35,
          remaining_usd: 57.55, period_start: "2024-05-01T00:00:00Z", resets_at: "2024-06-01T00:00:00Z",
          soft_threshold_reached: false, loaded: true },
        { scope: "consumer", id: "acme/search-app", period: "daily", limit_usd: 5, soft_limit_usd: 4, spent_usd: 4.2, reserved_usd: 0,
          remaining_usd: 0.8, period_start: "2024-05-20T00:00:00Z", resets_at: "2024-05-21T00:00:00Z",
          soft_threshold_reached: true, loaded: true },
        { scope: "key", id: "gk-AbCdEf1", period: "total", limit_usd: 20, soft_limit_usd: null, spent_usd: 20, reserved_usd: 0,
          remaining_usd: 0, period_start: "1970-01-01T00:00:00Z", resets_at: null, soft_threshold_reached: true, loaded: true }
    ]

    GovernanceTestCase {
        name: "TrafficPage"

        function init() {
            api.lists = { deployments: root.deployments, "rate-limits": root.rateLimits, budgets: root.budgets }
            api.failures = {}
            api.sent = []
            api.queue = []
            api.holding = false
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
        function rowsNamed(page, name, count) {
            tryVerify(() => findAll(page, name).filter(r => r.visible).length === count, 5000,
                name + " should be shown " + count + " times, is " + findAll(page, name).filter(r => r.visible).length)
            return findAll(page, name).filter(r => r.visible).sort((a, b) => a.y - b.y)
        }
        function fillColours(row) {
            return findAll(row, "meterFill").filter(f => f.parent.visible).map(f => f.color)
        }

        function test_deploymentsShowTheirHealth() {
            const page = createPage()
            const table = findOne(page, "deploymentTable")
            rowsOf(table, 3)
            const closed = texts(rowWith(table, "openai/gpt-4o"))
            for (const expected of ["gpt-4o, chat", "Closed", "8.0 % (2/25)", "184 ms", "1,204 / 3", "Provider 'openai' answered HTTP 503: overloaded"])
                verify(closed.indexOf(expected) >= 0, expected + " in " + JSON.stringify(closed))
            const halfOpen = texts(rowWith(table, "azure/gpt-4o"))
            verify(halfOpen.indexOf("Half-open") >= 0, JSON.stringify(halfOpen))
            verify(halfOpen.indexOf("83 % (5/6)") >= 0, JSON.stringify(halfOpen))
            const open = rowWith(table, "vllm/meta-llama/Llama-3.1-8B-Instruct")
            const shown = texts(open)
            verify(shown.indexOf("Open · retry in 13 s") >= 0, JSON.stringify(shown))
            verify(shown.indexOf("—") >= 0, "no latency yet: " + JSON.stringify(shown))
            verify(shown.indexOf("0 / 3") >= 0, JSON.stringify(shown))
            // The pills' colours: green, amber, red.
            const pills = [rowWith(table, "openai/gpt-4o"), rowWith(table, "azure/gpt-4o"), open].map(row => pillOf(row, /^(Closed|Half-open|Open)/))
            verify(Qt.colorEqual(pills[0].color, Theme.successSoft))
            verify(Qt.colorEqual(pills[1].color, Theme.warningSoft))
            verify(Qt.colorEqual(pills[2].color, Theme.dangerSoft))
            // The long failure is elided; the cell shows all of it in a tooltip when hovered.
            const failure = labelWith(open, root.refused)
            tryVerify(() => failure.truncated, 5000, "the last failure should be elided")
        }

        function test_rateLimitsShowWhatIsLeft() {
            const page = createPage()
            const rows = rowsNamed(page, "rateLimitRow", 2)
            const tenant = texts(rows[0])
            for (const expected of ["Tenant", "acme", "45 / 60", "resets in 15 s", "149,000 / 150,000", "resets in 24 s", "no limit", "3"])
                verify(tenant.indexOf(expected) >= 0, expected + " in " + JSON.stringify(tenant))
            const consumer = texts(rows[1])
            for (const expected of ["Consumer", "acme/search-app", "0 / 10", "resets in 6 s", "no limit", "0 / 2", "2"])
                verify(consumer.indexOf(expected) >= 0, expected + " in " + JSON.stringify(consumer))
            // A quarter of the tenant's requests are used: a quarter of the bar, in the accent colour.
            const fill = findAll(rows[0], "meterFill")[0]
            tryVerify(() => fill.parent.width > 0)
            fuzzyCompare(fill.width / fill.parent.width, 0.25, 0.02)
            verify(Qt.colorEqual(fill.color, Theme.accent))
            // Nothing left: red and full.
            const exhausted = fillColours(rows[1])
            compare(exhausted.length, 2)
            verify(exhausted.every(c => Qt.colorEqual(c, Theme.danger)), String(exhausted))
        }

        function test_budgetsShowSpendingInTheirColours() {
            const page = createPage()
            const rows = rowsNamed(page, "budgetRow", 3)
            const monthly = texts(rows[0])
            for (const expected of ["Tenant", "acme", "Monthly budget", "$42.10 of $100.00", "alert at $80.00", "$0.35", "2024-06-01 00:00 UTC"])
                verify(monthly.indexOf(expected) >= 0, expected + " in " + JSON.stringify(monthly))
            verify(Qt.colorEqual(fillColours(rows[0])[0], Theme.accent))
            const daily = texts(rows[1])
            verify(daily.indexOf("$4.20 of $5.00") >= 0, JSON.stringify(daily))
            verify(Qt.colorEqual(fillColours(rows[1])[0], Theme.warning), "amber past the soft threshold")
            const total = texts(rows[2])
            for (const expected of ["Key", "gk-AbCdEf1", "Total budget", "$20.00 of $20.00", "used up: calls are refused", "Never", "a total budget"])
                verify(total.indexOf(expected) >= 0, expected + " in " + JSON.stringify(total))
            verify(Qt.colorEqual(fillColours(rows[2])[0], Theme.danger), "red when nothing is left")
        }

        function test_emptyListsSayWhatToConfigure() {
            api.lists = { deployments: [], "rate-limits": [], budgets: [] }
            const page = createPage()
            const table = findOne(page, "deploymentTable")
            tryVerify(() => hasText(table, "No deployments. Add a model on the Providers & Models page, or under models in the configuration file — see docs/config.md."),
                5000, JSON.stringify(texts(table)))
            tryCompare(findOne(findOne(page, "rateLimitsCard"), "sectionEmpty"), "text",
                "No rate limits. Add them under policy.limits in the configuration file, or as limits on a model — see docs/config.md.")
            tryCompare(findOne(findOne(page, "budgetsCard"), "sectionEmpty"), "text", "No budgets. Add them under policy.budgets in the configuration file — see docs/config.md.")
            verify(findOne(findOne(page, "budgetsCard"), "sectionEmpty").visible)
            verify(!findOne(page, "trafficError").visible)
        }

        function test_errorsShowInTheBanner() {
            const unknown = path => "Unknown admin path /admin/v1/traffic/" + path + ". GET /admin/v1/openapi.json lists every path (a '/' inside a model name is sent as %2F)."
            api.failures = { deployments: { status: 404, message: unknown("deployments") }, "rate-limits": { status: 404, message: unknown("rate-limits") },
                budgets: { status: 404, message: unknown("budgets") } }
            const page = createPage()
            const banner = findOne(page, "trafficError")
            tryCompare(banner, "visible", true)
            compare(banner.title, "Could not load the traffic state")
            compare(banner.message, [unknown("deployments"), unknown("rate-limits"), unknown("budgets"),
                "A gateway older than this console does not report its traffic state."].join("\n"))
            tryCompare(findOne(findOne(page, "budgetsCard"), "sectionEmpty"), "text", "Not available: see the message above.")
            verify(hasText(findOne(page, "deploymentTable"), "Not available: see the message above."))

            // One list fails, the others load; then it recovers on "Try again".
            api.failures = { budgets: { status: 503, message: "The embedded gateway is not running; start it on the Overview page." } }
            click(banner, "Try again")
            rowsOf(findOne(page, "deploymentTable"), 3)
            tryCompare(banner, "message", "The embedded gateway is not running; start it on the Overview page.")
            api.failures = {}
            click(banner, "Try again")
            tryCompare(banner, "visible", false)
            rowsNamed(page, "budgetRow", 3)
        }

        function test_refreshAsksOncePerListAndNeverTwiceAtATime() {
            api.holding = true
            const page = createPage()
            tryVerify(() => api.sent.length === 3, 5000, JSON.stringify(api.sent)) // asked when shown
            compare([api.sentTo("deployments"), api.sentTo("rate-limits"), api.sentTo("budgets")], [1, 1, 1])
            verify(api.sent.every(r => r.method === "GET"))
            verify(page.busy)
            const refresh = findOne(page, "refreshButton")
            verify(!refresh.enabled, "no Refresh while the lists are being asked for")
            verify(!page.refresh(), "nothing asked while every list waits")
            compare(api.sent.length, 3)

            api.release()
            tryCompare(page, "busy", false)
            tryCompare(refresh, "enabled", true)
            verify(findOne(page, "updatedLabel").visible)
            click(page, "Refresh")
            tryVerify(() => api.sent.length === 6, 5000, JSON.stringify(api.sent))
            compare([api.sentTo("deployments"), api.sentTo("rate-limits"), api.sentTo("budgets")], [2, 2, 2])
        }

        function test_theTimerRefreshesOnlyWhileThePageIsShown() {
            const page = createPage()
            const timer = findOne(page, "refreshTimer")
            compare(timer.interval, 5000)
            verify(timer.running)
            tryVerify(() => api.sent.length === 3)
            page.refreshInterval = 50
            tryVerify(() => api.sentTo("budgets") >= 3, 5000, JSON.stringify(api.sent))

            page.visible = false
            verify(!timer.running)
            const before = api.sent.length
            api.changed() // a change made elsewhere: not asked for while hidden
            tryVerify(() => !page.busy)
            compare(api.sent.length, before)

            page.visible = true
            verify(timer.running)
            tryVerify(() => api.sent.length >= before + 3, 5000, "shown again: asked at once")
        }

        function test_aChangeMadeThroughTheClientRefreshes() {
            const page = createPage()
            rowsNamed(page, "budgetRow", 3)
            api.lists = { deployments: root.deployments, "rate-limits": root.rateLimits, budgets: root.budgets.slice(0, 1) }
            api.changed()
            rowsNamed(page, "budgetRow", 1)
        }

        // The StatusPill under `item` whose text matches.
        function pillOf(item, pattern) {
            const children = item.children || []
            for (let i = 0; i < children.length; ++i) {
                const child = children[i]
                if (child.tone !== undefined && pattern.test(child.text) && child.visible)
                    return child
                const inner = pillOf(child, pattern)
                if (inner)
                    return inner
            }
            return null
        }
        function labelWith(item, text) {
            const children = item.children || []
            for (let i = 0; i < children.length; ++i) {
                const child = children[i]
                if (child.text === text && child.truncated !== undefined)
                    return child
                const inner = labelWith(child, text)
                if (inner)
                    return inner
            }
            return null
        }
    }
}
