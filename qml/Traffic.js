// How the Traffic page words the traffic policy's live state (docs/traffic-policy.md): circuits,
// rates, money, reset times. Pure functions of the admin API's values, so they are tested alone.
.pragma library

// 1204 → "1,204".
function count(value) {
    if (value === null || value === undefined)
        return "—"
    const digits = String(Math.abs(Math.round(value)))
    let grouped = ""
    for (let i = 0; i < digits.length; ++i)
        grouped += (i > 0 && (digits.length - i) % 3 === 0 ? "," : "") + digits[i]
    return (value <= -0.5 ? "-" : "") + grouped
}

// A circuit's state as a StatusPill: its text and tone. An open one says when a probe may go.
function circuitText(deployment) {
    switch (deployment.circuit) {
    case "closed": return qsTr("Closed")
    case "half_open": return qsTr("Half-open")
    case "open":
        return deployment.retry_in_ms > 0 ? qsTr("Open · retry in %1 s").arg(Math.ceil(deployment.retry_in_ms / 1000))
            : qsTr("Open · next call probes")
    default: return deployment.circuit
    }
}
function circuitTone(circuit) {
    return circuit === "closed" ? "success" : circuit === "half_open" ? "warning" : "danger"
}

// The failures among the window's results: "8 % (2/25)"; "—" when the window is empty.
function errorRate(deployment) {
    if (!deployment.window_requests)
        return "—"
    const percent = deployment.error_rate * 100
    const shown = percent > 0 && percent < 10 ? percent.toFixed(1) : Math.round(percent)
    return qsTr("%1 % (%2/%3)").arg(shown).arg(deployment.window_failures).arg(deployment.window_requests)
}

// The moving average of time to first token: "184 ms", "—" until measured.
function latency(ms) {
    return ms === null || ms === undefined ? "—" : qsTr("%1 ms").arg(count(ms))
}

function scopeText(scope) {
    return ({ key: qsTr("Key"), consumer: qsTr("Consumer"), tenant: qsTr("Tenant"), model: qsTr("Model") })[scope] || scope
}

function periodText(period) {
    return ({ daily: qsTr("Daily budget"), weekly: qsTr("Weekly budget (from Monday)"), monthly: qsTr("Monthly budget"),
        total: qsTr("Total budget") })[period] || period
}

// Milliseconds until a bucket is full again: "8 s", "6 min 0 s".
function duration(ms) {
    const seconds = Math.ceil(ms / 1000)
    return seconds < 60 ? qsTr("%1 s").arg(seconds) : qsTr("%1 min %2 s").arg(Math.floor(seconds / 60)).arg(seconds % 60)
}

// A rate limit's dimension for a TrafficMeter, or null when it is not limited: what is left of the
// limit, the share used, and when the bucket is full again. `resetMs` is null for concurrency.
function rateMeter(limit, remaining, resetMs) {
    if (limit === null || limit === undefined)
        return null
    const left = Math.max(0, Math.min(remaining, limit))
    const used = limit > 0 ? 1 - left / limit : 1
    let detail = ""
    if (resetMs !== null && resetMs !== undefined)
        detail = resetMs > 0 ? qsTr("resets in %1").arg(duration(resetMs)) : qsTr("full")
    return {
        text: qsTr("%1 / %2").arg(count(left)).arg(count(limit)),
        used: used,
        tone: left === 0 ? "danger" : used >= 0.8 ? "warning" : "accent",
        detail: limit === 0 ? qsTr("paused (limit 0)") : detail
    }
}

// "$42.10"; amounts under a dollar keep up to four decimals, so a few calls still show: "$0.0123".
function usd(value) {
    if (value === null || value === undefined)
        return "—"
    const size = Math.abs(value)
    const text = size >= 1 || size === 0 ? value.toFixed(2) : value.toFixed(4).replace(/(\.\d\d[1-9]*)0+$/, "$1")
    const parts = text.split(".")
    return (value < 0 ? "-$" : "$") + count(Math.abs(Number(parts[0]))) + "." + parts[1]
}

// A budget for a TrafficMeter: spent of the limit; amber past the soft threshold, red when nothing
// is left or its spending could not be loaded (it refuses calls then).
function budgetMeter(budget) {
    const used = budget.limit_usd > 0 ? budget.spent_usd / budget.limit_usd : 1
    let detail = budget.soft_limit_usd !== null && budget.soft_limit_usd !== undefined
        ? qsTr("alert at %1").arg(usd(budget.soft_limit_usd)) : ""
    if (!budget.loaded)
        detail = qsTr("spending not loaded: calls are refused")
    else if (budget.remaining_usd <= 0)
        detail = qsTr("used up: calls are refused")
    return {
        text: qsTr("%1 of %2").arg(usd(budget.spent_usd)).arg(usd(budget.limit_usd)),
        used: used,
        tone: !budget.loaded || budget.remaining_usd <= 0 ? "danger" : budget.soft_threshold_reached ? "warning" : "accent",
        detail: detail
    }
}

// An ISO time (UTC) as "2024-06-01 00:00 UTC", and how far off it is from `nowMs` ("in 3 days").
function utcTime(iso) {
    const d = new Date(iso)
    if (isNaN(d.getTime()))
        return iso
    const pad = n => (n < 10 ? "0" : "") + n
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " "
        + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC"
}
function until(iso, nowMs) {
    const minutes = Math.round((new Date(iso).getTime() - nowMs) / 60000)
    if (isNaN(minutes))
        return ""
    if (minutes <= 0)
        return qsTr("now")
    if (minutes < 60)
        return qsTr("in %1 min").arg(minutes)
    if (minutes < 48 * 60)
        return qsTr("in %1 h").arg(Math.round(minutes / 60))
    return qsTr("in %1 days").arg(Math.round(minutes / 1440))
}
