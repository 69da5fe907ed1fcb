// The Prompts page's words and requests (docs/prompts.md; docs/admin-api.md, "Prompts"): labels and
// their splits for people, a version's form and body, a label's split rows, the targets.
.pragma library
.import "Governance.js" as Governance
.import "Analytics.js" as Analytics

const roles = ["system", "user", "assistant"]
const variableTypes = ["string", "number", "integer", "boolean", "json"]
// The request fields a version may set (core/prompts kPromptParameters), in the editor's order.
const parameterNames = ["temperature", "top_p", "max_tokens", "max_completion_tokens", "response_format", "tools", "tool_choice",
    "stop", "seed", "presence_penalty", "frequency_penalty"]
// Those with a field of their own; the others are edited together as JSON.
const parameterFields = [
    { key: "temperature", label: qsTr("Temperature"), integer: false, placeholder: "0.2" },
    { key: "top_p", label: qsTr("Top p"), integer: false, placeholder: "1" },
    { key: "max_tokens", label: qsTr("Max tokens"), integer: true, placeholder: "300" }
]
// The ranges the comparison offers.
const statsRanges = Analytics.ranges.filter(range => range.key !== "1h")

// A prompt or a label name as the API takes it: [a-z0-9][a-z0-9._-]{0,63}.
function isName(text) {
    return /^[a-z0-9][a-z0-9._-]{0,63}$/.test(Governance.textOf(text))
}

function promptPath(name) {
    return "/admin/v1/prompts/" + encodeURIComponent(name)
}
function labelPath(name, label) {
    return promptPath(name) + "/labels/" + encodeURIComponent(label)
}
function diffTarget(name, from, to) {
    return promptPath(name) + "/diff" + Governance.query({ from: from, to: to })
}
function testRunTarget(name, version) {
    return promptPath(name) + "/versions/" + version + "/test-run"
}
// The comparison's range up to `nowMs`.
function statsTarget(name, rangeKey, nowMs) {
    const until = Math.round(nowMs === undefined ? Date.now() : nowMs)
    return promptPath(name) + "/stats" + Governance.query({ since_ms: until - Analytics.rangeMs(rangeKey), until_ms: until })
}

// A share of a split for people: "90%", "33.3%".
function percentText(weight, total) {
    if (!(total > 0) || !(weight >= 0))
        return "—"
    const percent = weight * 100 / total
    return (Number.isInteger(percent) ? String(percent) : String(Math.round(percent * 10) / 10)) + "%"
}
// A label's versions: "v3", or by weight "v3 90% / v4 10%".
function splitText(split) {
    if (!split || split.length === 0)
        return "—"
    if (split.length === 1)
        return "v" + split[0].version
    const total = split.reduce((sum, entry) => sum + entry.weight, 0)
    return split.map(entry => "v" + entry.version + " " + percentText(entry.weight, total)).join(" / ")
}
// Every label of a prompt: "production → v3 · staging → v3 90% / v4 10%"; "" for none.
function labelsText(labels) {
    return (labels || []).map(label => label.label + " → " + splitText(label.split)).join("  ·  ")
}

// ---- A label's split, as the dialog holds it: rows of {version, weight}, typed text.

function splitRows(label, latest) {
    if (label && label.split && label.split.length > 0)
        return label.split.map(entry => ({ version: String(entry.version), weight: String(entry.weight) }))
    return [{ version: latest ? String(latest) : "", weight: "100" }]
}
// Each row's share of the whole, for people ("90%"; "—" while a weight is not one).
function splitShares(rows) {
    const weights = rows.map(row => Governance.integerOf(row.weight))
    const valid = weights.every(w => w >= 1)
    const total = weights.reduce((sum, w) => sum + (w >= 1 ? w : 0), 0)
    return weights.map(w => valid ? percentText(w, total) : "—")
}
// What the split gets wrong before it is sent: {param: message}, the params the API would name.
function splitProblems(rows, versions) {
    const problems = {}
    const seen = {}
    if (rows.length === 0)
        problems.split = qsTr("Point the label at one version at least.")
    rows.forEach((row, i) => {
        const version = Governance.integerOf(row.version)
        if (versions.indexOf(version) < 0)
            problems["split[" + i + "].version"] = qsTr("Choose one of the prompt's versions.")
        else if (seen[version])
            problems["split[" + i + "].version"] = qsTr("Version %1 is named twice: give it one row.").arg(version)
        seen[version] = true
        const weight = Governance.integerOf(row.weight)
        if (!(weight >= 1 && weight <= 1000000))
            problems["split[" + i + "].weight"] = qsTr("A weight is a whole number from 1 to 1,000,000.")
    })
    return problems
}
function splitBody(rows) {
    return { split: rows.map(row => ({ version: Governance.integerOf(row.version), weight: Governance.integerOf(row.weight) })) }
}
// What a label change does, for its confirmation: the deploy in one sentence.
function deployText(prompt, label, before, rows) {
    const after = splitText(splitBody(rows).split)
    if (before && splitText(before.split) === after)
        return qsTr("Nothing changes: calls to %1 with the label %2 get %3 already.").arg(prompt).arg(label).arg(after)
    if (!before)
        return qsTr("This is a deploy: calls to %1 with the label %2 get %3 from now on.").arg(prompt).arg(label).arg(after)
    return qsTr("This is a deploy: calls to %1 with the label %2 get %3 from now on, instead of %4.").arg(prompt).arg(label).arg(after)
        .arg(splitText(before.split))
}

// ---- A version's form: what the editor shows, as text, from a version as the API gives it.

function parameterText(value) {
    return value === undefined || value === null ? "" : JSON.stringify(value)
}
function versionForm(version) {
    const parameters = version && version.parameters ? version.parameters : {}
    const form = {
        model: version ? Governance.textOf(version.model) : "",
        messages: version && version.messages && version.messages.length > 0
            ? version.messages.map(m => ({ role: m.role, content: m.content }))
            : [{ role: "system", content: "" }, { role: "user", content: "" }],
        variables: version && version.variables ? version.variables : [],
        parameters: {},
        otherParameters: "",
        overridable: version && version.overridable ? version.overridable.slice() : [],
        note: ""
    }
    const other = {}
    for (const name in parameters) {
        if (parameterFields.some(field => field.key === name))
            form.parameters[name] = parameterText(parameters[name])
        else
            other[name] = parameters[name]
    }
    for (const field of parameterFields) {
        if (form.parameters[field.key] === undefined)
            form.parameters[field.key] = ""
    }
    form.otherParameters = Object.keys(other).length > 0 ? JSON.stringify(other, null, 2) : ""
    return form
}
// The parameters of a form: {parameters} or {param, message} for the first that is not one.
function formParameters(form) {
    const parameters = {}
    for (const field of parameterFields) {
        const text = Governance.textOf(form.parameters[field.key]).trim()
        if (text.length === 0)
            continue
        const value = field.integer ? Governance.integerOf(text) : Governance.numberOf(text)
        if (isNaN(value))
            return { param: "parameters." + field.key, message: field.integer ? qsTr("%1: a whole number, or empty for the model's default.").arg(field.label)
                : qsTr("%1: a number, or empty for the model's default.").arg(field.label) }
        parameters[field.key] = value
    }
    const otherText = Governance.textOf(form.otherParameters).trim()
    if (otherText.length > 0) {
        let other
        try {
            other = JSON.parse(otherText)
        } catch (e) {
            return { param: "parameters", message: qsTr("Other parameters: not JSON (%1).").arg(e.message) }
        }
        if (other === null || typeof other !== "object" || Array.isArray(other))
            return { param: "parameters", message: qsTr("Other parameters: a JSON object such as {\"stop\": [\"\\n\\n\"]}.") }
        for (const name in other)
            parameters[name] = other[name]
    }
    return { parameters: parameters }
}
// A value from C++ (a QVariantList, a QVariantMap) as plain JSON data: a body holding such a wrapper
// does not convert to the JSON object the admin client sends.
function plain(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}
// POST /admin/v1/prompts/{name}/versions's body from a form and the variables panel's declarations.
// A form whose parameters are not readable gives {param, message} instead.
function versionBody(form, variables) {
    const read = formParameters(form)
    if (read.param)
        return read
    return { body: { model: Governance.textOf(form.model).trim(), messages: form.messages.map(m => ({ role: m.role, content: m.content })),
        variables: plain(variables), parameters: read.parameters, overridable: form.overridable.slice(), note: Governance.textOf(form.note).trim() } }
}
// The message an API param is about: "messages[1].content" → 1; -1 for none.
function messageOfParam(param) {
    const match = /^messages\[(\d+)\]/.exec(Governance.textOf(param))
    return match ? Number(match[1]) : -1
}

// ---- Versions and runs for people.

function versionTitle(version) {
    return version ? qsTr("v%1").arg(version.version) : "—"
}
// "v3 · shorter answers": a version in a choice.
function versionChoiceText(version) {
    return Governance.textOf(version.note).length > 0 ? "v" + version.version + " · " + version.note : "v" + version.version
}
// "v3 · shorter answers · ada · 2026-12-05 10:04".
function versionText(version) {
    if (!version)
        return ""
    const parts = ["v" + version.version]
    if (Governance.textOf(version.note).length > 0)
        parts.push(version.note)
    parts.push(Governance.textOf(version.created_by))
    parts.push(Governance.dateTime(version.created_at_ms))
    return parts.filter(p => p.length > 0).join(" · ")
}
// "412 in · 96 out".
function tokensText(usage) {
    if (!usage)
        return "—"
    return qsTr("%1 in · %2 out").arg(Analytics.count(usage.prompt_tokens)).arg(Analytics.count(usage.completion_tokens))
}
// Money per call: below a cent with two significant digits ("$0.0020"), else as the Analytics page.
function costText(usd) {
    if (usd === null || usd === undefined || isNaN(usd))
        return "—"
    if (usd > 0 && usd < 0.01)
        return "$" + Number(usd).toFixed(1 - Math.floor(Math.log10(usd)))
    return Analytics.usd(usd)
}
// A variable's input for people: what leaving it empty does.
function emptyMeaning(variable, draft) {
    if (variable.default !== null && variable.default !== undefined)
        return qsTr("empty: the default, %1").arg(draft.valueText(variable.default, variable.type))
    return variable.required ? qsTr("required") : qsTr("empty: inserts nothing")
}
// The test run's body: the inputs that have a value, each read as its variable's type; or
// {problems: {name: message}} for those that are not of it.
function testRunBody(variables, inputs, model, draft) {
    const values = {}
    const problems = {}
    for (const variable of variables) {
        const text = inputs[variable.name]
        if (text === undefined || text === null || text === "")
            continue
        const parsed = draft.parseValue(variable.type, text)
        if (parsed.ok)
            values[variable.name] = plain(parsed.value)
        else
            problems[variable.name] = qsTr("%1: %2").arg(variable.name).arg(parsed.error)
    }
    if (Object.keys(problems).length > 0)
        return { problems: problems }
    const body = { variables: values }
    if (Governance.textOf(model).trim().length > 0)
        body.model = model.trim()
    return { body: body }
}
// A test run's answer for people: the chat completion's first message, or the error's message (the
// gateway's or the provider's); any other answer as JSON.
function answerText(answer) {
    if (answer === null || answer === undefined)
        return ""
    if (typeof answer === "string")
        return answer
    if (Array.isArray(answer.choices) && answer.choices.length > 0) {
        const message = answer.choices[0].message || {}
        if (typeof message.content === "string" && message.content.length > 0)
            return message.content
        if (message.tool_calls)
            return JSON.stringify(message.tool_calls, null, 2)
    }
    if (answer.error && typeof answer.error.message === "string")
        return answer.error.message
    return JSON.stringify(answer, null, 2)
}
