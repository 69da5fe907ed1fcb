// The Prices page's words and requests (docs/pricing.md; docs/admin-api.md, "Prices"): an entry's
// origin, its prices for people, the form of a new entry, its check, and the bodies and targets.
.pragma library
.import "Governance.js" as Governance

// The price keys, in the table's and the form's order.
const priceKeys = [
    { key: "input_per_million", label: qsTr("Input"), required: true },
    { key: "output_per_million", label: qsTr("Output"), required: true },
    { key: "cached_input_per_million", label: qsTr("Cached input"), required: false },
    { key: "cache_write_per_million", label: qsTr("Cache write"), required: false }
]

// Today in UTC, "2026-12-05": the day an entry without a date takes effect from (as the API).
function today(nowMs) {
    return new Date(nowMs === undefined ? Date.now() : nowMs).toISOString().substring(0, 10)
}

// A real day written YYYY-MM-DD.
function isDate(text) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(Governance.textOf(text).trim())
    if (!match)
        return false
    const d = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    return d.getUTCFullYear() === Number(match[1]) && d.getUTCMonth() === Number(match[2]) - 1 && d.getUTCDate() === Number(match[3])
}

function originText(origin) {
    switch (origin) {
    case "default": return qsTr("Shipped")
    case "file": return qsTr("Config file")
    case "store": return qsTr("Set here")
    default: return Governance.textOf(origin)
    }
}
function originTone(origin) {
    return origin === "store" ? "success" : origin === "file" ? "accent" : "neutral"
}

// USD per 1M tokens for people: "2.5", "0.075", "—" when the entry has none (the input price applies).
function priceText(value) {
    if (value === null || value === undefined || value === "")
        return "—"
    return String(Number(Number(value).toFixed(6)))
}

// "openai" or "any provider".
function providerText(provider) {
    return Governance.textOf(provider).length > 0 ? provider : qsTr("any")
}

// Whether an entry shows for the filter: the words typed, each found in its provider, model, source,
// note or date (any case).
function matches(entry, text) {
    const words = Governance.textOf(text).toLowerCase().split(/\s+/).filter(w => w.length > 0)
    if (words.length === 0)
        return true
    const haystack = [entry.provider, entry.model, entry.source, entry.note, entry.effective_date, originText(entry.origin)]
        .map(v => Governance.textOf(v).toLowerCase()).join(" ")
    return words.every(word => haystack.indexOf(word) >= 0)
}

// The form of a new entry: empty, or from `entry` (its provider, model, prices and source) taking
// effect `day`: editing stores a new effective-dated entry, it never rewrites the old one.
function priceForm(entry, day) {
    const form = { provider: "", model: "", effectiveDate: day, source: "", reason: "" }
    for (const price of priceKeys)
        form[price.key] = ""
    if (entry) {
        form.provider = Governance.textOf(entry.provider)
        form.model = Governance.textOf(entry.model)
        form.source = Governance.textOf(entry.source)
        for (const price of priceKeys)
            form[price.key] = entry[price.key] === null || entry[price.key] === undefined ? "" : String(entry[price.key])
    }
    return form
}

// What the form gets wrong before anything is sent: {param: message}, the params the API would name.
function priceProblems(form) {
    const problems = {}
    if (!/^[a-z0-9_-]*$/.test(form.provider.trim()))
        problems.provider = qsTr("The provider is a family in lowercase letters, digits, '-' and '_' (openai, anthropic, gemini…), or empty for any provider.")
    if (form.model.trim().length === 0)
        problems.model = qsTr("Name the model, as the provider calls it (gpt-4o).")
    if (!isDate(form.effectiveDate))
        problems.effective_date = qsTr("Write the day it takes effect as YYYY-MM-DD.")
    for (const price of priceKeys) {
        const text = form[price.key].trim()
        if (text.length === 0 && !price.required)
            continue
        if (!(Governance.numberOf(text) >= 0))
            problems[price.key] = price.required
                ? qsTr("%1: a price of 0 or more, in USD per 1M tokens.").arg(price.label)
                : qsTr("%1: a price of 0 or more in USD per 1M tokens, or empty for the input price.").arg(price.label)
    }
    return problems
}

// PUT /admin/v1/prices's body from a checked form.
function priceBody(form) {
    const body = { model: form.model.trim(), effective_date: form.effectiveDate.trim(), currency: "USD" }
    if (form.provider.trim().length > 0)
        body.provider = form.provider.trim()
    for (const price of priceKeys) {
        if (form[price.key].trim().length > 0)
            body[price.key] = Governance.numberOf(form[price.key])
    }
    if (form.source.trim().length > 0)
        body.source = form.source.trim()
    if (form.reason.trim().length > 0)
        body.reason = form.reason.trim()
    return body
}

// DELETE of a stored entry: it is named by provider, model and day.
function deleteTarget(entry, reason) {
    return "/admin/v1/prices" + Governance.query({ provider: entry.provider, model: entry.model, effective_date: entry.effective_date,
        reason: Governance.textOf(reason).trim() })
}

function importTarget(effectiveDate, reason) {
    return "/admin/v1/prices/import" + Governance.query({ effective_date: effectiveDate.trim(), reason: Governance.textOf(reason).trim() })
}

// A file's text as a LiteLLM price file: {prices} (the object of model ids) or {error}.
function readLiteLlm(text, fileName) {
    let parsed
    try {
        parsed = JSON.parse(text)
    } catch (e) {
        return { error: qsTr("%1 is not JSON: %2").arg(fileName).arg(e.message) }
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        return { error: qsTr("%1 is not a LiteLLM price file: that is a JSON object of model ids, each with its prices.").arg(fileName) }
    return { prices: parsed, models: Object.keys(parsed).length }
}

function number(n) {
    return Number(n || 0).toLocaleString(Qt.locale(), "f", 0)
}
// "1 entry", "1,204 entries".
function entriesText(count) {
    return count === 1 ? qsTr("1 entry") : qsTr("%1 entries").arg(number(count))
}

// What an import did, in a sentence: the API's counts.
function importSummary(answer, fileName) {
    let text = qsTr("Imported %1 prices from %2 effective %3 (%4 new, %5 updated).").arg(number(answer.imported)).arg(fileName)
        .arg(answer.effective_date).arg(number(answer.created)).arg(number(answer.updated))
    if (answer.skipped > 0) {
        // Each example is "dall-e-3: mode image_generation is not priced per token": the ids say enough here.
        const examples = (answer.skipped_examples || []).slice(0, 3).map(e => String(e).split(":")[0]).join(", ")
        text += " " + qsTr("Skipped %1 not priced per token (images, audio, per-call prices) or malformed%2.").arg(number(answer.skipped))
            .arg(examples.length > 0 ? ": " + examples + (answer.skipped > 3 ? ", …" : "") : "")
    }
    return text
}
