// How the Call log page words a call: its fields in the detail pane, durations, money, tags.
.pragma library

function present(value) {
    return value !== null && value !== undefined && value !== ""
}

// "2026-12-05 06:30:00.123", local time.
function localTime(ms) {
    if (!present(ms))
        return "—"
    const d = new Date(Number(ms))
    const pad = (n, width) => String(n).padStart(width || 2, "0")
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":"
        + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3)
}

// Microseconds for people: "180 µs", "4.20 ms", "412 ms", "2.31 s"; "—" when unknown.
function duration(us) {
    if (!present(us))
        return "—"
    const value = Number(us)
    if (value < 1000)
        return qsTr("%1 µs").arg(Math.round(value))
    if (value < 10000)
        return qsTr("%1 ms").arg((value / 1000).toFixed(2))
    if (value < 1000000)
        return qsTr("%1 ms").arg(Math.round(value / 1000))
    return qsTr("%1 s").arg((value / 1000000).toFixed(2))
}

function count(value) {
    return present(value) ? Number(value).toLocaleString(Qt.locale(), "f", 0) : "—"
}

// "$0.004132": calls cost fractions of a cent, so up to six decimals, trailing zeros dropped.
function usd(value) {
    if (!present(value))
        return "—"
    const text = Number(value).toFixed(6).replace(/0+$/, "").replace(/\.$/, "")
    return "$" + text
}

// {"team":"search","run":"42"} → "team=search, run=42".
function tagsText(tags) {
    if (!tags)
        return "—"
    const parts = Object.keys(tags).map(name => name + "=" + tags[name])
    return parts.length > 0 ? parts.join(", ") : "—"
}

function joined(first, second) {
    if (present(first) && present(second))
        return first + " / " + second
    return present(first) ? first : present(second) ? second : "—"
}

// The call's fields, by section, as {title, fields: [{label, value}]}: what the detail pane lists.
function sections(call) {
    if (!call)
        return []
    const route = present(call.route) && call.route !== call.model ? qsTr("%1 → answered by %2").arg(call.model).arg(call.route)
        : present(call.model) ? call.model : "—"
    const status = (call.status > 0 ? String(call.status) : qsTr("no answer")) + (present(call.error_code) ? " · " + call.error_code : "")
    const cache = call.cache === "hit" ? qsTr("hit") : call.cache === "miss" ? qsTr("miss") : call.cache === "bypass" ? qsTr("bypass")
        : qsTr("not cacheable")
    return [
        { title: qsTr("Call"), fields: [
            { label: qsTr("Request ID"), value: call.request_id },
            { label: qsTr("Started"), value: localTime(call.started_at_ms) },
            { label: qsTr("Endpoint"), value: call.endpoint + (call.stream ? qsTr(" (stream)") : "") },
            { label: qsTr("Model"), value: route },
            { label: qsTr("Provider / deployment"), value: joined(call.provider, call.deployment) },
            { label: qsTr("Status"), value: status },
            { label: qsTr("Attempts"), value: count(call.attempts) },
            { label: qsTr("Cache"), value: cache },
            { label: qsTr("Tenant / consumer"), value: joined(call.tenant, call.consumer) },
            { label: qsTr("Key"), value: present(call.key_prefix) ? call.key_prefix : qsTr("none (not authenticated)") },
            { label: qsTr("Client IP"), value: present(call.client_ip) ? call.client_ip : "—" },
            { label: qsTr("User agent"), value: present(call.user_agent) ? call.user_agent : "—" },
            { label: qsTr("Tags"), value: tagsText(call.tags) }
        ] },
        { title: qsTr("Timings"), fields: [
            { label: qsTr("Latency"), value: duration(call.latency_us) },
            { label: qsTr("Time to first byte"), value: duration(call.ttfb_us) },
            { label: qsTr("Gateway overhead"), value: duration(call.overhead_us) }
        ] },
        { title: call.usage_estimated ? qsTr("Tokens (estimated: the provider reported none)") : qsTr("Tokens"), fields: [
            { label: qsTr("Prompt"), value: count(call.prompt_tokens) },
            { label: qsTr("Completion"), value: count(call.completion_tokens) },
            { label: qsTr("Cached"), value: count(call.cached_tokens) },
            { label: qsTr("Cache write"), value: count(call.cache_write_tokens) },
            { label: qsTr("Reasoning"), value: count(call.reasoning_tokens) }
        ] },
        { title: qsTr("Cost"), fields: [
            { label: qsTr("Cost"), value: present(call.cost_usd) ? usd(call.cost_usd) : qsTr("— (no price for this deployment)") },
            { label: qsTr("Saved (cache)"), value: usd(call.saved_usd) }
        ] }
    ]
}

// A captured body for people: JSON indented, anything else (a stream's SSE text) as it is.
function bodyText(text) {
    if (!present(text))
        return qsTr("(empty)")
    try {
        return JSON.stringify(JSON.parse(text), null, 2)
    } catch (e) {
        return text
    }
}

// Why a call has no payload, when the admin API answered `payload: null`.
function noPayloadText(call) {
    if (call && !present(call.model))
        return qsTr("Nothing was captured: the call was refused before its model was known.")
    return qsTr("Payload capture is off for this model, so its headers and bodies were not kept. Turn it on with capture_payloads: true on the model (docs/analytics.md, \"Payload capture\").")
}
