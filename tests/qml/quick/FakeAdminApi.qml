// A stand-in for the console's AdminClient in Qt Quick Tests: the admin API's list and change
// endpoints that the governance pages use, in memory, with its answer shapes and error messages
// (docs/admin-api.md). Answers arrive later, never inside request(), as the real clients' do.
import QtQuick

QtObject {
    id: api

    property string location: "this console's gateway"
    // Every request, in order: {method, target, body}.
    property var sent: []
    // When set ({status, message}), the next change (not a GET) fails with it.
    property var failNext: null
    // Starts a day ago and moves a minute per change, so everything is in the past but recent.
    property double clock: Date.now() - 86400000

    property var tenants: []
    property var consumers: []
    property var keys: []
    property var requests: []
    property var audit: []
    property int nextId: 1

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
    function failure(status, message, code) {
        const reply = answer(status, { error: { message: message, type: "invalid_request_error", param: null, code: code } })
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
            reply = failure(failNext.status, failNext.message, failNext.code || "conflict")
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
}
