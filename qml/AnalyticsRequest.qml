// One kind of analytics request (a series, a top list) of a page: at most one on its way, the
// answer of the newest only, and why the last one failed. The page sends; `replied` hands it the
// reply ({status, ok, body, error, text}) of a request that still counts.
import QtQuick
import "Governance.js" as Governance

QtObject {
    id: request

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    property var client: null
    // A request is on its way.
    property bool busy: false
    // An answer (or a failure) came for this client.
    property bool answered: false
    // Why the last request failed, in the API's words; "" once one succeeded.
    property string failure
    property int failureStatus: 0

    signal replied(var reply)

    // Shared with the request on its way, which must not touch a request object that is gone (its
    // page closed) or answer for a client or a question it no longer shows.
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    onClientChanged: forget()

    // Whatever is on its way no longer counts (another gateway, another range).
    function forget() {
        ++lifetime.serial
        busy = false
        answered = false
        failure = ""
        failureStatus = 0
    }

    // GET `target`. While one is on its way nothing is sent (false) unless `replace`: then the one on
    // its way is forgotten and its answer dropped, as the question changed.
    function ask(target, replace) {
        if (!client || (busy && !replace))
            return false
        busy = true
        const lifetime = request.lifetime
        const serial = ++lifetime.serial
        client.request("GET", target, {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            busy = false
            answered = true
            failureStatus = reply.ok ? 0 : reply.status
            failure = reply.ok ? "" : Governance.errorOf(reply)
            request.replied(reply)
        })
        return true
    }
}
