// How the governance pages word and colour admin API data: dates, states, errors. Shared, not copied.
.pragma library

// "2024-05-01 14:03", in local time; "—" for none.
function dateTime(ms) {
    if (ms === null || ms === undefined)
        return "—"
    const d = new Date(ms)
    const pad = n => (n < 10 ? "0" : "") + n
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes())
}

// "just now", "5 min ago", "3 h ago", "2 days ago", else the date.
function ago(ms, nowMs) {
    if (ms === null || ms === undefined)
        return "—"
    const seconds = Math.max(0, Math.round((nowMs - ms) / 1000))
    if (seconds < 60)
        return qsTr("just now")
    if (seconds < 3600)
        return qsTr("%1 min ago").arg(Math.floor(seconds / 60))
    if (seconds < 86400)
        return qsTr("%1 h ago").arg(Math.floor(seconds / 3600))
    if (seconds < 7 * 86400)
        return Math.floor(seconds / 86400) === 1 ? qsTr("yesterday") : qsTr("%1 days ago").arg(Math.floor(seconds / 86400))
    return dateTime(ms)
}

// Parses "2024-05-01", "2024-05-01 14:00" or "2024-05-01T14:00" as local time: epoch ms, or NaN.
function parseDateTime(text) {
    const match = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?\s*$/.exec(text)
    if (!match)
        return NaN
    const d = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]),
        match[4] ? Number(match[4]) : 0, match[5] ? Number(match[5]) : 0)
    return d.getMonth() === Number(match[2]) - 1 ? d.getTime() : NaN
}

// What went wrong with a reply, in the API's own words: its error message, else the status.
function errorOf(reply) {
    if (reply.error && reply.error.length > 0)
        return reply.error
    if (reply.status === 0)
        return qsTr("The admin API could not be reached.")
    return qsTr("The admin API answered HTTP %1.").arg(reply.status)
}

// An access request's state as a StatusPill tone.
function requestTone(state) {
    switch (state) {
    case "approved": return "success"
    case "pending": return "warning"
    case "rejected": return "danger"
    default: return "neutral" // revoked, cancelled
    }
}

function requestStateText(state) {
    switch (state) {
    case "pending": return qsTr("Pending")
    case "approved": return qsTr("Approved")
    case "rejected": return qsTr("Rejected")
    case "revoked": return qsTr("Revoked")
    case "cancelled": return qsTr("Cancelled")
    default: return state
    }
}

// A key's state: "revoked", "expired", "rotating" (replaced by a newer key of the same consumer and
// name, and working until its grace period ends) or "active". `keys` are the keys listed with it.
function keyState(key, nowMs, keys) {
    if (key.revoked_at_ms !== null && key.revoked_at_ms !== undefined)
        return "revoked"
    const expires = key.expires_at_ms
    if (expires !== null && expires !== undefined && expires <= nowMs)
        return "expired"
    if (expires !== null && expires !== undefined && keys) {
        for (let i = 0; i < keys.length; ++i) {
            const other = keys[i]
            if (other.id > key.id && other.consumer_id === key.consumer_id && other.name === key.name
                    && other.created_at_ms <= expires)
                return "rotating"
        }
    }
    return "active"
}

function keyTone(state) {
    switch (state) {
    case "active": return "success"
    case "rotating": return "warning"
    case "revoked": return "danger"
    default: return "neutral"
    }
}

function keyStateText(state) {
    switch (state) {
    case "active": return qsTr("Active")
    case "rotating": return qsTr("Rotating")
    case "revoked": return qsTr("Revoked")
    default: return qsTr("Expired")
    }
}

// A query string from an object, leaving out empty values: {consumer_id: 3, model: ""} → "?consumer_id=3".
function query(parameters) {
    const parts = []
    for (const name in parameters) {
        const value = parameters[name]
        if (value === null || value === undefined || value === "")
            continue
        parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value))
    }
    return parts.length > 0 ? "?" + parts.join("&") : ""
}

// A JSON value for people: indented, "—" for null.
function prettyJson(value) {
    if (value === null || value === undefined)
        return "—"
    if (typeof value === "string") {
        try {
            return JSON.stringify(JSON.parse(value), null, 2)
        } catch (e) {
            return value
        }
    }
    return JSON.stringify(value, null, 2)
}

// An admin list (AdminListModel, or a test's stand-in) made from `component` with `properties`,
// which may be Qt.binding()s: assigned one by one after creation, where a binding always takes
// (createObject's initial properties would store a binding for a `var` property as a function).
function createList(component, parent, properties) {
    const list = component.createObject(parent)
    for (const name in properties)
        list[name] = properties[name]
    return list
}
