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

// ---- Routes: a model's traffic policy as the model editor shows and sends it (docs/admin-api.md,
// "Providers and models"; docs/traffic-policy.md, "Routing"). The form holds what was typed, as text.

// The strategies, in the order the editor offers them, with what each does in one line.
const routeStrategies = [
    { value: "weighted", label: qsTr("Weighted"), explanation: qsTr("Random draws by weight: a deployment of weight 3 gets three times the traffic of one of weight 1.") },
    { value: "round_robin", label: qsTr("Round robin"), explanation: qsTr("Each request starts one deployment further along; weights are not used.") },
    { value: "least_latency", label: qsTr("Least latency"), explanation: qsTr("The deployment with the shortest time to first token goes first (unmeasured ones are tried first).") },
    { value: "lowest_cost", label: qsTr("Lowest cost"), explanation: qsTr("The cheapest deployment for the request's expected tokens goes first; those without a price go last.") },
    { value: "fallback", label: qsTr("Fallback"), explanation: qsTr("Always in priority order, then in the order listed: the next one only when the one before fails.") }
]

// The fields a rule condition can test, as the editor lists them.
const ruleConditionFields = ["tenant", "consumer", "key", "header", "metadata"]

function strategyIndex(value) {
    for (let i = 0; i < routeStrategies.length; ++i) {
        if (routeStrategies[i].value === value)
            return i
    }
    return 0
}

// "least latency · 2 fallbacks · 1 rule · canary 10 %": a model's routing in a caption.
function routeSummary(model) {
    if (!model)
        return ""
    const parts = [routeStrategies[strategyIndex(model.strategy || "weighted")].label.toLowerCase()]
    const fallbacks = (model.fallbacks || []).length
    if (fallbacks > 0)
        parts.push(fallbacks === 1 ? qsTr("1 fallback") : qsTr("%1 fallbacks").arg(fallbacks))
    const rules = (model.rules || []).length
    if (rules > 0)
        parts.push(rules === 1 ? qsTr("1 rule") : qsTr("%1 rules").arg(rules))
    if (model.canary)
        parts.push(qsTr("canary %1 %").arg(model.canary.percent))
    return parts.join(" · ")
}

// The id a rule or a canary names a deployment by: "provider/upstream model".
function deploymentId(deployment) {
    return deployment.provider + "/" + deployment.model
}

function textOf(value) {
    return value === null || value === undefined ? "" : String(value)
}
function listOf(value) {
    return value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]
}

// The editor's form from a model as GET /admin/v1/models/{model} answers it.
function routeForm(model) {
    const deployments = (model.deployments || []).map(d => ({
        provider: d.provider, model: d.model, weight: textOf(d.weight === undefined ? 1 : d.weight),
        priority: textOf(d.priority === undefined ? 0 : d.priority),
        priceIn: d.price ? textOf(d.price.input_per_million) : "", priceOut: d.price ? textOf(d.price.output_per_million) : "",
        // The deployment's own quota; the form edits RPM and TPM and keeps a concurrency limit as it is.
        rpm: d.limits && d.limits.requests_per_minute !== undefined ? textOf(d.limits.requests_per_minute) : "",
        tpm: d.limits && d.limits.tokens_per_minute !== undefined ? textOf(d.limits.tokens_per_minute) : "",
        concurrent: d.limits && d.limits.concurrent !== undefined ? d.limits.concurrent : null
    }))
    const ids = deployments.map(deploymentId)
    const rules = (model.rules || []).map(rule => {
        const match = rule.match || {}
        const conditions = []
        for (const field of ["tenant", "consumer", "key"]) {
            if (match[field] !== undefined && match[field] !== null)
                conditions.push({ field: field, key: "", values: listOf(match[field]).join(", ") })
        }
        for (const [field, group] of [["header", "headers"], ["metadata", "metadata"]]) {
            for (const key in (match[group] || {}))
                conditions.push({ field: field, key: key, values: listOf(match[group][key]).join(", ") })
        }
        return { name: rule.name || "", conditions: conditions,
                 targets: listOf(rule.deployments).map(id => ids.indexOf(id)).filter(i => i >= 0),
                 fallBack: rule.fall_back_to_others === true }
    })
    const limits = model.limits || {}
    return {
        name: model.model || "",
        strategy: model.strategy || "weighted",
        deployments: deployments,
        fallbacks: listOf(model.fallbacks).slice(),
        contextWindowFallbacks: listOf(model.context_window_fallbacks).slice(),
        canaryIndex: model.canary ? ids.indexOf(model.canary.deployment) : -1,
        canaryPercent: model.canary ? textOf(model.canary.percent) : "",
        rules: rules,
        cacheTtl: textOf(model.cache_ttl_s),
        rpm: textOf(limits.requests_per_minute), tpm: textOf(limits.tokens_per_minute), concurrent: textOf(limits.concurrent)
    }
}

// The parameter a rule condition stands for in the API: "rules[0].match.tenant",
// "rules[0].match.headers.X-Team".
function conditionParam(ruleIndex, condition) {
    const base = "rules[" + ruleIndex + "].match."
    if (condition.field === "header")
        return base + "headers" + (condition.key.trim().length > 0 ? "." + condition.key.trim() : "")
    if (condition.field === "metadata")
        return base + "metadata" + (condition.key.trim().length > 0 ? "." + condition.key.trim() : "")
    return base + condition.field
}

function splitValues(text) {
    return text.split(",").map(v => v.trim()).filter(v => v.length > 0)
}

// A whole number typed, or NaN.
function integerOf(text) {
    const trimmed = textOf(text).trim()
    return /^-?\d+$/.test(trimmed) ? Number(trimmed) : NaN
}
function numberOf(text) {
    const trimmed = textOf(text).trim()
    return /^-?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : NaN
}

// What the form gets wrong before anything is sent: {param: message}, the params the API would
// name. `isNew`: the model's name is part of the form.
function routeProblems(form, isNew) {
    const problems = {}
    const add = (param, message) => { if (problems[param] === undefined) problems[param] = message }
    if (isNew && form.name.trim().length === 0)
        add("model", qsTr("Give the model a public name."))
    if (form.deployments.length === 0)
        add("deployments", qsTr("Add at least one deployment."))
    form.deployments.forEach((d, i) => {
        const at = "deployments[" + i + "]."
        if (!d.provider)
            add(at + "provider", qsTr("Deployment %1: choose a provider.").arg(i + 1))
        if (d.model.trim().length === 0)
            add(at + "model", qsTr("Deployment %1: name the model at the provider.").arg(i + 1))
        const weight = integerOf(d.weight)
        if (!(weight >= 1))
            add(at + "weight", qsTr("Deployment %1: the weight must be a whole number of at least 1.").arg(i + 1))
        const priority = integerOf(d.priority)
        if (!(priority >= 0))
            add(at + "priority", qsTr("Deployment %1: the priority must be a whole number of 0 or more.").arg(i + 1))
        const hasIn = d.priceIn.trim().length > 0, hasOut = d.priceOut.trim().length > 0
        if (hasIn || hasOut) {
            if (!(numberOf(d.priceIn) >= 0))
                add(at + "price.input_per_million", qsTr("Deployment %1: the input price must be a number of 0 or more (USD per 1M tokens).").arg(i + 1))
            if (!(numberOf(d.priceOut) >= 0))
                add(at + "price.output_per_million", qsTr("Deployment %1: the output price must be a number of 0 or more (USD per 1M tokens).").arg(i + 1))
        }
        for (const [key, text] of [["requests_per_minute", d.rpm], ["tokens_per_minute", d.tpm]]) {
            if (text.trim().length > 0 && !(integerOf(text) >= 0))
                add(at + "limits." + key, qsTr("Deployment %1: its limits must be whole numbers of 0 or more (empty: no limit).").arg(i + 1))
        }
    })
    if (form.canaryIndex >= 0) {
        const percent = numberOf(form.canaryPercent)
        if (!(percent >= 0 && percent <= 100))
            add("canary.percent", qsTr("The canary's percent must be a number between 0 and 100."))
    }
    const names = []
    form.rules.forEach((rule, i) => {
        const at = "rules[" + i + "]"
        if (rule.name.trim().length === 0)
            add(at + ".name", qsTr("Rule %1: give it a name.").arg(i + 1))
        else if (names.indexOf(rule.name.trim()) >= 0)
            add(at + ".name", qsTr("Rule %1: another rule is named '%2'.").arg(i + 1).arg(rule.name.trim()))
        names.push(rule.name.trim())
        rule.conditions.forEach(c => {
            const param = conditionParam(i, c)
            if ((c.field === "header" || c.field === "metadata") && c.key.trim().length === 0)
                add(param, qsTr("Rule %1: name the %2 to compare.").arg(i + 1).arg(c.field === "header" ? qsTr("header") : qsTr("metadata key")))
            else if (splitValues(c.values).length === 0)
                add(param, qsTr("Rule %1: give the accepted values, separated by commas.").arg(i + 1))
        })
        if (rule.targets.length === 0)
            add(at + ".deployments", qsTr("Rule %1: choose at least one deployment to send its requests to.").arg(i + 1))
    })
    if (form.cacheTtl.trim().length > 0 && !(integerOf(form.cacheTtl) >= 0))
        add("cache_ttl_s", qsTr("The cache TTL must be a whole number of seconds (empty: the gateway's default)."))
    for (const [key, text] of [["requests_per_minute", form.rpm], ["tokens_per_minute", form.tpm], ["concurrent", form.concurrent]]) {
        if (text.trim().length > 0 && !(integerOf(text) >= 1))
            add("limits." + key, qsTr("Limits must be whole numbers of at least 1 (empty: no limit)."))
    }
    return problems
}

// The deployments and traffic policy keys of a model, from a form routeProblems() accepts: every
// key, so a PATCH sets exactly what the form shows (null: the default).
function routeBody(form) {
    const deployments = form.deployments.map(d => {
        const hasPrice = d.priceIn.trim().length > 0 || d.priceOut.trim().length > 0
        const limits = {}
        if (d.rpm.trim().length > 0) limits.requests_per_minute = integerOf(d.rpm)
        if (d.tpm.trim().length > 0) limits.tokens_per_minute = integerOf(d.tpm)
        if (d.concurrent !== null) limits.concurrent = d.concurrent
        return { provider: d.provider, model: d.model.trim(), weight: integerOf(d.weight), priority: integerOf(d.priority),
                 price: hasPrice ? { input_per_million: numberOf(d.priceIn), output_per_million: numberOf(d.priceOut) } : null,
                 limits: Object.keys(limits).length > 0 ? limits : null }
    })
    const ids = deployments.map(deploymentId)
    const rules = form.rules.map(rule => {
        const match = {}
        for (const c of rule.conditions) {
            const values = splitValues(c.values)
            if (c.field === "header" || c.field === "metadata") {
                const group = c.field === "header" ? "headers" : "metadata"
                match[group] = match[group] || {}
                match[group][c.key.trim()] = (match[group][c.key.trim()] || []).concat(values)
            } else {
                match[c.field] = (match[c.field] || []).concat(values)
            }
        }
        return { name: rule.name.trim(), match: match, deployments: rule.targets.slice().sort((a, b) => a - b).map(i => ids[i]),
                 fall_back_to_others: rule.fallBack }
    })
    const limits = {}
    if (form.rpm.trim().length > 0) limits.requests_per_minute = integerOf(form.rpm)
    if (form.tpm.trim().length > 0) limits.tokens_per_minute = integerOf(form.tpm)
    if (form.concurrent.trim().length > 0) limits.concurrent = integerOf(form.concurrent)
    return {
        deployments: deployments,
        strategy: form.strategy,
        fallbacks: form.fallbacks.slice(),
        context_window_fallbacks: form.contextWindowFallbacks.slice(),
        canary: form.canaryIndex >= 0 && form.canaryIndex < ids.length
            ? { deployment: ids[form.canaryIndex], percent: numberOf(form.canaryPercent) } : null,
        rules: rules,
        cache_ttl_s: form.cacheTtl.trim().length > 0 ? integerOf(form.cacheTtl) : null,
        limits: Object.keys(limits).length > 0 ? limits : null
    }
}

// Whether the API's `param` (or a client-side problem's) is about the input `field`: the same
// parameter, a part of it ("fallbacks[0]" for the fallbacks, "rules[0].deployments[1]" for the
// rule's targets) or the whole it belongs to ("deployments[1]" for its weight, "canary" for its percent).
function paramMarks(param, field) {
    if (!param || !field)
        return false
    const within = (inner, outer) => inner === outer || inner.startsWith(outer + ".") || inner.startsWith(outer + "[")
    return within(param, field) || within(field, param)
}

// routeBody() without what is at its default (weight 1, priority 0, no price nor limits, the weighted
// strategy, empty lists, nulls): the short body that creates a model.
function compactRouteBody(body) {
    const compact = {}
    compact.deployments = body.deployments.map(d => {
        const entry = { provider: d.provider, model: d.model }
        if (d.weight !== 1) entry.weight = d.weight
        if (d.priority !== 0) entry.priority = d.priority
        if (d.price !== null) entry.price = d.price
        if (d.limits !== null) entry.limits = d.limits
        return entry
    })
    for (const key in body) {
        const value = body[key]
        if (key === "deployments" || value === null || (Array.isArray(value) && value.length === 0)
                || (key === "strategy" && value === "weighted"))
            continue
        compact[key] = value
    }
    return compact
}
