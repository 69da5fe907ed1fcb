// What the "Limits & budget" panel (ScopePolicyPanel) shows and sends for one scope: a key (by its
// prefix), a consumer ("tenant/consumer") or a tenant (its name). Its entries are picked out of the
// admin API's whole lists (docs/admin-api.md, "Rate limits and budgets" and "Traffic"), worded with
// Traffic.js, and its changes are the PUT bodies and DELETE paths of /admin/v1/limits and /budgets.
// Pure functions of the API's values, so they are tested alone.
.pragma library
.import "Traffic.js" as Traffic
.import "Governance.js" as Governance

// The periods a budget can have, in the order the panel lists them.
const periods = ["daily", "weekly", "monthly", "total"]

// The rate limit dimensions: the key of the configured entry, and where the usage entry of
// /admin/v1/traffic/rate-limits says what is left of it and when it is full again.
const dimensions = [
    { key: "requests_per_minute", caption: qsTr("Requests / min"), remaining: "requests_remaining", reset: "requests_reset_ms" },
    { key: "tokens_per_minute", caption: qsTr("Tokens / min"), remaining: "tokens_remaining", reset: "tokens_reset_ms" },
    { key: "concurrent", caption: qsTr("Concurrent requests"), remaining: "", reset: "" }
]

// A period as the budget form offers it.
function periodName(period) {
    return ({ daily: qsTr("Daily"), weekly: qsTr("Weekly (from Monday)"), monthly: qsTr("Monthly"),
        total: qsTr("Total (never resets)") })[period] || period
}

// The entries of an admin list (objects with `scope` and `id`) that belong to exactly this scope.
function entriesOf(items, scope, id) {
    return Array.from(items || []).filter(e => e && e.scope === scope && e.id === id)
}

function isFromFile(entry) {
    return !!entry && entry.source === "config_file"
}

// The scope's rate limit from GET /admin/v1/limits, or null. Should the file and the store both
// declare it (the file can gain an entry after the store has one), the file's is the one that applies.
function limitOf(items, scope, id) {
    const all = entriesOf(items, scope, id)
    return all.find(isFromFile) || all[0] || null
}

// The scope's budgets from GET /admin/v1/budgets, one per period (the file's wins, as for limits),
// in period order.
function budgetsOf(items, scope, id) {
    const byPeriod = {}
    for (const budget of entriesOf(items, scope, id)) {
        if (!byPeriod[budget.period] || isFromFile(budget))
            byPeriod[budget.period] = budget
    }
    return periods.filter(p => byPeriod[p]).map(p => byPeriod[p])
}

// The usage entry of a budget's period, from GET /admin/v1/traffic/budgets, or null.
function budgetUsageOf(items, budget) {
    return entriesOf(items, budget.scope, budget.id).find(u => u.period === budget.period) || null
}

// One dimension of the scope's rate limit as a TrafficMeter value: what is left and what is used
// now, and when the bucket is full again; null when the dimension is not limited (the meter says
// so). `usage` is the scope's entry of /admin/v1/traffic/rate-limits, or null when the running
// gateway did not report it.
function rateMeter(dimension, limit, usage) {
    const value = limit ? limit[dimension.key] : null
    if (value === null || value === undefined)
        return null
    // The two lists are read at different moments: a usage entry for another limit is not this one's.
    if (!usage || usage[dimension.key] !== value)
        return { text: qsTr("limit %1").arg(Traffic.count(value)), used: 0, tone: "accent", detail: qsTr("usage not reported yet") }
    const concurrent = dimension.remaining.length === 0
    const remaining = concurrent ? value - usage.in_flight : usage[dimension.remaining]
    const meter = Traffic.rateMeter(value, remaining, concurrent ? null : usage[dimension.reset])
    const left = Math.max(0, Math.min(remaining, value))
    meter.text = qsTr("%1 of %2 left").arg(Traffic.count(left)).arg(Traffic.count(value))
    if (value > 0) {
        const used = concurrent ? qsTr("%1 in flight").arg(Traffic.count(usage.in_flight)) : qsTr("%1 used").arg(Traffic.count(value - left))
        meter.detail = meter.detail.length > 0 ? used + " · " + meter.detail : used
    }
    return meter
}

// A budget's soft threshold as configured: "$80.00", "80 % ($80.00)", or "" for none.
function softText(budget) {
    if (budget.soft_limit_usd !== null && budget.soft_limit_usd !== undefined)
        return Traffic.usd(budget.soft_limit_usd)
    if (budget.soft_limit_fraction !== null && budget.soft_limit_fraction !== undefined)
        return qsTr("%1 % (%2)").arg(Math.round(budget.soft_limit_fraction * 1000) / 10).arg(Traffic.usd(budget.soft_limit_fraction * budget.limit_usd))
    return ""
}

// Spaces that must not break a line: "2024-06-01 00:00 UTC", "in 3 days".
function unbroken(text) {
    return text.replace(/ /g, "\u00a0")
}

// A budget as a TrafficMeter value (spent of the limit: amber past the soft threshold, red when
// nothing is left, as on the Traffic page; its alert under it) and a line with what is left, what
// calls in flight reserved and when it resets. `usage` is its entry of /admin/v1/traffic/budgets, or
// null when the running gateway did not report it.
function budgetView(budget, usage, nowMs) {
    const soft = softText(budget)
    const alert = soft.length > 0 ? qsTr("alert at %1").arg(soft) : qsTr("no alert")
    if (!usage || usage.limit_usd !== budget.limit_usd)
        return { meter: { text: qsTr("limit %1").arg(Traffic.usd(budget.limit_usd)), used: 0, tone: "accent", detail: alert },
                 status: qsTr("spending not reported yet") }
    const meter = Traffic.budgetMeter(usage)
    meter.text = qsTr("%1 spent of %2").arg(Traffic.usd(usage.spent_usd)).arg(Traffic.usd(usage.limit_usd))
    if (meter.tone !== "danger")
        meter.detail = alert
    const parts = [qsTr("%1 left").arg(Traffic.usd(Math.max(0, usage.remaining_usd)))]
    if (usage.reserved_usd > 0)
        parts.push(qsTr("%1 reserved by calls in flight").arg(Traffic.usd(usage.reserved_usd)))
    if (usage.resets_at) {
        const when = unbroken(qsTr("resets %1").arg(Traffic.utcTime(usage.resets_at)))
        parts.push(when + " " + unbroken(qsTr("(%1)").arg(Traffic.until(usage.resets_at, nowMs))))
    } else {
        parts.push(qsTr("never resets"))
    }
    return { meter: meter, status: parts.join(" · ") }
}

// ---- Changes. The forms hold what was typed, as text.

function limitForm(limit) {
    return {
        requests: Governance.textOf(limit ? limit.requests_per_minute : null),
        tokens: Governance.textOf(limit ? limit.tokens_per_minute : null),
        concurrent: Governance.textOf(limit ? limit.concurrent : null)
    }
}
function limitFields(form) {
    return [["requests_per_minute", form.requests], ["tokens_per_minute", form.tokens], ["concurrent", form.concurrent]]
}

// What the limits form gets wrong before anything is sent: {param: message}, by the API's names.
// The ranges are the API's to check (it names the field, and the dialog marks it).
function limitProblems(form) {
    const problems = {}
    const fields = limitFields(form)
    for (const [param, text] of fields) {
        if (text.trim().length > 0 && isNaN(Governance.integerOf(text)))
            problems[param] = qsTr("%1: write a whole number (0 pauses the scope; empty: no limit of this kind).")
                .arg(dimensions.find(d => d.key === param).caption)
    }
    if (fields.every(([param, text]) => text.trim().length === 0)) {
        for (const [param] of fields)
            problems[param] = qsTr("Give at least one limit. To take the limits away, use Remove.")
    }
    return problems
}

function withReason(body, reason) {
    const trimmed = Governance.textOf(reason).trim()
    if (trimmed.length > 0)
        body.reason = trimmed
    return body
}

// PUT /admin/v1/limits: the dimensions typed, the others left out (no limit).
function limitBody(scope, id, form, reason) {
    const body = { scope: scope, id: id }
    for (const [param, text] of limitFields(form)) {
        if (text.trim().length > 0)
            body[param] = Governance.integerOf(text)
    }
    return withReason(body, reason)
}

function budgetForm(budget) {
    let soft = ""
    if (budget && budget.soft_limit_usd !== null && budget.soft_limit_usd !== undefined)
        soft = Governance.textOf(budget.soft_limit_usd)
    else if (budget && budget.soft_limit_fraction !== null && budget.soft_limit_fraction !== undefined)
        soft = Math.round(budget.soft_limit_fraction * 1000) / 10 + " %"
    return { period: budget ? budget.period : "monthly", amount: Governance.textOf(budget ? budget.limit_usd : null), soft: soft }
}

function amountOf(text) {
    return Governance.numberOf(Governance.textOf(text).trim().replace(/^\$\s*/, ""))
}

// The soft threshold typed: "80" or "$80" is an amount, "80 %" a share of the limit; {} for none,
// null when it is neither.
function softOf(text) {
    const trimmed = Governance.textOf(text).trim()
    if (trimmed.length === 0)
        return {}
    const percent = /^(.*?)\s*%$/.exec(trimmed)
    const value = percent ? Governance.numberOf(percent[1]) : amountOf(trimmed)
    if (isNaN(value))
        return null
    return percent ? { soft_limit_fraction: value / 100 } : { soft_limit_usd: value }
}

function budgetProblems(form) {
    const problems = {}
    if (isNaN(amountOf(form.amount)))
        problems.limit_usd = qsTr("Write the budget as an amount in USD, such as 100 or 12.50.")
    if (softOf(form.soft) === null)
        problems.soft_limit_usd = qsTr("Write the alert as an amount in USD (80) or a share of the budget (80 %), or leave it empty.")
    return problems
}

// PUT /admin/v1/budgets.
function budgetBody(scope, id, form, reason) {
    const body = Object.assign({ scope: scope, id: id, period: form.period, limit_usd: amountOf(form.amount) }, softOf(form.soft))
    return withReason(body, reason)
}

// Whether a problem (of the form, or the API's `param`) is about the input for `param`. The soft
// threshold is one input for two parameters.
function marks(problems, apiParam, param) {
    const about = wrong => Governance.paramMarks(wrong, param)
        || (param === "soft_limit_usd" && Governance.paramMarks(wrong, "soft_limit_fraction"))
    return Object.keys(problems || {}).some(about) || (!!apiParam && about(apiParam))
}

// DELETE paths; a consumer's "tenant/consumer" goes as one segment, its "/" as %2F.
function limitPath(scope, id, reason) {
    return "/admin/v1/limits/" + scope + "/" + encodeURIComponent(id) + Governance.query({ reason: Governance.textOf(reason).trim() })
}
function budgetPath(scope, id, period, reason) {
    return "/admin/v1/budgets/" + scope + "/" + encodeURIComponent(id) + "/" + period
        + Governance.query({ reason: Governance.textOf(reason).trim() })
}
