// A stand-in for the console's AdminClient on the Traffic page's Qt Quick Test: the three traffic
// endpoints answer canned lists (or a failure), later, never inside request(), as the real clients'
// do. `holding` keeps the answers back until release(), to see what the page asks meanwhile.
import QtQuick

QtObject {
    id: api

    // The `data` of each endpoint, by its last path segment.
    property var lists: ({ deployments: [], "rate-limits": [], budgets: [] })
    // {status, message} by the same name: that endpoint fails with it.
    property var failures: ({})
    // Every request, in order: {method, target}.
    property var sent: []
    property bool holding: false

    signal changed()

    property var queue: []
    property Timer deliverer: Timer {
        interval: 0
        onTriggered: api.deliver()
    }

    function deliver() {
        if (holding)
            return
        const due = queue
        queue = []
        for (let i = 0; i < due.length; ++i)
            due[i].callback(due[i].reply)
    }
    function release() {
        holding = false
        deliverer.restart()
    }
    // Requests for `path` (a last segment, or all when empty).
    function sentTo(path) {
        return sent.filter(r => !path || r.target.endsWith("/" + path)).length
    }

    function request(method, target, body, callback) {
        sent = sent.concat([{ method: method, target: target }])
        const name = target.split("?")[0].split("/").pop()
        let reply
        if (failures[name]) {
            const message = failures[name].message
            reply = { status: failures[name].status, ok: false, error: message, text: "",
                body: { error: { message: message, type: "invalid_request_error", param: null, code: "not_found" } } }
        } else if (target.indexOf("/admin/v1/traffic/") === 0 && lists[name] !== undefined) {
            reply = { status: 200, ok: true, error: "", text: "", body: { data: JSON.parse(JSON.stringify(lists[name])) } }
        } else {
            reply = { status: 404, ok: false, error: "no such endpoint: " + target, text: "", body: {} }
        }
        queue = queue.concat([{ callback: callback, reply: reply }])
        deliverer.restart()
    }
}
