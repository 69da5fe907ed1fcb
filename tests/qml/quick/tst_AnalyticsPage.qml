// AnalyticsPage and the Overview's DashboardStrip against a stand-in analytics API: the charts,
// legends and totals of the series, the ranges and dimensions asked for, the custom range, the CSV
// export, errors in the banner (never an empty chart without a word), and the dashboard's ticks:
// everything at once, never a second request of a kind while one is on its way.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1280
    height: 1100

    // A stand-in for the AdminClient: series, top lists and budgets made up from the templates below
    // for whatever range is asked, answered later (never inside request()), as the real clients do.
    // `holding` keeps the answers back until release().
    QtObject {
        id: api

        // Points of the series by the page's dimension: `bucket` counts from the range's first bucket
        // (negative: from its last), `group` indexes the dimension's names.
        property var points: []
        // Points of the Overview's series: per minute (the last 15 minutes) and per day (today).
        property var minutePoints: []
        property var dayPoints: []
        property var top: ({ model: [], consumer: [] })
        property var budgets: []
        property string csv: ""
        // (path, query) => {status, message} to fail that request, or null.
        property var failWith: null
        // (path, query) => a body to answer instead of the made-up one (a broken answer), or null.
        property var answerWith: null
        property var sent: []
        property bool holding: false

        readonly property var names: ({
            model: ["gpt-4o", "claude-sonnet"], tenant: ["acme", "globex"], consumer: ["acme/search", "globex/support"],
            key: ["gk-AbCd", "gk-EfGh"], deployment: ["openai/gpt-4o", "anthropic/claude"]
        })

        signal changed()

        property var queue: []
        property Timer deliverer: Timer {
            interval: 0
            onTriggered: api.deliver()
        }

        function deliver() {
            if (holding)
                return
            const due = queue
            queue = []
            for (let i = 0; i < due.length; ++i)
                due[i].callback(due[i].reply)
        }
        function release() {
            holding = false
            deliverer.restart()
        }
        function parse(target) {
            const [path, search] = target.split("?")
            const query = {}
            for (const part of (search || "").split("&").filter(p => p.length > 0)) {
                const [name, value] = part.split("=")
                query[decodeURIComponent(name)] = decodeURIComponent(value || "")
            }
            return { path: path, query: query }
        }
        // The requests sent to `path` (all when empty), parsed.
        function sentTo(path) {
            return sent.map(r => parse(r.target)).filter(r => !path || r.path === path)
        }
        function granularityOf(query) {
            if (query.granularity)
                return query.granularity
            const span = Number(query.until_ms) - Number(query.since_ms)
            return span <= 6 * 3600000 ? "minute" : span <= 8 * 86400000 ? "hour" : "day"
        }
        function series(query) {
            const granularity = granularityOf(query)
            const step = ({ minute: 60000, hour: 3600000, day: 86400000 })[granularity]
            const since = Math.floor(Number(query.since_ms) / step) * step
            const until = Number(query.until_ms)
            const buckets = Math.max(1, Math.ceil((until - since) / step))
            const template = query.granularity === "minute" ? minutePoints : query.granularity === "day" ? dayPoints : points
            const byBucket = {}
            for (const p of template) {
                const index = p.bucket < 0 ? buckets + p.bucket : p.bucket
                const group = query.group_by ? names[query.group_by][p.group || 0] : ""
                const key = index + "/" + group
                const point = byBucket[key] || { bucket_ms: since + index * step, bucket: "", group: group, requests: 0, errors: 0,
                    prompt_tokens: 0, completion_tokens: 0, cost_usd: 0, latency_p50_ms: null, latency_p95_ms: null, latency_p99_ms: null }
                point.requests += p.requests
                point.errors += p.errors || 0
                point.prompt_tokens += p.prompt_tokens || 0
                point.completion_tokens += p.completion_tokens || 0
                point.cost_usd += p.cost_usd || 0
                for (const field of ["latency_p50_ms", "latency_p95_ms", "latency_p99_ms"])
                    point[field] = Math.max(point[field] || 0, p[field] || 0)
                point.error_rate = point.errors / point.requests
                byBucket[key] = point
            }
            const data = Object.keys(byBucket).map(key => byBucket[key]).sort((a, b) => a.bucket_ms - b.bucket_ms || (a.group < b.group ? -1 : 1))
            return { granularity: granularity, group_by: query.group_by || null, since_ms: since, until_ms: until, data: data }
        }

        function request(method, target, body, callback) {
            sent = sent.concat([{ method: method, target: target }])
            const { path, query } = parse(target)
            const failure = failWith ? failWith(path, query) : null
            const replaced = answerWith ? answerWith(path, query) : null
            let reply
            if (failure) {
                reply = { status: failure.status, ok: false, error: failure.message, text: "",
                    body: { error: { message: failure.message, type: "invalid_request_error", param: null, code: "x" } } }
            } else if (replaced) {
                reply = { status: 200, ok: true, error: "", text: "", body: replaced }
            } else if (path === "/admin/v1/analytics/series" && query.format === "csv") {
                reply = { status: 200, ok: true, error: "", text: csv, body: null }
            } else if (path === "/admin/v1/analytics/series") {
                reply = { status: 200, ok: true, error: "", text: "", body: series(query) }
            } else if (path === "/admin/v1/analytics/top") {
                reply = { status: 200, ok: true, error: "", text: "", body: { by: query.by, metric: query.metric, data: JSON.parse(JSON.stringify(top[query.by] || [])) } }
            } else if (path === "/admin/v1/traffic/budgets") {
                reply = { status: 200, ok: true, error: "", text: "", body: { data: JSON.parse(JSON.stringify(budgets)) } }
            } else {
                reply = { status: 404, ok: false, error: "no such endpoint: " + target, text: "", body: {} }
            }
            queue = queue.concat([{ callback: callback, reply: reply }])
            deliverer.restart()
        }
    }

    Component {
        id: pageComponent
        AnalyticsPage {
            anchors.fill: parent
            client: api
        }
    }
    Component {
        id: stripComponent
        DashboardStrip {
            width: root.width
            client: api
        }
    }

    // Two models, the last bucket and the third from last: $0.40, 20 calls, 2,580 tokens, 3 errors.
    readonly property var seriesPoints: [
        { bucket: -1, group: 0, requests: 10, errors: 1, cost_usd: 0.25, prompt_tokens: 1000, completion_tokens: 200,
          latency_p50_ms: 300, latency_p95_ms: 900, latency_p99_ms: 1500 },
        { bucket: -3, group: 0, requests: 4, errors: 0, cost_usd: 0.1, prompt_tokens: 400, completion_tokens: 80,
          latency_p50_ms: 250, latency_p95_ms: 700, latency_p99_ms: 800 },
        { bucket: -1, group: 1, requests: 6, errors: 2, cost_usd: 0.05, prompt_tokens: 600, completion_tokens: 300,
          latency_p50_ms: 410, latency_p95_ms: 1200, latency_p99_ms: 2100 }
    ]

    GovernanceTestCase {
        name: "AnalyticsPage"

        function init() {
            api.points = root.seriesPoints
            api.failWith = null
            api.answerWith = null
            api.csv = ""
            api.sent = []
            api.queue = []
            api.holding = false
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            tryVerify(() => !isNaN(page.updatedAt), 5000, "the page was never answered")
            return page
        }
        function lastSeries(grouped) {
            const requests = api.sentTo("/admin/v1/analytics/series").filter(r => !!r.query.group_by === grouped && !r.query.format)
            verify(requests.length > 0)
            return requests[requests.length - 1].query
        }
        function legendOf(card) {
            return findAll(card, "legendEntry").filter(e => e.visible).map(e => texts(e).join(" "))
        }

        function test_chartsShowTheSeries() {
            const page = createPage()
            // One request by model, one of all calls, for the last 24 hours.
            compare(api.sentTo("/admin/v1/analytics/series").length, 2)
            const grouped = lastSeries(true)
            compare(grouped.group_by, "model")
            compare(Number(grouped.until_ms) - Number(grouped.since_ms), 24 * 3600 * 1000)
            compare(lastSeries(false).since_ms, grouped.since_ms)

            tryCompare(findOne(page, "costChart"), "seriesCount", 2)
            compare(findOne(page, "tokensChart").seriesCount, 2)
            compare(findOne(page, "latencyChart").seriesCount, 3)
            compare(findOne(page, "errorsChart").seriesCount, 1)
            for (const name of ["costChart", "tokensChart", "latencyChart", "errorsChart"])
                compare(findOne(page, name).emptyText, "", name + " shows its data")

            // Largest first, with the range's totals; the tokens chart ranks (and colours) alike.
            compare(legendOf(findOne(page, "costCard")), ["gpt-4o $0.35", "claude-sonnet $0.05"])
            compare(legendOf(findOne(page, "tokensCard")), ["gpt-4o 1,680", "claude-sonnet 900"])
            compare(legendOf(findOne(page, "latencyCard")), ["p50", "p95", "p99"])
            const totals = texts(findOne(page, "totals"))
            for (const expected of ["$0.40", "20", "2,580", "3", "Errors (15 %)"])
                verify(totals.indexOf(expected) >= 0, expected + " in " + JSON.stringify(totals))
            verify(!findOne(page, "analyticsError").visible)

            // The stack: the areas reach the top of their band, the first model's at the bottom.
            const cost = findOne(page, "costSeries")
            compare(cost.bucketCount, 25)
            compare(cost.value(0, 24), 0.25)
            compare(cost.value(1, 24), 0.05)
            compare(cost.value(0, 23), 0, "a bucket without calls is 0")
        }

        function test_theRangeAndTheDimensionAreAskedFor() {
            const page = createPage()
            for (const [button, hours] of [["7d", 7 * 24], ["1h", 1], ["30d", 30 * 24], ["24h", 24]]) {
                const before = api.sent.length
                click(page, button)
                tryVerify(() => api.sent.length === before + 2, 5000, button + ": " + JSON.stringify(api.sent.slice(before)))
                const query = lastSeries(true)
                compare(Number(query.until_ms) - Number(query.since_ms), hours * 3600 * 1000, button)
                compare(lastSeries(false).until_ms, query.until_ms)
            }
            tryVerify(() => !page.busy)

            const choice = findOne(page, "groupByChoice")
            choice.currentIndex = 1
            choice.activated(1)
            tryCompare(page, "groupBy", "tenant")
            tryVerify(() => lastSeries(true).group_by === "tenant")
            tryVerify(() => legendOf(findOne(page, "costCard")).join() === "acme $0.35,globex $0.05", 5000,
                JSON.stringify(legendOf(findOne(page, "costCard"))))
            compare(findOne(page, "costCard").title, "Cost by tenant")
        }

        function test_aCustomRangeIsAskedOnceItIsOne() {
            const page = createPage()
            tryVerify(() => !page.busy)
            const timer = findOne(page, "refreshTimer")
            verify(timer.running)
            click(page, "Custom")
            compare(page.range, "custom")
            verify(!timer.running, "a range in the past does not change")
            const before = api.sent.length
            const from = findOne(page, "rangeFrom")
            const to = findOne(page, "rangeTo")
            const problem = findOne(page, "rangeProblem")
            compare(problem.text, "Choose where the range starts.")

            // Each field is taken when typing ends (focus leaving a field ends it too).
            typeInto(to, "2026-12-01 00:00")
            to.editingFinished()
            typeInto(from, "yesterday")
            from.editingFinished()
            compare(problem.text, "Write times as YYYY-MM-DD HH:MM.")
            typeInto(from, "2026-12-02 00:00")
            from.editingFinished()
            compare(problem.text, "The range must end after it starts.")
            wait(50)
            compare(api.sent.length, before, "nothing asked for a range that is not one")

            typeInto(to, "2026-12-03 12:00")
            to.editingFinished()
            compare(problem.text, "")
            tryVerify(() => api.sent.length === before + 2)
            const query = lastSeries(true)
            compare(Number(query.since_ms), new Date(2026, 11, 2, 0, 0).getTime())
            compare(Number(query.until_ms), new Date(2026, 11, 3, 12, 0).getTime())
            // The made-up calls are at its end: the charts show them.
            tryCompare(findOne(page, "costChart"), "seriesCount", 2)
        }

        function test_failuresAreSaidInTheBanner() {
            const unknown = "Unknown admin path /admin/v1/analytics/series. GET /admin/v1/openapi.json lists every path (a '/' inside a model name is sent as %2F)."
            api.failWith = (path, query) => path === "/admin/v1/analytics/series" ? { status: 404, message: unknown } : null
            const page = createPage()
            const banner = findOne(page, "analyticsError")
            tryCompare(banner, "visible", true)
            compare(banner.title, "Could not load the analytics")
            compare(banner.message, unknown + "\nA gateway older than this console does not report analytics.")
            for (const name of ["costChart", "tokensChart", "latencyChart", "errorsChart"]) {
                compare(findOne(page, name).emptyText, "Not available: see the message above.", name)
                compare(findOne(page, name).seriesCount, 0, name)
            }
            verify(!findOne(page, "exportCsv").enabled, "nothing to export")

            // One of the two fails: the other's charts show, the banner says why the rest do not.
            api.failWith = (path, query) => !query.group_by ? { status: 0, message: "cannot connect to http://127.0.0.1:1: Connection refused" } : null
            click(banner, "Try again")
            tryCompare(banner, "message", "cannot connect to http://127.0.0.1:1: Connection refused")
            tryCompare(findOne(page, "costChart"), "seriesCount", 2)
            compare(findOne(page, "latencyChart").emptyText, "Not available: see the message above.")

            api.failWith = null
            click(banner, "Try again")
            tryCompare(banner, "visible", false)
            tryCompare(findOne(page, "latencyChart"), "seriesCount", 3)
        }

        function test_anAnswerThatIsNotASeriesIsSaid() {
            api.answerWith = (path, query) => query.group_by ? { granularity: "hour", since_ms: 0, until_ms: 3600000 } : null
            const page = createPage()
            const banner = findOne(page, "analyticsError")
            tryCompare(banner, "visible", true)
            compare(banner.message, "The admin API's series answer cannot be shown: it has no \"data\" list")
            compare(findOne(page, "costChart").emptyText, "Not available: see the message above.")
            tryCompare(findOne(page, "latencyChart"), "seriesCount", 3)
        }

        function test_aRangeWithoutCallsSaysSo() {
            api.points = []
            const page = createPage()
            for (const name of ["costChart", "tokensChart", "latencyChart", "errorsChart"])
                tryCompare(findOne(page, name), "emptyText", "No calls in the last 24h.")
            verify(!findOne(page, "analyticsError").visible)
            verify(texts(findOne(page, "totals")).indexOf("$0.00") >= 0)

            // Calls that cost nothing (models without a price) are not "no calls".
            api.points = [{ bucket: -1, group: 0, requests: 3 }]
            click(page, "Refresh")
            tryCompare(findOne(page, "costChart"), "emptyText", "The calls cost nothing: their models have no price (docs/pricing.md).")
            tryCompare(findOne(page, "tokensChart"), "emptyText", "")
        }

        function test_errorsAsACountOrARate() {
            const page = createPage()
            const chart = findOne(page, "errorsChart")
            tryCompare(chart, "seriesCount", 1)
            verify(chart.stacked)
            compare(findOne(page, "overallSeries").metric, "errors")
            click(page, "Rate")
            compare(findOne(page, "errorsCard").title, "Error rate")
            verify(!chart.stacked)
            compare(findOne(page, "overallSeries").metric, "error_rate")
            compare(chart.seriesCount, 1)
            compare(findOne(page, "overallSeries").value(0, 24), 0.1875) // the last bucket: 3 errors of 16 calls
            click(page, "Count")
            compare(findOne(page, "overallSeries").metric, "errors")
        }

        function test_theShownSeriesIsExportedAsTheApisCsv() {
            api.csv = "bucket_ms,bucket,group,requests\n1,a,gpt-4o,10\n2,b,claude-sonnet,6\n"
            const page = createPage()
            tryVerify(() => findOne(page, "exportCsv").enabled)
            const written = []
            page.writeFile = (fileUrl, text, done) => {
                written.push({ file: String(fileUrl), text: text })
                done("")
            }
            page.exportTo("file:///tmp/series%20export.csv")
            tryCompare(page, "exporting", false)
            compare(written.length, 1)
            compare(written[0].text, api.csv)
            compare(page.exportText, "Saved 2 points to /tmp/series export.csv")
            verify(findOne(page, "exportStatus").visible)
            // The very range and dimension shown.
            const csv = api.sentTo("/admin/v1/analytics/series").filter(r => r.query.format === "csv")
            compare(csv.length, 1)
            const shown = lastSeries(true)
            compare(csv[0].query.since_ms, shown.since_ms)
            compare(csv[0].query.until_ms, shown.until_ms)
            compare(csv[0].query.group_by, "model")

            // The file cannot be written; the API refuses; nothing to export.
            page.writeFile = (fileUrl, text, done) => done("cannot write /nope/x.csv: No such file or directory")
            page.exportTo("file:///nope/x.csv")
            tryCompare(page, "exportText", "Export failed: cannot write /nope/x.csv: No such file or directory")
            verify(page.exportFailed)
            api.failWith = (path, query) => query.format === "csv" ? { status: 400, message: "'xml' is not a format; use json or csv" } : null
            page.exportTo("file:///tmp/x.csv")
            tryCompare(page, "exportText", "Export failed: 'xml' is not a format; use json or csv")
            api.failWith = null
            api.csv = ""
            page.exportTo("file:///tmp/x.csv")
            tryCompare(page, "exportText", "Export failed: there were no calls in this range")
        }

        function test_refreshingNeverPilesUp() {
            api.holding = true
            const page = createHeldPage()
            tryVerify(() => api.sent.length === 2)
            verify(page.busy)
            verify(!page.refresh(false), "a timer's refresh waits for the answers on their way")
            compare(api.sent.length, 2)
            verify(!findOne(page, "refreshButton").enabled)
            // A new question replaces the one on its way: only its answer counts.
            click(page, "7d")
            tryVerify(() => api.sent.length === 4)
            api.release()
            tryCompare(page, "busy", false)
            compare(findOne(page, "costSeries").granularity, "hour")
            compare(findOne(page, "costSeries").bucketCount, 169)

            const timer = findOne(page, "refreshTimer")
            compare(timer.interval, 30000)
            page.refreshInterval = 50
            tryVerify(() => api.sent.length >= 8, 5000)
            page.visible = false
            verify(!timer.running)
        }
        function createHeldPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
    }

    GovernanceTestCase {
        name: "DashboardStrip"

        function init() {
            api.minutePoints = [
                { bucket: -2, requests: 120, errors: 6, latency_p50_ms: 200, latency_p95_ms: 800 },
                { bucket: -5, requests: 60, errors: 0, latency_p50_ms: 180, latency_p95_ms: 500 }
            ]
            api.dayPoints = [{ bucket: 0, requests: 1204, errors: 12, cost_usd: 12.41 }]
            api.top = {
                model: [{ group: "gpt-4o", cost_usd: 10.2, requests: 900 }, { group: "claude-sonnet", cost_usd: 2.21, requests: 304 }],
                consumer: [{ group: "acme/search", cost_usd: 8, requests: 700 }, { group: "", cost_usd: 0, requests: 3 }]
            }
            api.budgets = [
                { scope: "tenant", id: "acme", period: "monthly", limit_usd: 100, soft_limit_usd: 80, spent_usd: 42.1, reserved_usd: 0,
                  remaining_usd: 57.9, period_start: "2026-12-01T00:00:00Z", resets_at: "2027-01-01T00:00:00Z", soft_threshold_reached: false, loaded: true },
                { scope: "key", id: "gk-AbCd", period: "daily", limit_usd: 5, soft_limit_usd: null, spent_usd: 1, reserved_usd: 0,
                  remaining_usd: 4, period_start: "2026-12-04T00:00:00Z", resets_at: "2026-12-05T00:00:00Z", soft_threshold_reached: false, loaded: true },
                { scope: "tenant", id: "globex", period: "daily", limit_usd: 2.5, soft_limit_usd: 1.5, spent_usd: 1.8, reserved_usd: 0,
                  remaining_usd: 0.7, period_start: "2026-12-04T00:00:00Z", resets_at: "2026-12-05T00:00:00Z", soft_threshold_reached: true, loaded: true },
                { scope: "tenant", id: "initech", period: "weekly", limit_usd: 1, soft_limit_usd: null, spent_usd: 1.05, reserved_usd: 0,
                  remaining_usd: 0, period_start: "2026-11-30T00:00:00Z", resets_at: "2026-12-07T00:00:00Z", soft_threshold_reached: true, loaded: true }
            ]
            api.failWith = null
            api.answerWith = null
            api.sent = []
            api.queue = []
            api.holding = false
        }
        function createStrip(properties) {
            const strip = createTemporaryObject(stripComponent, root, properties || {})
            verify(strip)
            return strip
        }

        function test_theLastMinutesAndToday() {
            const strip = createStrip()
            tryVerify(() => !isNaN(strip.updatedAt), 5000)
            const now = Date.now()
            // Everything at once: two series, two top lists, the budgets.
            compare(api.sent.length, 5)
            const series = api.sentTo("/admin/v1/analytics/series")
            const minutes = series.find(r => r.query.granularity === "minute").query
            compare(Number(minutes.until_ms) - Number(minutes.since_ms), 15 * 60000)
            const day = series.find(r => r.query.granularity === "day").query
            compare(Number(day.since_ms) % 86400000, 0, "today is the UTC day")
            verify(now - Number(day.since_ms) < 86400000)
            const tops = api.sentTo("/admin/v1/analytics/top")
            compare(tops.map(r => r.query.by).sort(), ["consumer", "model"])
            verify(tops.every(r => r.query.metric === "cost" && r.query.limit === "5" && r.query.since_ms === day.since_ms))

            tryCompare(findOne(findOne(strip, "requestsMetric"), "metricValue"), "text", "0.2/s") // 180 calls in 15 min
            compare(findOne(findOne(strip, "latencyMetric"), "metricValue").text, "200 ms · 800 ms")
            compare(findOne(findOne(strip, "errorRateMetric"), "metricValue").text, "3.3 %")
            verify(hasText(findOne(strip, "errorRateMetric"), "6 of 180 calls"))
            compare(findOne(strip, "requestsChart").seriesCount, 1)
            compare(findOne(strip, "latencyChart").seriesCount, 2)
            compare(findOne(strip, "errorRateChart").seriesCount, 1)
            compare(findOne(strip, "recentSeries").bucketCount, 16)

            compare(findOne(strip, "spendValue").text, "$12.41")
            verify(hasText(findOne(strip, "spendToday"), "1,204 calls"))
            verify(hasText(findOne(strip, "spendToday"), "12 errors"))
            const budgets = findAll(strip, "tenantBudget")
            compare(budgets.length, 3, "only the tenants' budgets")
            verify(hasText(budgets[0], "acme · monthly budget"), JSON.stringify(texts(budgets[0])))
            verify(hasText(budgets[0], "$42.10 of $100"), JSON.stringify(texts(budgets[0])))
            const fill = findOne(budgets[0], "meterFill")
            tryVerify(() => fill.parent.width > 0)
            fuzzyCompare(fill.width / fill.parent.width, 0.421, 0.01)
            verify(Qt.colorEqual(fill.color, Theme.accent))
            // Past its alert: amber; used up: red, and why.
            verify(hasText(budgets[1], "$1.80 of $2.50"), JSON.stringify(texts(budgets[1])))
            verify(Qt.colorEqual(findOne(budgets[1], "meterFill").color, Theme.warning))
            verify(hasText(budgets[2], "$1.05 of $1 · used up"), JSON.stringify(texts(budgets[2])))
            verify(Qt.colorEqual(findOne(budgets[2], "meterFill").color, Theme.danger))

            const models = findAll(findOne(strip, "topModels"), "topEntry").map(e => texts(e).join(" "))
            compare(models, ["gpt-4o $10.20", "claude-sonnet $2.21"])
            const consumers = findAll(findOne(strip, "topConsumers"), "topEntry").map(e => texts(e).join(" "))
            compare(consumers, ["acme/search $8", "(no consumer) $0"])
            verify(!findOne(strip, "dashboardError").visible)
        }

        function test_oneTickAsksForEverythingOnceAndOnlyWhileRunning() {
            const strip = createStrip({ running: false })
            const timer = findOne(strip, "dashboardTimer")
            verify(!timer.running)
            wait(50)
            compare(api.sent.length, 0, "nothing asked while the gateway is not running")
            compare(findOne(strip, "requestsChart").emptyText, "Shown once the gateway runs.")
            verify(hasText(findOne(strip, "topModels"), "Once the gateway runs."))

            api.holding = true
            strip.running = true
            verify(timer.running)
            compare(timer.interval, 5000)
            tryVerify(() => api.sent.length === 5)
            verify(strip.busy)
            verify(!strip.refresh(), "nothing asked while every answer is on its way")
            compare(api.sent.length, 5)
            api.release()
            tryCompare(strip, "busy", false)

            strip.refreshInterval = 50
            tryVerify(() => api.sent.length >= 15, 5000)
            strip.running = false
            verify(!timer.running)
        }

        function test_failuresAreSaid() {
            api.failWith = (path, query) => path === "/admin/v1/analytics/top"
                ? { status: 400, message: "'cost' is not a metric; use requests, errors, tokens, cost or latency_p95" } : null
            const strip = createStrip()
            const banner = findOne(strip, "dashboardError")
            tryCompare(banner, "visible", true)
            compare(banner.title, "Could not load the dashboard")
            compare(banner.message, "'cost' is not a metric; use requests, errors, tokens, cost or latency_p95")
            compare(findAll(findOne(strip, "topModels"), "topEntry").length, 0)
            tryCompare(findOne(findOne(strip, "requestsMetric"), "metricValue"), "text", "0.2/s")

            api.failWith = null
            click(banner, "Try again")
            tryCompare(banner, "visible", false)
            tryVerify(() => findAll(findOne(strip, "topModels"), "topEntry").length === 2)
        }

        function test_quietMinutesSaySo() {
            api.minutePoints = []
            api.dayPoints = []
            api.top = { model: [], consumer: [] }
            api.budgets = []
            const strip = createStrip()
            tryCompare(findOne(strip, "requestsChart"), "emptyText", "No calls in the last 15 minutes.")
            compare(findOne(findOne(strip, "latencyMetric"), "metricValue").text, "—")
            compare(findOne(findOne(strip, "errorRateMetric"), "metricValue").text, "—")
            compare(findOne(strip, "spendValue").text, "$0.00")
            verify(hasText(findOne(strip, "topModels"), "No calls today."))
            verify(hasText(findOne(strip, "tenantBudgets"), "No tenant budgets: set them on the Tenants & Consumers page."))
        }
    }
}
