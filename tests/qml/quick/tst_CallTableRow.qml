// CallTableRow: how a call's numbers and status are written in the table.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    width: 1000
    height: 100

    CallTableColumns {
        id: testColumns
        tableWidth: 1000
    }

    Component {
        id: rowComponent
        CallTableRow {
            width: 1000
            columns: testColumns
            time: "14:03:22.153"
            requestId: "req-1"
            model: "mock-chat"
            provider: "mock"
            status: 200
            latencyMs: 0.4
            tokensIn: 12
            tokensOut: 1234
            keyPrefix: "gk-AbCdEf1"
            stream: false
            errorCode: ""
        }
    }

    TestCase {
        name: "CallTableRow"
        when: windowShown

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

        function test_formatMs_data() {
            return [
                { tag: "sub-millisecond", ms: 0.4, text: "0.40" },
                { tag: "a few ms", ms: 9.994, text: "9.99" },
                { tag: "tens", ms: 42.26, text: "42.3" },
                { tag: "hundreds", ms: 420.6, text: "421" },
            ]
        }
        function test_formatMs(data) {
            const row = createTemporaryObject(rowComponent, parent)
            compare(row.formatMs(data.ms), data.text)
        }

        function test_missingCountsShowADash() {
            const row = createTemporaryObject(rowComponent, parent, { tokensIn: undefined, tokensOut: null })
            compare(row.formatCount(row.tokensIn), "—")
            compare(row.formatCount(row.tokensOut), "—")
        }

        function test_successfulCallShowsItsRequestId() {
            const row = createTemporaryObject(rowComponent, parent)
            const shown = texts(row)
            verify(shown.indexOf("200") >= 0, shown)
            verify(shown.indexOf("req-1") >= 0, shown)
            verify(shown.indexOf("0.40") >= 0, shown)
            verify(shown.indexOf("12") >= 0, shown)
            verify(shown.indexOf(Number(1234).toLocaleString(Qt.locale(), "f", 0)) >= 0, shown)
            verify(shown.indexOf("stream") < 0, shown)
        }

        function test_failedCallShowsItsErrorCode() {
            const row = createTemporaryObject(rowComponent, parent, { status: 404, errorCode: "model_not_found", stream: true })
            const shown = texts(row)
            verify(shown.indexOf("model_not_found") >= 0, shown)
            verify(shown.indexOf("req-1") < 0, shown)
            verify(shown.indexOf("stream") >= 0, shown)
        }

        function test_statusColours() {
            compare(Theme.statusColor(200), Theme.success)
            compare(Theme.statusColor(429), Theme.warning)
            compare(Theme.statusColor(502), Theme.danger)
        }
    }
}
