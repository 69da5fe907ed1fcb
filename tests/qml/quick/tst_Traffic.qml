// Traffic.js: circuits, error rates, latency, rate-limit and budget meters (text, share used,
// colour), dollars and reset times, as the Traffic page shows them.
import QtQuick
import QtTest
import "../../../qml/Traffic.js" as Traffic

TestCase {
    name: "Traffic"

    function test_counts() {
        compare(Traffic.count(0), "0")
        compare(Traffic.count(999), "999")
        compare(Traffic.count(1204), "1,204")
        compare(Traffic.count(1234567.6), "1,234,568")
        compare(Traffic.count(-2500), "-2,500")
        compare(Traffic.count(null), "—")
    }

    function test_circuits() {
        compare(Traffic.circuitText({ circuit: "closed", retry_in_ms: 0 }), "Closed")
        compare(Traffic.circuitText({ circuit: "half_open", retry_in_ms: 0 }), "Half-open")
        compare(Traffic.circuitText({ circuit: "open", retry_in_ms: 29001 }), "Open · retry in 30 s")
        compare(Traffic.circuitText({ circuit: "open", retry_in_ms: 0 }), "Open · next call probes")
        compare([Traffic.circuitTone("closed"), Traffic.circuitTone("half_open"), Traffic.circuitTone("open")], ["success", "warning", "danger"])
    }

    function test_errorRatesAndLatency() {
        compare(Traffic.errorRate({ window_requests: 0, window_failures: 0, error_rate: 0 }), "—")
        compare(Traffic.errorRate({ window_requests: 40, window_failures: 0, error_rate: 0 }), "0 % (0/40)")
        compare(Traffic.errorRate({ window_requests: 40, window_failures: 1, error_rate: 0.025 }), "2.5 % (1/40)")
        compare(Traffic.errorRate({ window_requests: 3, window_failures: 3, error_rate: 1 }), "100 % (3/3)")
        compare(Traffic.latency(null), "—")
        compare(Traffic.latency(183.6), "184 ms")
        compare(Traffic.latency(1520), "1,520 ms")
    }

    function test_rateMeters() {
        compare(Traffic.rateMeter(null, null, null), null, "not limited")
        const requests = Traffic.rateMeter(60, 45, 15000)
        compare(requests.text, "45 / 60")
        fuzzyCompare(requests.used, 0.25, 1e-9)
        compare(requests.tone, "accent")
        compare(requests.detail, "resets in 15 s")
        compare(Traffic.rateMeter(150000, 150000, 0).detail, "full")
        compare(Traffic.rateMeter(150000, 20000, 360000).detail, "resets in 6 min 0 s")
        compare(Traffic.rateMeter(100, 15, 1000).tone, "warning")
        const exhausted = Traffic.rateMeter(10, 0, 6000)
        compare(exhausted.tone, "danger")
        compare(exhausted.used, 1)
        const concurrent = Traffic.rateMeter(2, 2 - 3, null)
        compare(concurrent.text, "0 / 2", "more in flight than the limit (a lowered limit) shows none left")
        compare(concurrent.detail, "")
        compare(Traffic.rateMeter(0, 0, 0).detail, "paused (limit 0)")
    }

    function test_dollars() {
        compare(Traffic.usd(0), "$0.00")
        compare(Traffic.usd(42.1), "$42.10")
        compare(Traffic.usd(1234.5), "$1,234.50")
        compare(Traffic.usd(0.5), "$0.50")
        compare(Traffic.usd(0.0123), "$0.0123")
        compare(Traffic.usd(0.012), "$0.012")
        compare(Traffic.usd(0.00004), "$0.00")
        compare(Traffic.usd(null), "—")
    }

    function budget(fields) {
        const b = { scope: "tenant", id: "acme", period: "monthly", limit_usd: 100, soft_limit_usd: 80, spent_usd: 10,
            reserved_usd: 0, remaining_usd: 90, soft_threshold_reached: false, loaded: true, resets_at: "2024-06-01T00:00:00Z" }
        for (const f in fields)
            b[f] = fields[f]
        return b
    }
    function test_budgetMeters() {
        const fine = Traffic.budgetMeter(budget({}))
        compare(fine.text, "$10.00 of $100.00")
        fuzzyCompare(fine.used, 0.1, 1e-9)
        compare(fine.tone, "accent")
        compare(fine.detail, "alert at $80.00")
        compare(Traffic.budgetMeter(budget({ spent_usd: 85, remaining_usd: 15, soft_threshold_reached: true })).tone, "warning")
        const spent = Traffic.budgetMeter(budget({ spent_usd: 99.9, reserved_usd: 0.1, remaining_usd: 0, soft_threshold_reached: true }))
        compare(spent.tone, "danger")
        compare(spent.detail, "used up: calls are refused")
        const unloaded = Traffic.budgetMeter(budget({ loaded: false }))
        compare(unloaded.tone, "danger")
        compare(unloaded.detail, "spending not loaded: calls are refused")
        compare(Traffic.budgetMeter(budget({ soft_limit_usd: null })).detail, "")
    }

    function test_times() {
        compare(Traffic.utcTime("2024-06-01T00:00:00Z"), "2024-06-01 00:00 UTC")
        compare(Traffic.utcTime("2024-05-20T13:05:00.250Z"), "2024-05-20 13:05 UTC")
        compare(Traffic.utcTime("not a time"), "not a time")
        const now = Date.UTC(2024, 4, 31, 12, 0)
        compare(Traffic.until("2024-05-31T12:30:00Z", now), "in 30 min")
        compare(Traffic.until("2024-06-01T00:00:00Z", now), "in 12 h")
        compare(Traffic.until("2024-06-07T12:00:00Z", now), "in 7 days")
        compare(Traffic.until("2024-05-31T11:00:00Z", now), "now", "a period that just ended")
        compare([Traffic.periodText("daily"), Traffic.periodText("total")], ["Daily budget", "Total budget"])
        compare([Traffic.scopeText("key"), Traffic.scopeText("model")], ["Key", "Model"])
    }
}
