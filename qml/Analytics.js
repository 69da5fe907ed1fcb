// How the Analytics page and the Overview's dashboard word and scale the analytics numbers
// (docs/admin-api.md "Analytics"): money, counts, latencies, rates, and the charts' axes. Pure
// functions, so they are tested alone.
.pragma library

.import "Traffic.js" as Traffic

// The ranges the page offers: their button text and length.
const ranges = [
    { key: "1h", text: "1h", ms: 3600 * 1000 },
    { key: "24h", text: "24h", ms: 24 * 3600 * 1000 },
    { key: "7d", text: "7d", ms: 7 * 24 * 3600 * 1000 },
    { key: "30d", text: "30d", ms: 30 * 24 * 3600 * 1000 }
]
function rangeMs(key) {
    const range = ranges.find(r => r.key === key)
    return range ? range.ms : NaN
}

// The dimensions a chart can be split by (group_by), in the order the page offers them.
const dimensions = [
    { key: "model", text: qsTr("Model") },
    { key: "tenant", text: qsTr("Tenant") },
    { key: "consumer", text: qsTr("Consumer") },
    { key: "key", text: qsTr("API key") },
    { key: "deployment", text: qsTr("Deployment") }
]

function usd(value) {
    return value === null || value === undefined || isNaN(value) ? "—" : Traffic.usd(value)
}
// Money in little room (the Overview's dashboard): "$1,204", "$42.10", "$60", "<$0.01".
function usdShort(value) {
    if (value === null || value === undefined || isNaN(value))
        return "—"
    const size = Math.abs(value)
    if (size === 0)
        return "$0"
    if (size < 0.01)
        return qsTr("<$0.01")
    if (size >= 100 || Number.isInteger(value))
        return (value < 0 ? "-$" : "$") + Traffic.count(size)
    return (value < 0 ? "-$" : "$") + size.toFixed(2)
}
function periodText(period) {
    return ({ daily: qsTr("daily"), weekly: qsTr("weekly"), monthly: qsTr("monthly"), total: qsTr("total") })[period] || period
}
function count(value) {
    return value === null || value === undefined || isNaN(value) ? "—" : Traffic.count(value)
}
// 1,234,567 → "1.23M"; 45,600 → "45.6k"; small numbers as they are.
function compact(value) {
    if (value === null || value === undefined || isNaN(value))
        return "—"
    const size = Math.abs(value)
    if (size >= 1e9)
        return (value / 1e9).toFixed(size >= 1e10 ? 1 : 2) + "B"
    if (size >= 1e6)
        return (value / 1e6).toFixed(size >= 1e7 ? 1 : 2) + "M"
    if (size >= 1e4)
        return (value / 1e3).toFixed(1) + "k"
    return count(value)
}
// 412.4 → "412 ms"; 1934 → "1.9 s"; 125000 → "125 s".
function ms(value) {
    if (value === null || value === undefined || isNaN(value))
        return "—"
    if (value < 1000)
        return qsTr("%1 ms").arg(Math.round(value))
    return qsTr("%1 s").arg(value >= 100000 ? Math.round(value / 1000) : (value / 1000).toFixed(1))
}
// 0.0123 → "1.2 %"; 0 → "0 %".
function percent(fraction) {
    if (fraction === null || fraction === undefined || isNaN(fraction))
        return "—"
    const value = fraction * 100
    return qsTr("%1 %").arg(value === 0 ? "0" : value < 10 ? value.toFixed(1) : Math.round(value))
}
// Requests per second: "3.2/s"; a tenth is the least shown, "<0.1/s" below that.
function rate(value) {
    if (value === null || value === undefined || isNaN(value))
        return "—"
    if (value > 0 && value < 0.1)
        return qsTr("<0.1/s")
    return qsTr("%1/s").arg(value >= 100 ? Traffic.count(value) : value.toFixed(1))
}

// A metric's value for people.
function format(metric, value) {
    switch (metric) {
    case "cost_usd":
    case "saved_usd":
        return usd(value)
    case "error_rate":
        return percent(value)
    case "requests_per_second":
        return rate(value)
    case "latency_mean_ms":
    case "latency_p50_ms":
    case "latency_p95_ms":
    case "latency_p99_ms":
        return ms(value)
    case "tokens":
    case "prompt_tokens":
    case "completion_tokens":
    case "cached_tokens":
    case "reasoning_tokens":
        return compact(value)
    default:
        return count(value)
    }
}

// The smallest "nice" number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^n) at or above `value`: a step
// between an axis' ticks. 1 for 0.
function niceCeiling(value) {
    if (!(value > 0))
        return 1
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)))
    for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
        if (value <= step * magnitude * (1 + 1e-9))
            return step * magnitude
    }
    return 10 * magnitude
}

// The decimals `value` needs to be written exactly (0.25 → 2), at most 6.
function decimalsOf(value) {
    for (let decimals = 0; decimals < 6; ++decimals) {
        const scaled = value * Math.pow(10, decimals)
        if (Math.abs(scaled - Math.round(scaled)) < 1e-6)
            return decimals
    }
    return 6
}

// How a value axis of `ticks` ticks shows `metric` up to `max` (in the metric's own unit): the factor
// the series' values are multiplied by, the axis' top in those units (a nice step between ticks),
// and its printf label format, with as many decimals as the steps need.
function axis(metric, max, ticks) {
    const intervals = (ticks || 5) - 1
    let factor = 1
    let suffix = ""
    let prefix = ""
    if (metric === "error_rate") {
        factor = 100
        suffix = " %%"
    } else if (metric === "cost_usd" || metric === "saved_usd") {
        prefix = "$"
    } else if (metric.startsWith("latency_")) {
        if (max >= 2000) {
            factor = 0.001
            suffix = " s"
        } else {
            suffix = " ms"
        }
    } else if (max >= 1e6) {
        factor = 1e-6
        suffix = "M"
    } else if (max >= 1e4) {
        factor = 1e-3
        suffix = "k"
    }
    let step = niceCeiling(max * factor / intervals)
    // Counts come whole: no tick between two of them.
    if (["requests", "errors", "cache_hits"].indexOf(metric) >= 0 && factor === 1)
        step = Math.max(1, Math.ceil(step))
    if (metric === "error_rate" && step * intervals > 100)
        step = 100 / intervals
    return { factor: factor, max: step * intervals, format: prefix + "%." + decimalsOf(step) + "f" + suffix }
}

// Ticks of a time axis over `spanMs` with buckets of `bucketMs`: evenly spaced from the first
// bucket (Qt Charts' DateTimeAxis spaces them so), at a round interval that divides the span, at
// most `maxTicks`; {count, format}. Falls back to `maxTicks` ticks where no round interval fits.
function timeTicks(spanMs, bucketMs, maxTicks) {
    const minute = 60000
    const hour = 60 * minute
    const day = 24 * hour
    const intervals = [minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute, hour, 2 * hour, 3 * hour,
        4 * hour, 6 * hour, 12 * hour, day, 2 * day, 5 * day, 7 * day, 10 * day, 14 * day, 30 * day]
    let count = maxTicks
    let interval = spanMs / Math.max(1, maxTicks - 1)
    for (const candidate of intervals) {
        if (candidate >= bucketMs && spanMs % candidate === 0 && spanMs / candidate + 1 <= maxTicks) {
            count = spanMs / candidate + 1
            interval = candidate
            break
        }
    }
    let format = "MMM d"
    if (interval < day)
        format = spanMs <= 26 * hour ? "HH:mm" : "ddd HH:mm"
    else if (spanMs <= 8 * day)
        format = "ddd d"
    return { count: Math.max(2, count), format: format }
}

function granularityText(granularity) {
    return ({ minute: qsTr("per minute"), hour: qsTr("per hour"), day: qsTr("per day (UTC)") })[granularity] || ""
}

// The start of today in UTC (epoch ms): what "today" means for daily budgets and the day rollups.
function utcDayStart(nowMs) {
    return Math.floor(nowMs / 86400000) * 86400000
}
