// CallLogPage on a real CallLogModel (CallLogFeeder) and a stand-in admin API: the live table, the
// pause (the table holds still, new calls counted, skipped ones named) and resume, the filters, a
// chosen call's detail with its stored payload (or why there is none: capture off, not stored yet,
// a failure), answers for an earlier choice dropped, and "Copy as curl".
import QtQuick
import QtTest
import Gatehouse.Console
import Gatehouse.ConsoleTest

Item {
    id: root
    width: 1280
    height: 1000

    // A stand-in for the AdminClient: GET /admin/v1/calls/{request_id} from `stored`, answered later
    // (never inside request()), as the real clients do. `holding` keeps the answers back until release().
    QtObject {
        id: api

        // request id → the stored call (its payload included); absent: 404.
        property var stored: ({})
        // request id → how many 404s to answer before the stored call (a call not written yet).
        property var missingFirst: ({})
        // A status and message to fail every request with, or null.
        property var failWith: null
        property var sent: []
        property bool holding: false
        property var queue: []
        property Timer deliverer: Timer {
            interval: 0
            onTriggered: api.deliver()
        }

        signal changed()

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
        function request(method, target, body, callback) {
            sent = sent.concat([target])
            const requestId = decodeURIComponent(target.replace("/admin/v1/calls/", ""))
            let reply
            if (failWith) {
                reply = { status: failWith.status, ok: false, error: failWith.message, text: "", body: {} }
            } else if (missingFirst[requestId] > 0 || stored[requestId] === undefined) {
                if (missingFirst[requestId] > 0)
                    missingFirst[requestId] -= 1
                const message = "No call with request id '" + requestId + "' is in the call log."
                reply = { status: 404, ok: false, error: message, text: "",
                    body: { error: { message: message, type: "invalid_request_error", param: "request_id", code: "not_found" } } }
            } else {
                reply = { status: 200, ok: true, error: "", text: "", body: JSON.parse(JSON.stringify(stored[requestId])) }
            }
            queue = queue.concat([{ callback: callback, reply: reply }])
            deliverer.restart()
        }
    }

    CallLogFeeder {
        id: feeder
    }

    Component {
        id: pageComponent
        CallLogPage {
            anchors.fill: parent
            calls: feeder.calls
            client: api
            baseUrl: "http://127.0.0.1:8088"
            models: ["gpt-4o", "claude"]
        }
    }

    readonly property string capturedBody: "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"It's 🙂\"}]}"

    // Oldest first, as the writer hands them over.
    function someCalls() {
        return [
            { request_id: "req-a1", model: "gpt-4o", status: 200, tenant: "acme", consumer: "search", key_prefix: "gk-Ac3x9Q",
              prompt_tokens: 812, completion_tokens: 230, latency_us: 2310000, ttfb_us: 412000, cost_usd: 0.004132 },
            { request_id: "req-b2", model: "gpt-4o", status: 429, error_code: "rate_limit_exceeded", tenant: "acme", consumer: "billing",
              key_prefix: "gk-Bi7mT2" },
            { request_id: "req-c3", model: "claude", status: 502, error_code: "upstream_error", tenant: "globex", consumer: "support-bot",
              key_prefix: "gk-Gs4pW1" }
        ]
    }
    function storedCall(requestId, payload) {
        return { id: 7, request_id: requestId, started_at_ms: Date.now(), endpoint: "/v1/chat/completions", key_prefix: "gk-Ac3x9Q",
            tenant: "acme", consumer: "search", model: "gpt-4o", route: "gpt-4o", provider: "openai", deployment: "gpt-4o-2024-08-06",
            status: 200, error_code: null, stream: false, ttfb_us: 412000, latency_us: 2310000, overhead_us: 180,
            prompt_tokens: 812, completion_tokens: 230, cached_tokens: 512, cache_write_tokens: null, reasoning_tokens: null,
            usage_estimated: false, cost_usd: 0.004132, saved_usd: null, attempts: 1, cache: "miss", client_ip: "10.0.3.7",
            user_agent: "OpenAI/Python 1.55.0", tags: { team: "search", run: "42" }, payload: payload }
    }

    GovernanceTestCase {
        name: "CallLogPage"

        function init() {
            feeder.calls.clear()
            feeder.calls.capacity = 2000
            api.stored = ({})
            api.missingFirst = ({})
            api.failWith = null
            api.sent = []
            api.queue = []
            api.holding = false
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
        function list(page) {
            return findOne(page, "callList")
        }
        // The ids the table shows, top to bottom.
        function shownIds(page) {
            const ids = []
            for (let row = 0; row < page.filter.count; ++row)
                ids.push(page.filter.get(row).request_id)
            return ids
        }
        function rowShowing(page, requestId) {
            const view = list(page)
            let found = null
            tryVerify(() => {
                const rows = view.contentItem.children
                found = null
                for (let i = 0; i < rows.length && !found; ++i)
                    found = rows[i].requestId === requestId && rows[i].visible ? rows[i] : null
                return found !== null
            }, 5000, "no row shows " + requestId)
            return found
        }
        function chooseCall(page, requestId) {
            const row = rowShowing(page, requestId)
            waitForItemPolished(row)
            mouseClick(row)
            tryCompare(page, "selectedRequestId", requestId)
            return page.detail
        }
        function detailValues(page) {
            return findAll(page.detail, "detailValue").map(label => label.text)
        }

        function test_theTableShowsTheLiveLogNewestFirst() {
            feeder.add(root.someCalls())
            const page = createPage()
            tryCompare(list(page), "count", 3)
            compare(shownIds(page), ["req-c3", "req-b2", "req-a1"])
            feeder.add([{ request_id: "req-d4" }])
            tryCompare(list(page), "count", 4)
            compare(shownIds(page)[0], "req-d4")
            verify(!page.detail.visible)
        }

        function test_pauseHoldsTheTableAndResumeShowsTheNewCalls() {
            feeder.add(root.someCalls())
            const page = createPage()
            tryCompare(list(page), "count", 3)
            click(page, "Pause")
            verify(page.filter.paused)
            verify(findOne(page, "pausedNotice").visible)

            feeder.add([{ request_id: "req-d4" }, { request_id: "req-e5", status: 500, error_code: "upstream_error" }])
            compare(list(page).count, 3)
            compare(shownIds(page), ["req-c3", "req-b2", "req-a1"])
            compare(page.filter.newCalls, 2)
            verify(findOne(page, "pausedText").text.indexOf("2 new calls") >= 0, findOne(page, "pausedText").text)

            click(page, "Resume")
            verify(!page.filter.paused)
            tryCompare(list(page), "count", 5)
            compare(shownIds(page), ["req-e5", "req-d4", "req-c3", "req-b2", "req-a1"])
            verify(!findOne(page, "pausedNotice").visible)
        }

        function test_callsBeyondWhatFitsWhilePausedAreNamed() {
            feeder.calls.capacity = 4
            feeder.add(root.someCalls())
            const page = createPage()
            click(page, "Pause")
            const arriving = []
            for (let i = 0; i < 7; ++i)
                arriving.push({ request_id: "req-new-" + i })
            feeder.add(arriving)
            compare(page.filter.newCalls, 7)
            compare(page.filter.skippedCalls, 3)
            const text = findOne(page, "pausedText").text
            verify(text.indexOf("7 new calls") >= 0, text)
            verify(text.indexOf("3 of them are beyond the 4") >= 0, text)
            click(page, "Resume")
            compare(shownIds(page), ["req-new-6", "req-new-5", "req-new-4", "req-new-3"])
        }

        function test_filters() {
            feeder.add(root.someCalls())
            const page = createPage()
            tryCompare(list(page), "count", 3)

            const status = findOne(page, "statusFilter")
            status.currentIndex = 2
            status.activated(2) // "Errors"
            compare(page.filter.status, "error")
            tryCompare(list(page), "count", 2)
            verify(findOne(page, "shownCount").text.indexOf("2 of 3") >= 0, findOne(page, "shownCount").text)

            const model = findOne(page, "modelFilter")
            model.currentIndex = 2
            model.activated(2) // "claude"
            compare(shownIds(page), ["req-c3"])

            click(page, "Clear filters")
            tryCompare(list(page), "count", 3)
            compare(page.filter.model, "")

            typeInto(findOne(page, "callerFilter"), "BILLING")
            compare(shownIds(page), ["req-b2"])
            typeInto(findOne(page, "callerFilter"), "")
            typeInto(findOne(page, "requestIdFilter"), "a1")
            compare(shownIds(page), ["req-a1"])
            typeInto(findOne(page, "requestIdFilter"), "nothing-like-it")
            tryCompare(list(page), "count", 0)
            waitForItemPolished(list(page))
            verify(hasText(page, "No call in the log matches these filters."), JSON.stringify(texts(page)))
        }

        function test_aChosenCallShowsEveryFieldAndItsPayload() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", {
                request_headers: "content-type: application/json\nuser-agent: OpenAI/Python 1.55.0", request: root.capturedBody,
                request_truncated: false, response_status: 200, response: "{\"id\":\"chatcmpl-1\"}", response_truncated: false }) }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            verify(detail.visible)
            tryCompare(detail, "loadState", "loaded")
            compare(api.sent, ["/admin/v1/calls/req-a1"])

            const values = detailValues(page)
            for (const expected of ["req-a1", "/v1/chat/completions", "openai / gpt-4o-2024-08-06", "acme / search", "gk-Ac3x9Q",
                    "10.0.3.7", "OpenAI/Python 1.55.0", "team=search, run=42", "2.31 s", "412 ms", "180 µs", "812", "230",
                    "512", "$0.004132", "miss"])
                verify(values.indexOf(expected) >= 0, expected + " not in " + JSON.stringify(values))
            verify(findOne(page, "payload").visible)
            verify(findOne(page, "requestHeaders").text.indexOf("user-agent: OpenAI/Python 1.55.0") >= 0)
            verify(findOne(page, "requestBody").text.indexOf("\"content\": \"It's 🙂\"") >= 0, findOne(page, "requestBody").text)
            verify(findOne(page, "responseBody").text.indexOf("chatcmpl-1") >= 0)
            // The row chosen is highlighted.
            verify(rowShowing(page, "req-a1").selected)
            verify(!rowShowing(page, "req-b2").selected)
        }

        function test_aCallWithoutPayloadSaysCaptureIsOff() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", null) }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "loaded")
            verify(!findOne(page, "payload").visible)
            const status = findOne(page, "payloadStatus")
            verify(status.visible)
            verify(status.text.indexOf("Payload capture is off for this model") >= 0, status.text)
        }

        function test_aCallNotStoredYetIsAskedForOnceMore() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", null) }
            api.missingFirst = { "req-a1": 1 }
            const page = createPage()
            page.detail.retryDelay = 0
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "loaded")
            compare(api.sent.length, 2)
        }

        function test_aCallNeverStoredSaysSoWithTheLiveFields() {
            feeder.add(root.someCalls())
            const page = createPage()
            page.detail.retryDelay = 0
            const detail = chooseCall(page, "req-b2")
            tryCompare(detail, "loadState", "missing")
            compare(api.sent.length, 2) // asked once more, then it says so
            const status = findOne(page, "payloadStatus")
            verify(status.text.indexOf("not in the call log's database") >= 0, status.text)
            // The live log's fields are still shown.
            verify(detailValues(page).indexOf("429 · rate_limit_exceeded") >= 0, JSON.stringify(detailValues(page)))
            // And "Copy as curl" says it could not read the payload.
            click(page, "Copy as curl")
            verify(detail.curlNote.indexOf("could not be read") >= 0, detail.curlNote)
        }

        function test_aFailureShowsTheApisMessage() {
            feeder.add(root.someCalls())
            api.failWith = { status: 500, message: "store_error: database is locked" }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "failed")
            const banner = findOne(page, "detailError")
            verify(banner.visible)
            compare(banner.message, "store_error: database is locked")
            compare(api.sent.length, 1) // only a 404 is asked again

            api.failWith = null
            api.stored = { "req-a1": root.storedCall("req-a1", null) }
            click(banner, "Try again")
            tryCompare(detail, "loadState", "loaded")
        }

        function test_anAnswerForAnEarlierChoiceIsDropped() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", null), "req-c3": root.storedCall("req-c3", null) }
            api.holding = true
            const page = createPage()
            chooseCall(page, "req-a1")
            chooseCall(page, "req-c3")
            api.release()
            tryCompare(page.detail, "loadState", "loaded")
            compare(page.detail.stored.request_id, "req-c3")
            compare(page.detail.title, "Call req-c3")
        }

        function test_theChosenCallStaysWhileTheTableMovesAndCloses() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", null) }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "loaded")
            feeder.calls.capacity = 1
            feeder.add([{ request_id: "req-d4" }]) // req-a1 leaves the log
            tryCompare(list(page), "count", 1)
            compare(page.selectedRequestId, "req-a1")
            verify(detail.visible)
            click(detail, "Close")
            verify(!detail.visible)
            compare(page.selectedCall, null)
        }

        function test_copyAsCurlPutsTheCapturedRequestOnTheClipboard() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", {
                request_headers: "", request: root.capturedBody, request_truncated: false,
                response_status: 200, response: "{}", response_truncated: false }) }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "loaded")
            click(detail, "Copy as curl")
            const command = Clipboard.text()
            compare(command, detail.curlCommand)
            compare(command, "curl http://127.0.0.1:8088/v1/chat/completions \\\n"
                + "  -H \"Authorization: Bearer $GATEHOUSE_API_KEY\" \\\n"
                + "  -H 'Content-Type: application/json' \\\n"
                + "  -d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"It'\\''s 🙂\"}]}'")
            compare(detail.curlNote, "")
            verify(!findOne(page, "curlNote").visible)
        }

        function test_copyAsCurlWithoutPayloadSendsAMinimalBodyAndSaysSo() {
            feeder.add(root.someCalls())
            api.stored = { "req-a1": root.storedCall("req-a1", null) }
            const page = createPage()
            const detail = chooseCall(page, "req-a1")
            tryCompare(detail, "loadState", "loaded")
            click(detail, "Copy as curl")
            verify(Clipboard.text().indexOf("-d '{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'") >= 0,
                Clipboard.text())
            verify(Clipboard.text().indexOf("gk-") < 0, "a key (prefix) in the command")
            const note = findOne(page, "curlNote")
            verify(note.visible)
            verify(note.text.indexOf("Payload capture is off") >= 0, note.text)
        }
    }
}
