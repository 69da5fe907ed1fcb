// Governance.js: a key's state (active, rotating, expired, revoked), dates typed by people, query
// strings without empty filters, and errors in the admin API's own words.
import QtQuick
import QtTest
import "../../../qml/Governance.js" as Governance

TestCase {
    name: "Governance"

    readonly property double now: new Date(2024, 4, 1, 12, 0).getTime()

    function key(id, fields) {
        const k = { id: id, name: "reports", consumer_id: 3, created_at_ms: now - 3600000, expires_at_ms: null, revoked_at_ms: null }
        for (const f in fields)
            k[f] = fields[f]
        return k
    }

    function test_keyStates() {
        compare(Governance.keyState(key(1, {}), now, []), "active")
        compare(Governance.keyState(key(1, { revoked_at_ms: now - 1 }), now, []), "revoked")
        compare(Governance.keyState(key(1, { expires_at_ms: now - 1 }), now, []), "expired")
        compare(Governance.keyState(key(1, { expires_at_ms: now + 1000 }), now, []), "active", "an expiry alone is no rotation")
        const old = key(1, { expires_at_ms: now + 86400000 })
        const successor = key(2, { created_at_ms: now })
        compare(Governance.keyState(old, now, [old, successor]), "rotating")
        compare(Governance.keyState(successor, now, [old, successor]), "active")
        const otherName = key(2, { name: "batch", created_at_ms: now })
        compare(Governance.keyState(old, now, [old, otherName]), "active")
    }

    function test_datesTypedByPeople() {
        compare(Governance.parseDateTime("2024-05-01"), new Date(2024, 4, 1).getTime())
        compare(Governance.parseDateTime(" 2024-05-01 14:30 "), new Date(2024, 4, 1, 14, 30).getTime())
        compare(Governance.parseDateTime("2024-05-01T14:30"), new Date(2024, 4, 1, 14, 30).getTime())
        verify(isNaN(Governance.parseDateTime("2024-02-30")))
        verify(isNaN(Governance.parseDateTime("tomorrow")))
        compare(Governance.dateTime(new Date(2024, 4, 1, 9, 5).getTime()), "2024-05-01 09:05")
        compare(Governance.dateTime(null), "—")
        compare(Governance.ago(now - 30000, now), "just now")
        compare(Governance.ago(now - 5 * 60000, now), "5 min ago")
        compare(Governance.ago(now - 3 * 3600000, now), "3 h ago")
        compare(Governance.ago(now - 86400000, now), "yesterday")
    }

    function test_queryLeavesOutEmptyFilters() {
        compare(Governance.query({ consumer_id: 3, model: "", state: null }), "?consumer_id=3")
        compare(Governance.query({ model: "openai/gpt-4o" }), "?model=openai%2Fgpt-4o")
        compare(Governance.query({}), "")
    }

    function test_errorsInTheApisWords() {
        compare(Governance.errorOf({ status: 409, error: "tenant 'acme' already exists" }), "tenant 'acme' already exists")
        compare(Governance.errorOf({ status: 0, error: "" }), "The admin API could not be reached.")
        compare(Governance.errorOf({ status: 502, error: "" }), "The admin API answered HTTP 502.")
    }

    function test_prettyJson() {
        compare(Governance.prettyJson(null), "—")
        compare(Governance.prettyJson({ a: 1 }), "{\n  \"a\": 1\n}")
        compare(Governance.prettyJson("{\"a\":1}"), "{\n  \"a\": 1\n}")
    }
}
