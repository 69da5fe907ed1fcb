// A stand-in for the console's AdminClient in Qt Quick Tests: the admin API's list and change
// endpoints that the governance pages use, in memory, with its answer shapes and error messages
// (docs/admin-api.md). Answers arrive later, never inside request(), as the real clients' do.
// Rate limits and budgets are the config file's (source config_file: read-only, 409) and the
// store's; their usage (/admin/v1/traffic/...) is worked out from `used` and `spent`. Prices are
// the merged table of `prices` (origins default, file and store), checked as the API checks them.
// Prompts are `promptList` with their versions and labels: versions and splits checked as the API
// checks them, a line diff, canned stats (`promptStats`) and a test run that renders the version.
import QtQuick

QtObject {
    id: api

    property string location: "this console's gateway"
    // Every request, in order: {method, target, body}.
    property var sent: []
    // When set ({status, message, code?, param?}), the next change (not a GET) fails with it.
    property var failNext: null
    // Starts a day ago and moves a minute per change, so everything is in the past but recent.
    property double clock: Date.now() - 86400000

    property var tenants: []
    property var consumers: []
    property var keys: []
    property var requests: []
    property var audit: []
    property int nextId: 1
    // Entries as GET /admin/v1/limits and /budgets answer them (the file's with source config_file).
    property var limits: []
    property var budgets: []
    // Usage now: {"key/gk-x": {requests, tokens, in_flight}} and {"key/gk-x/monthly": USD spent}.
    property var used: ({})
    property var spent: ({})
    property string configFile: "/etc/gatehouse/gatehouse.yaml"
    // Price entries, each with its origin ("default", "file", "store"), as GET /admin/v1/prices lists them.
    property var prices: []
    // When set ({status, message}), every GET /admin/v1/prices fails with it.
    property var failPrices: null
    // Managed prompts: {name, description, created_at_ms, versions: [...], labels: [...]}, by name.
    property var promptList: []
    // The models GET /admin/v1/models lists as served, and entries that are only access settings.
    property var servedModels: ["gpt-4o", "mock-chat"]
    property var accessOnlyModels: [{ model: "prompt:summarise", served: false }]
    // GET /admin/v1/prompts/{name}/stats's rows, by prompt name.
    property var promptStats: ({})
    // When set, the test run's call answers with it: {status, answer} (the chat completion's body).
    property var testRunCall: null
    // When set ({status, message}), every GET /admin/v1/prompts (the list) fails with it.
    property var failPrompts: null

    signal changed()

    property var queue: []
    property Timer deliverer: Timer {
        interval: 0
        onTriggered: {
            const due = api.queue
            api.queue = []
            for (let i = 0; i < due.length; ++i) {
                due[i].callback(due[i].reply)
                if (due[i].reply.ok && due[i].method !== "GET")
                    api.changed()
            }
        }
    }

    function answer(status, body) {
        return { status: status, ok: status >= 200 && status < 300, body: body, error: "", text: "" }
    }
    function failure(status, message, code, param) {
        const reply = answer(status, { error: { message: message, type: "invalid_request_error", param: param || null, code: code } })
        reply.error = message
        return reply
    }
    function now() {
        clock += 60000
        return clock
    }
    function record(actor, action, type, id, before, after, reason) {
        audit.unshift({ id: nextId++, at_ms: now(), actor: actor, action: action, entity_type: type, entity_id: String(id),
            before: before, after: after, reason: reason || "" })
    }
    function copy(value) {
        return JSON.parse(JSON.stringify(value))
    }
    function page(all, query) {
        const limit = query.limit ? Number(query.limit) : 50
        const offset = query.offset ? Number(query.offset) : 0
        return answer(200, { data: copy(all.slice(offset, offset + limit)), total: all.length, limit: limit, offset: offset })
    }
    function byId(list, id) {
        for (let i = 0; i < list.length; ++i) {
            if (list[i].id === id)
                return list[i]
        }
        return null
    }

    // Fills the API as a page would find it: two tenants, three consumers, keys and requests.
    function seed() {
        const acme = addTenant("acme")
        addTenant("globex")
        const billing = addConsumer(acme.id, "billing", "Monthly invoices")
        addConsumer(acme.id, "search", "Site search")
        addKey(billing.id, "reports", null)
        addKey(billing.id, "batch", null)
        addRequest(billing.id, "gpt-4o", "monthly reports", "pending")
        const done = addRequest(billing.id, "claude-3", "summaries", "rejected")
        done.note = "no budget this quarter"
        done.decided_by = "ops"
        done.decided_at_ms = now()
        return { acme: acme, billing: billing }
    }
    function addTenant(name) {
        const tenant = { id: nextId++, name: name, created_at_ms: now() }
        tenants.push(tenant)
        record("console:test", "tenant.create", "tenant", tenant.id, null, copy(tenant))
        return tenant
    }
    function addConsumer(tenantId, name, description) {
        const consumer = { id: nextId++, tenant_id: tenantId, tenant: byId(tenants, tenantId).name, name: name,
            description: description || "", created_at_ms: now() }
        consumers.push(consumer)
        record("console:test", "consumer.create", "consumer", consumer.id, null, copy(consumer))
        return consumer
    }
    function addKey(consumerId, name, expiresAt) {
        const consumer = byId(consumers, consumerId)
        const id = nextId++
        const key = { id: id, name: name, prefix: "gk-Key" + ("0000" + id).slice(-4), consumer_id: consumerId, tenant: consumer.tenant,
            created_at_ms: now(), expires_at_ms: expiresAt, revoked_at_ms: null }
        keys.push(key)
        return key
    }
    function addRequest(consumerId, model, reason, state) {
        const request = { id: nextId++, consumer_id: consumerId, model: model, state: state, grant: false, reason: reason || "",
            note: "", requested_by: "ops", decided_by: null, created_at_ms: now(), decided_at_ms: null }
        requests.unshift(request)
        return request
    }

    function request(method, target, body, callback) {
        sent = sent.concat([{ method: method, target: target, body: body }])
        let reply
        if (method !== "GET" && failNext) {
            reply = failure(failNext.status, failNext.message, failNext.code || "conflict", failNext.param)
            failNext = null
        } else {
            reply = respond(method, target, body || {})
        }
        queue = queue.concat([{ callback: callback, reply: reply, method: method }])
        deliverer.restart()
    }

    function respond(method, target, body) {
        const [path, queryText] = target.split("?")
        const query = {}
        if (queryText) {
            for (const part of queryText.split("&")) {
                const [name, value] = part.split("=")
                query[decodeURIComponent(name)] = decodeURIComponent(value)
            }
        }
        const parts = path.split("/").slice(3) // after /admin/v1
        const id = parts.length > 1 ? Number(parts[1]) : 0
        const what = parts[0]
        const actor = "console:test"

        if (what === "tenants") {
            if (method === "GET")
                return page(tenants.slice().sort((a, b) => a.name.localeCompare(b.name)), query)
            if (method === "POST") {
                if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(body.name || ""))
                    return failure(400, "name: '" + body.name + "' may only contain letters, digits, '-', '_' and '.'", "invalid_value")
                if (tenants.some(t => t.name === body.name))
                    return failure(409, "tenant '" + body.name + "' already exists", "conflict")
                return answer(201, copy(addTenant(body.name)))
            }
            const tenant = byId(tenants, id)
            if (!tenant)
                return failure(404, "tenant " + id + " does not exist", "not_found")
            if (method === "PATCH") {
                const before = copy(tenant)
                tenant.name = body.name
                consumers.forEach(c => { if (c.tenant_id === id) c.tenant = body.name })
                record(actor, "tenant.rename", "tenant", id, before, copy(tenant), body.reason)
                return answer(200, copy(tenant))
            }
            if (method === "DELETE") {
                if (consumers.some(c => c.tenant_id === id))
                    return failure(409, "tenant '" + tenant.name + "' still has consumers; delete them first", "conflict")
                tenants = tenants.filter(t => t.id !== id)
                record(actor, "tenant.delete", "tenant", id, copy(tenant), null, query.reason)
                return answer(200, copy(tenant))
            }
        }
        if (what === "consumers") {
            if (method === "GET") {
                const tenantId = query.tenant_id ? Number(query.tenant_id) : 0
                return page(consumers.filter(c => !tenantId || c.tenant_id === tenantId), query)
            }
            if (method === "POST") {
                if (!byId(tenants, body.tenant_id))
                    return failure(404, "tenant " + body.tenant_id + " does not exist", "not_found")
                if (consumers.some(c => c.tenant_id === body.tenant_id && c.name === body.name))
                    return failure(409, "consumer '" + body.name + "' already exists", "conflict")
                return answer(201, copy(addConsumer(body.tenant_id, body.name, body.description)))
            }
            const consumer = byId(consumers, id)
            if (!consumer)
                return failure(404, "consumer " + id + " does not exist", "not_found")
            if (method === "PATCH") {
                const before = copy(consumer)
                consumer.description = body.description
                record(actor, "consumer.update", "consumer", id, before, copy(consumer), body.reason)
                return answer(200, copy(consumer))
            }
            if (method === "DELETE") {
                if (keys.some(k => k.consumer_id === id && k.revoked_at_ms === null))
                    return failure(409, "consumer '" + consumer.name + "' still has usable keys; revoke them first", "conflict")
                consumers = consumers.filter(c => c.id !== id)
                requests = requests.filter(r => r.consumer_id !== id)
                record(actor, "consumer.delete", "consumer", id, copy(consumer), null, query.reason)
                return answer(200, copy(consumer))
            }
        }
        if (what === "keys") {
            if (method === "GET") {
                const consumerId = query.consumer_id ? Number(query.consumer_id) : 0
                return page(keys.filter(k => !consumerId || k.consumer_id === consumerId), query)
            }
            if (method === "POST" && parts.length === 1) {
                if (!byId(consumers, body.consumer_id))
                    return failure(404, "consumer " + body.consumer_id + " does not exist", "not_found")
                const key = addKey(body.consumer_id, body.name, body.expires_at_ms === undefined ? null : body.expires_at_ms)
                record(actor, "api_key.create", "api_key", key.id, null, copy(key))
                const created = copy(key)
                created.key = "gk-Secret" + key.id + "abcdefghijklmnopqrstuvwxyz0123"
                return answer(201, created)
            }
            const key = byId(keys, id)
            if (!key)
                return failure(404, "API key " + id + " does not exist", "not_found")
            if (parts[2] === "revoke") {
                if (key.revoked_at_ms !== null)
                    return failure(409, "API key " + id + " is already revoked", "conflict")
                const before = copy(key)
                key.revoked_at_ms = now()
                record(actor, "api_key.revoke", "api_key", id, before, copy(key), body.reason)
                return answer(200, copy(key))
            }
            if (parts[2] === "rotate") {
                const before = copy(key)
                key.expires_at_ms = Date.now() + (body.grace_seconds === undefined ? 86400 : body.grace_seconds) * 1000
                const next = addKey(key.consumer_id, key.name, null)
                record(actor, "api_key.rotate", "api_key", id, before, copy(key))
                const created = copy(next)
                created.key = "gk-Rotated" + next.id + "abcdefghijklmnopqrstuvwxyz012"
                created.rotated_key = copy(key)
                return answer(201, created)
            }
        }
        if (what === "access-requests") {
            if (method === "GET") {
                const consumerId = query.consumer_id ? Number(query.consumer_id) : 0
                return page(requests.filter(r => (!consumerId || r.consumer_id === consumerId)
                    && (!query.model || r.model === query.model) && (!query.state || r.state === query.state)), query)
            }
            if (method === "POST" && parts.length === 1) {
                if (!byId(consumers, body.consumer_id))
                    return failure(404, "consumer " + body.consumer_id + " does not exist", "not_found")
                const filed = addRequest(body.consumer_id, body.model, body.reason, "pending")
                record(actor, "access_request.create", "access_request", filed.id, null, copy(filed), body.reason)
                return answer(201, copy(filed))
            }
            const request = byId(requests, id)
            if (!request)
                return failure(404, "access request " + id + " does not exist", "not_found")
            const action = parts[2]
            if (request.state !== "pending")
                return failure(409, "access request " + id + ": cannot " + action + " a request that is " + request.state, "conflict")
            const before = copy(request)
            request.state = action === "approve" ? "approved" : "rejected"
            request.note = body.note || ""
            request.decided_by = actor
            request.decided_at_ms = now()
            record(actor, "access_request." + action, "access_request", id, before, copy(request), body.note)
            return answer(200, copy(request))
        }
        if (what === "limits" || what === "budgets")
            return policy(what, method, parts, body, query)
        if (what === "traffic" && method === "GET")
            return answer(200, { data: parts[1] === "rate-limits" ? limitUsage() : parts[1] === "budgets" ? budgetUsage() : [] })
        if (what === "prices")
            return priceEndpoint(method, parts, body, query)
        if (what === "prompts")
            return promptEndpoint(method, parts, body, query)
        if (what === "models" && method === "GET" && parts.length === 1)
            return page(servedModels.map(m => ({ model: m, served: true })).concat(accessOnlyModels), query)
        if (what === "audit") {
            const entries = audit.filter(e => (!query.entity_type || e.entity_type === query.entity_type)
                && (!query.since_ms || e.at_ms >= Number(query.since_ms)) && (!query.until_ms || e.at_ms < Number(query.until_ms)))
            if (query.format === "csv") {
                const limit = query.limit ? Number(query.limit) : 1000
                const offset = query.offset ? Number(query.offset) : 0
                const quote = v => "\"" + String(v === null ? "" : typeof v === "object" ? JSON.stringify(v) : v).replace(/"/g, "\"\"") + "\""
                let csv = "id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason\r\n"
                for (const e of entries.slice(offset, offset + limit))
                    csv += [e.id, e.at_ms, new Date(e.at_ms).toISOString(), e.actor, e.action, e.entity_type, e.entity_id, e.before, e.after, e.reason]
                        .map(quote).join(",") + "\r\n"
                const reply = answer(200, null)
                reply.text = csv
                return reply
            }
            return page(entries, query)
        }
        return failure(404, "no such endpoint: " + method + " " + path, "not_found")
    }

    // ---- Rate limits and budgets, checked as the API checks them (core/config readLimitEntry,
    // readBudgetEntry) and answered in its shapes.

    function describe(entry) {
        return entry.scope + " '" + entry.id + "'"
    }
    function fileRefusal(what) {
        return failure(409, what + " is declared in " + configFile + ": change it there (its entries are read-only here)", "conflict")
    }
    function scopeProblem(body, budget) {
        const kinds = budget ? ["tenant", "consumer", "key"] : ["tenant", "consumer", "key", "model"]
        if (kinds.indexOf(body.scope) < 0)
            return failure(400, "scope: unknown scope '" + body.scope + "' (expected " + kinds.join(", ") + ")", "invalid_value", "scope")
        if (!body.id)
            return failure(400, "id: must not be empty", "invalid_value", "id")
        if (body.scope === "consumer" && !/^[^/]+\/[^/]+$/.test(body.id))
            return failure(400, "id: '" + body.id + "': a consumer is named tenant/consumer", "invalid_value", "id")
        return null
    }
    function same(a, b) {
        return a.scope === b.scope && a.id === b.id && (a.period === undefined || a.period === b.period)
    }
    function policy(what, method, parts, body, query) {
        const isBudget = what === "budgets"
        const entries = isBudget ? budgets : limits
        if (method === "GET")
            return page(entries.filter(e => e.source === "config_file").concat(entries.filter(e => e.source !== "config_file")), query)
        if (method === "PUT" && parts.length === 1) {
            const refused = scopeProblem(body, isBudget) || (isBudget ? budgetProblem(body) : limitProblem(body))
            if (refused)
                return refused
            const entry = isBudget
                ? { scope: body.scope, id: body.id, period: body.period || "monthly", limit_usd: body.limit_usd,
                    soft_limit_usd: body.soft_limit_usd === undefined ? null : body.soft_limit_usd,
                    soft_limit_fraction: body.soft_limit_fraction === undefined ? null : body.soft_limit_fraction }
                : { scope: body.scope, id: body.id, requests_per_minute: body.requests_per_minute === undefined ? null : body.requests_per_minute,
                    tokens_per_minute: body.tokens_per_minute === undefined ? null : body.tokens_per_minute,
                    concurrent: body.concurrent === undefined ? null : body.concurrent }
            const declared = entries.find(e => same(entry, e) && e.source === "config_file")
            if (declared)
                return fileRefusal(isBudget ? "the " + entry.period + " budget of " + describe(entry) : "the rate limit of " + describe(entry))
            entry.source = "store"
            entry.updated_at_ms = now()
            const kept = entries.filter(e => !same(entry, e))
            kept.push(entry)
            if (isBudget)
                budgets = kept
            else
                limits = kept
            return answer(200, copy(entry))
        }
        if (method === "DELETE" && parts.length >= 3) {
            const key = { scope: parts[1], id: decodeURIComponent(parts[2]) }
            if (isBudget)
                key.period = parts[3]
            const found = entries.find(e => same(key, e))
            if (!found)
                return failure(404, (isBudget ? "no budget" : "no rate limit") + " for '" + key.scope + "/" + key.id + "'", "not_found")
            if (found.source === "config_file")
                return fileRefusal(isBudget ? "the " + key.period + " budget of " + describe(key) : "the rate limit of " + describe(key))
            if (isBudget)
                budgets = entries.filter(e => e !== found)
            else
                limits = entries.filter(e => e !== found)
            return answer(200, copy(found))
        }
        return failure(405, "method not allowed", "method_not_allowed")
    }
    function limitProblem(body) {
        const dimensions = ["requests_per_minute", "tokens_per_minute", "concurrent"]
        for (const name of dimensions) {
            const value = body[name]
            if (value !== undefined && value !== null && !(Number.isInteger(value) && value >= 0 && value <= 1000000000))
                return failure(400, name + ": must be a whole number between 0 and 1000000000", "invalid_value", name)
        }
        if (dimensions.every(name => body[name] === undefined || body[name] === null))
            return failure(400, "a limit needs at least one of requests_per_minute, tokens_per_minute, concurrent", "missing_required_parameter")
        return null
    }
    function budgetProblem(body) {
        if (body.period !== undefined && ["daily", "weekly", "monthly", "total"].indexOf(body.period) < 0)
            return failure(400, "period: unknown period '" + body.period + "' (expected daily, weekly, monthly or total)", "invalid_value", "period")
        if (typeof body.limit_usd !== "number" || body.limit_usd <= 0)
            return failure(400, "limit_usd: must be more than 0", "invalid_value", "limit_usd")
        if (body.soft_limit_usd !== undefined && body.soft_limit_fraction !== undefined)
            return failure(400, "soft_limit_fraction: give soft_limit_usd or soft_limit_fraction, not both", "invalid_value", "soft_limit_fraction")
        if (body.soft_limit_usd !== undefined && !(body.soft_limit_usd < body.limit_usd))
            return failure(400, "soft_limit_usd: must be less than limit_usd", "invalid_value", "soft_limit_usd")
        if (body.soft_limit_fraction !== undefined && !(body.soft_limit_fraction > 0 && body.soft_limit_fraction < 1))
            return failure(400, "soft_limit_fraction: must be more than 0 and less than 1", "invalid_value", "soft_limit_fraction")
        return null
    }
    // The entries that apply: the file's where both declare one.
    function effective(entries) {
        return entries.filter(e => e.source === "config_file" || !entries.some(f => f !== e && same(e, f) && f.source === "config_file"))
    }
    function limitUsage() {
        return effective(limits).map(l => {
            const use = used[l.scope + "/" + l.id] || {}
            const left = (limit, count) => limit === null ? null : Math.max(0, limit - (count || 0))
            return { scope: l.scope, id: l.id, requests_per_minute: l.requests_per_minute, tokens_per_minute: l.tokens_per_minute,
                     concurrent: l.concurrent, requests_remaining: left(l.requests_per_minute, use.requests),
                     requests_reset_ms: l.requests_per_minute === null ? null : use.requests ? 15000 : 0,
                     tokens_remaining: left(l.tokens_per_minute, use.tokens),
                     tokens_reset_ms: l.tokens_per_minute === null ? null : use.tokens ? 24000 : 0, in_flight: use.in_flight || 0 }
        })
    }
    function budgetUsage() {
        return effective(budgets).map(b => {
            const spentUsd = spent[b.scope + "/" + b.id + "/" + b.period] || 0
            const soft = b.soft_limit_usd !== null ? b.soft_limit_usd : b.soft_limit_fraction !== null ? b.soft_limit_fraction * b.limit_usd : null
            return { scope: b.scope, id: b.id, period: b.period, limit_usd: b.limit_usd, soft_limit_usd: soft, spent_usd: spentUsd,
                     reserved_usd: 0, remaining_usd: Math.max(0, b.limit_usd - spentUsd), period_start: "2030-01-01T00:00:00Z",
                     resets_at: b.period === "total" ? null : "2030-02-01T00:00:00Z",
                     soft_threshold_reached: soft !== null && spentUsd >= soft, loaded: true }
        })
    }

    // ---- Prices, checked as the API checks them (core/config readPriceEntry, pricing/LiteLlmPrices).

    function utcToday() {
        return new Date().toISOString().substring(0, 10)
    }
    function isDay(text) {
        const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
        if (!match)
            return false
        const d = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
        return d.getUTCMonth() === Number(match[2]) - 1 && d.getUTCDate() === Number(match[3])
    }
    function sameSlot(a, b) {
        return (a.provider || "") === (b.provider || "") && a.model === b.model && a.effective_date === b.effective_date
    }
    // For each provider, model and day only the winner: store over file over default.
    function mergedPrices() {
        const rank = { store: 3, file: 2, default: 1 }
        const winners = prices.filter(e => !prices.some(f => f !== e && sameSlot(e, f) && rank[f.origin] > rank[e.origin]))
        const order = e => [e.provider || "", e.model, e.effective_date].join("\u0001")
        return winners.sort((a, b) => order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)
    }
    function priceProblem(body) {
        const known = ["provider", "model", "input_per_million", "output_per_million", "cached_input_per_million", "cache_write_per_million",
            "currency", "source", "effective_date", "note", "reason"]
        for (const name in body) {
            if (known.indexOf(name) < 0)
                return failure(400, name + ": unknown parameter", "unknown_parameter", name)
        }
        if (body.provider !== undefined && !/^[a-z0-9_-]*$/.test(body.provider))
            return failure(400, "provider: must be a provider family in lowercase letters, digits, '-' and '_' (openai, anthropic, gemini, mistral, ...)", "invalid_value", "provider")
        if (!body.model)
            return failure(400, "model: is required", "missing_required_parameter", "model")
        for (const name of ["input_per_million", "output_per_million", "cached_input_per_million", "cache_write_per_million"]) {
            const required = name === "input_per_million" || name === "output_per_million"
            if (body[name] === undefined && !required)
                continue
            if (typeof body[name] !== "number" || !(body[name] >= 0 && body[name] <= 1000000))
                return failure(400, name + ": must be a number between 0 and 1000000", required && body[name] === undefined ? "missing_required_parameter" : "invalid_value", name)
        }
        if (body.currency !== undefined && body.currency !== "USD")
            return failure(400, "currency: must be USD: costs, budgets and spending are kept in US dollars", "invalid_value", "currency")
        if (body.effective_date !== undefined && !isDay(body.effective_date))
            return failure(400, "effective_date: must be a date written YYYY-MM-DD, got '" + body.effective_date + "'", "invalid_value", "effective_date")
        return null
    }
    function priceFileRefusal(entry) {
        return failure(409, "the price of '" + entry.model + "' from " + entry.effective_date + " is declared in " + configFile
            + ": change it there (its entries are read-only here)", "conflict")
    }
    function storePrice(entry) {
        entry.origin = "store"
        entry.updated_at_ms = now()
        const existed = prices.some(e => e.origin === "store" && sameSlot(e, entry))
        prices = prices.filter(e => !(e.origin === "store" && sameSlot(e, entry))).concat([entry])
        return existed
    }
    function priceEndpoint(method, parts, body, query) {
        if (method === "GET" && parts.length === 1) {
            if (failPrices)
                return failure(failPrices.status, failPrices.message, "store_error")
            if (!query.limit)
                query.limit = 100
            return page(mergedPrices().filter(e => (!query.provider || e.provider === query.provider) && (!query.model || e.model === query.model)
                && (!query.origin || e.origin === query.origin)), query)
        }
        if (method === "PUT" && parts.length === 1) {
            const refused = priceProblem(body)
            if (refused)
                return refused
            const entry = { provider: body.provider || "", model: body.model, input_per_million: body.input_per_million,
                output_per_million: body.output_per_million, currency: "USD", source: body.source || "",
                effective_date: body.effective_date || utcToday(), note: body.note || "" }
            if (body.cached_input_per_million !== undefined)
                entry.cached_input_per_million = body.cached_input_per_million
            if (body.cache_write_per_million !== undefined)
                entry.cache_write_per_million = body.cache_write_per_million
            if (prices.some(e => e.origin === "file" && sameSlot(e, entry)))
                return priceFileRefusal(entry)
            storePrice(entry)
            return answer(200, copy(entry))
        }
        if (method === "DELETE" && parts.length === 1) {
            for (const name of ["model", "effective_date"]) {
                if (!query[name])
                    return failure(400, name + ": is required: the price to delete is named by ?provider=&model=&effective_date=", "missing", name)
            }
            const slot = { provider: query.provider || "", model: query.model, effective_date: query.effective_date }
            if (prices.some(e => e.origin === "file" && sameSlot(e, slot)))
                return priceFileRefusal(slot)
            const stored = prices.find(e => e.origin === "store" && sameSlot(e, slot))
            if (!stored)
                return failure(404, "no price of '" + slot.model + "' from " + slot.effective_date + " is stored", "not_found")
            prices = prices.filter(e => e !== stored)
            return answer(200, copy(stored))
        }
        if (method === "POST" && parts[1] === "import") {
            const day = query.effective_date || utcToday()
            if (!isDay(day))
                return failure(400, "effective_date: must be a date written YYYY-MM-DD, got '" + day + "'", "invalid_value", "effective_date")
            let imported = 0, created = 0, updated = 0
            const skipped = []
            for (const id in body) {
                const item = body[id]
                const perToken = ["chat", "completion", "embedding", "responses"].indexOf(item.mode) >= 0
                if (!perToken || typeof item.input_cost_per_token !== "number") {
                    skipped.push(id + ": mode " + item.mode + " is not priced per token")
                    continue
                }
                const slash = id.indexOf("/")
                const entry = { provider: item.litellm_provider || "", model: slash >= 0 ? id.substring(slash + 1) : id,
                    input_per_million: item.input_cost_per_token * 1e6, output_per_million: (item.output_cost_per_token || 0) * 1e6,
                    currency: "USD", source: "LiteLLM", effective_date: day, note: "" }
                if (prices.some(e => e.origin === "file" && sameSlot(e, entry)))
                    continue
                ++imported
                if (storePrice(entry))
                    ++updated
                else
                    ++created
            }
            return answer(200, { imported: imported, created: created, updated: updated, effective_date: day, skipped: skipped.length,
                skipped_examples: skipped.slice(0, 20) })
        }
        return failure(405, "method not allowed", "method_not_allowed")
    }

    // ---- Prompts, checked as the API checks them (core/prompts PromptVersion, PromptTemplate, with a
    // simpler placeholder scan that finds the tests' mistakes) and answered in its shapes.

    function promptSummary(prompt) {
        const last = prompt.versions.length > 0 ? prompt.versions[prompt.versions.length - 1].version : null
        return { name: prompt.name, description: prompt.description, latest_version: last, labels: copy(prompt.labels),
            created_at_ms: prompt.created_at_ms }
    }
    function findPrompt(name) {
        return promptList.find(p => p.name === name) || null
    }
    function addPrompt(name, description) {
        const prompt = { name: name, description: description || "", created_at_ms: now(), versions: [], labels: [] }
        promptList = promptList.concat([prompt]).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
        return prompt
    }
    // Adds a version as POST .../versions would (unchecked: for seeding).
    function addPromptVersion(name, fields) {
        const prompt = findPrompt(name)
        const version = { version: prompt.versions.length + 1, model: fields.model || "gpt-4o", messages: copy(fields.messages),
            variables: (fields.variables || []).map(v => ({ name: v.name, type: v.type || "string", required: v.required !== false,
                "default": v["default"] === undefined ? null : v["default"], description: v.description || "" })),
            parameters: copy(fields.parameters || {}), overridable: copy(fields.overridable || []), note: fields.note || "",
            created_at_ms: now(), created_by: fields.created_by || "console:test" }
        prompt.versions.push(version)
        return version
    }
    function setPromptLabel(name, label, split) {
        const prompt = findPrompt(name)
        prompt.labels = prompt.labels.filter(l => l.label !== label).concat([{ label: label, split: copy(split), updated_at_ms: now() }])
            .sort((a, b) => a.label < b.label ? -1 : 1)
    }
    // As the API words a refused field: the message starts with it.
    function refusePrompt(param, message, code) {
        return failure(400, message.startsWith(param + ": ") ? message : param + ": " + message, code || "invalid_value", param)
    }
    function isPromptName(name) {
        return typeof name === "string" && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)
    }
    function valueMatches(value, type) {
        switch (type) {
        case "string": return typeof value === "string"
        case "number": return typeof value === "number"
        case "integer": return typeof value === "number" && Number.isInteger(value)
        case "boolean": return typeof value === "boolean"
        default: return value !== undefined
        }
    }
    // Each placeholder of a content: {name} or {bad}, with its line and column.
    function placeholdersOf(content) {
        const found = []
        content.split("\n").forEach((line, l) => {
            for (let i = 0; i < line.length; ++i) {
                if (line[i] === "\\" && line.substr(i + 1, 2) === "{{") {
                    i += 2
                    continue
                }
                if (line.substr(i, 2) !== "{{" || line[i + 2] === "{")
                    continue
                const match = /^\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/.exec(line.substring(i))
                found.push(match ? { name: match[1], line: l + 1, column: i + 1 } : { bad: true, line: l + 1, column: i + 1 })
                i += match ? match[0].length - 1 : 1
            }
        })
        return found
    }
    function versionProblem(body) {
        const known = ["model", "messages", "variables", "parameters", "overridable", "note"]
        for (const name in body) {
            if (known.indexOf(name) < 0)
                return refusePrompt(name, name + ": is not a field here", "unknown_field")
        }
        if (typeof body.model !== "string" || body.model.length === 0)
            return refusePrompt("model", "model: required: a non-empty string")
        if (!Array.isArray(body.messages) || body.messages.length === 0)
            return refusePrompt("messages", "messages: required: an array of {\"role\", \"content\"} objects, at least one")
        for (let i = 0; i < body.messages.length; ++i) {
            if (typeof body.messages[i].content !== "string" || body.messages[i].content.length === 0)
                return refusePrompt("messages[" + i + "].content", "messages[" + i + "].content: required: a non-empty string")
        }
        const variables = body.variables || []
        const declared = {}
        for (const variable of variables) {
            if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(variable.name || ""))
                return refusePrompt("variables", "Variable name '" + variable.name + "' is not valid", "invalid_template")
            if (declared[variable.name])
                return refusePrompt("variables", "Variable '" + variable.name + "' is declared twice.", "invalid_template")
            if (variable["default"] !== undefined && variable["default"] !== null && !valueMatches(variable["default"], variable.type || "string"))
                return refusePrompt("variables", "The default of variable '" + variable.name + "' must be of type " + variable.type + ".", "invalid_template")
            declared[variable.name] = true
        }
        for (let i = 0; i < body.messages.length; ++i) {
            const message = body.messages[i]
            if (["system", "user", "assistant"].indexOf(message.role) < 0)
                return refusePrompt("messages", "Message " + (i + 1) + " has role '" + message.role + "'; a template's messages are system, user or assistant.", "invalid_template")
            for (const placeholder of placeholdersOf(message.content)) {
                const where = "The placeholder at message " + (i + 1) + ", line " + placeholder.line + ", column " + placeholder.column
                if (placeholder.bad)
                    return refusePrompt("messages[" + i + "].content", where + " is malformed.", "bad_placeholder")
                if (!declared[placeholder.name])
                    return refusePrompt("messages[" + i + "].content", where + " uses variable '" + placeholder.name
                        + "', which the template does not declare.", "undeclared_variable")
            }
        }
        const parameterNames = ["temperature", "top_p", "max_tokens", "max_completion_tokens", "response_format", "tools", "tool_choice",
            "stop", "seed", "presence_penalty", "frequency_penalty"]
        for (const name in (body.parameters || {})) {
            if (parameterNames.indexOf(name) < 0)
                return refusePrompt("parameters." + name, "parameters." + name + ": is not a parameter a prompt sets", "unknown_field")
        }
        for (let i = 0; i < (body.overridable || []).length; ++i) {
            if (parameterNames.indexOf(body.overridable[i]) < 0)
                return refusePrompt("overridable[" + i + "]", "overridable[" + i + "]: must be one of " + parameterNames.join(", "))
        }
        return null
    }
    // The lines of two texts as kept, removed and added (a longest common subsequence).
    function lineDiff(fromText, toText) {
        const a = fromText === null ? [] : fromText.split("\n")
        const b = toText === null ? [] : toText.split("\n")
        const lcs = []
        for (let i = a.length; i >= 0; --i) {
            lcs[i] = []
            for (let j = b.length; j >= 0; --j)
                lcs[i][j] = i === a.length || j === b.length ? 0 : a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
        }
        const lines = []
        let i = 0, j = 0
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i] === b[j]) {
                lines.push({ op: " ", text: a[i] })
                ++i
                ++j
            } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
                lines.push({ op: "-", text: a[i++] })
            } else {
                lines.push({ op: "+", text: b[j++] })
            }
        }
        return lines
    }
    function promptDiff(prompt, query) {
        const from = prompt.versions.find(v => v.version === Number(query.from))
        const to = prompt.versions.find(v => v.version === Number(query.to))
        if (!from || !to)
            return failure(404, "prompt '" + prompt.name + "' has no version " + (from ? query.to : query.from), "not_found")
        const changes = []
        for (const field of ["model", "parameters", "overridable", "variables", "note"]) {
            if (JSON.stringify(from[field]) !== JSON.stringify(to[field]))
                changes.push({ field: field, from: copy(from[field]), to: copy(to[field]) })
        }
        const messages = []
        for (let i = 0; i < Math.max(from.messages.length, to.messages.length); ++i) {
            const before = from.messages[i] || null
            const after = to.messages[i] || null
            const lines = lineDiff(before ? before.content : null, after ? after.content : null)
            messages.push({ index: i, from: copy(before), to: copy(after),
                changed: !before || !after || before.role !== after.role || lines.some(l => l.op !== " "), lines: lines })
        }
        return answer(200, { from: from.version, to: to.version, changes: changes, messages: messages })
    }
    function testRun(prompt, version, body) {
        const values = body.variables || {}
        for (const name in values) {
            if (!version.variables.some(v => v.name === name))
                return failure(400, "Variable '" + name + "' is not declared by this template.", "unknown_variable", "variables." + name)
        }
        const inserted = {}
        for (const variable of version.variables) {
            let value = values[variable.name]
            if (value === undefined)
                value = variable["default"] === null ? undefined : variable["default"]
            if (value === undefined && variable.required)
                return failure(400, "Variable '" + variable.name + "' is required and has no default.", "missing_variable", "variables." + variable.name)
            if (value !== undefined && !valueMatches(value, variable.type))
                return failure(400, "Variable '" + variable.name + "' must be of type " + variable.type + ".", "invalid_variable_type", "variables." + variable.name)
            inserted[variable.name] = value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value)
        }
        const rendered = version.messages.map(m => ({ role: m.role,
            content: m.content.replace(/\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g, (all, name) => inserted[name]) }))
        const request = Object.assign({ model: body.model || version.model, messages: rendered }, copy(version.parameters))
        const call = testRunCall || { status: 200, answer: { id: "chatcmpl-1", object: "chat.completion", model: request.model,
            choices: [{ index: 0, message: { role: "assistant", content: "Answer to: " + rendered[rendered.length - 1].content }, finish_reason: "stop" }] } }
        const ok = call.status >= 200 && call.status < 300
        return answer(200, { prompt: prompt.name, version: version.version, model: request.model, status: call.status,
            request_id: "req_testrun_" + nextId++, usage: ok ? { prompt_tokens: 412, completion_tokens: 96, total_tokens: 508 } : null,
            cost_usd: ok ? 0.00199 : null, latency_ms: 812, rendered: rendered, request: request, answer: copy(call.answer) })
    }
    function promptEndpoint(method, parts, body, query) {
        if (parts.length === 1) {
            if (method === "GET" && failPrompts)
                return failure(failPrompts.status, failPrompts.message, "store_error")
            if (method === "GET")
                return page(promptList.map(promptSummary), query)
            if (method === "POST") {
                if (!isPromptName(body.name))
                    return refusePrompt("name", "name: '" + body.name + "' may use a-z, 0-9, '.', '_' and '-', and starts with a letter or digit")
                if (findPrompt(body.name))
                    return failure(409, "prompt '" + body.name + "' already exists", "conflict")
                return answer(201, promptSummary(addPrompt(body.name, body.description)))
            }
            return failure(405, "method not allowed", "method_not_allowed")
        }
        const name = decodeURIComponent(parts[1])
        const prompt = findPrompt(name)
        if (!prompt)
            return failure(404, "prompt '" + name + "' does not exist", "not_found")
        if (parts.length === 2) {
            if (method === "GET")
                return answer(200, Object.assign(promptSummary(prompt), { versions: copy(prompt.versions) }))
            if (method === "PATCH") {
                prompt.description = body.description
                return answer(200, promptSummary(prompt))
            }
            if (method === "DELETE") {
                promptList = promptList.filter(p => p !== prompt)
                return answer(200, promptSummary(prompt))
            }
        }
        if (parts[2] === "versions" && parts.length === 3 && method === "POST") {
            const refused = versionProblem(body)
            if (refused)
                return refused
            return answer(201, copy(addPromptVersion(name, body)))
        }
        if (parts[2] === "versions" && parts[4] === "test-run" && method === "POST") {
            const version = prompt.versions.find(v => v.version === Number(parts[3]))
            if (!version)
                return failure(404, "prompt '" + name + "' has no version " + parts[3], "not_found")
            return testRun(prompt, version, body)
        }
        if (parts[2] === "diff" && method === "GET")
            return promptDiff(prompt, query)
        if (parts[2] === "stats" && method === "GET")
            return answer(200, { prompt: name, since_ms: Number(query.since_ms), until_ms: Number(query.until_ms), data: copy(promptStats[name] || []) })
        if (parts[2] === "labels" && parts.length === 4) {
            const label = decodeURIComponent(parts[3])
            if (method === "DELETE") {
                const found = prompt.labels.find(l => l.label === label)
                if (!found)
                    return failure(404, "prompt '" + name + "' has no label '" + label + "'", "not_found")
                prompt.labels = prompt.labels.filter(l => l !== found)
                return answer(200, copy(found))
            }
            if (method === "PUT") {
                if (!isPromptName(label))
                    return refusePrompt("label", "label: '" + label + "' may use a-z, 0-9, '.', '_' and '-'")
                const split = body.split
                if (!Array.isArray(split) || split.length === 0)
                    return refusePrompt("split", "split: required: an array of {\"version\", \"weight\"}, at least one")
                const seen = {}
                for (let i = 0; i < split.length; ++i) {
                    if (!prompt.versions.some(v => v.version === split[i].version))
                        return failure(404, "split[" + i + "].version: prompt '" + name + "' has no version " + split[i].version, "not_found",
                            "split[" + i + "].version")
                    if (seen[split[i].version])
                        return refusePrompt("split[" + i + "].version", "split[" + i + "].version: version " + split[i].version + " is named twice")
                    seen[split[i].version] = true
                    if (!Number.isInteger(split[i].weight) || split[i].weight < 1 || split[i].weight > 1000000)
                        return refusePrompt("split[" + i + "].weight", "split[" + i + "].weight: must be a whole number from 1 to 1000000")
                }
                setPromptLabel(name, label, split)
                return answer(200, copy(prompt.labels.find(l => l.label === label)))
            }
        }
        return failure(405, "method not allowed", "method_not_allowed")
    }
}
