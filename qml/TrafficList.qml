// One of the traffic endpoints (/admin/v1/traffic/...) as a list model with the role `item` (the
// entry as the API gives it), as AdminTable shows it. Not paged: every answer is the whole list.
// refresh() asks only when no request of this list is on its way, so a slow gateway never gets
// requests piling up.
import QtQuick
import "Governance.js" as Governance

ListModel {
    id: list

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    property var client: null
    property string path
    // A request is on its way.
    property bool busy: false
    // An answer (or a failure) came for this client: until then the list is not known to be empty.
    property bool answered: false
    // Why the last request failed, in the API's words; "" once one succeeded. Not `errorText`: the
    // page says it once, in its own banner, rather than under each of its tables.
    property string failure
    property int failureStatus: 0

    // An answer or a failure was taken in.
    signal updated()

    // Shared with the request on its way, which must not touch a list that is gone (its page
    // closed) or answer for a client it no longer shows.
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    // Another gateway: nothing shown is true of it, and what is on its way is for the old one.
    onClientChanged: {
        ++lifetime.serial
        busy = false
        answered = false
        failure = ""
        failureStatus = 0
        clear()
    }

    // Asks for the list, unless a request is on its way already; false then.
    function refresh() {
        if (!client || busy || path.length === 0)
            return false
        busy = true
        const lifetime = list.lifetime
        const serial = ++lifetime.serial
        client.request("GET", path, {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            busy = false
            answered = true
            if (reply.ok && reply.body && Array.isArray(reply.body.data)) {
                failure = ""
                failureStatus = 0
                show(reply.body.data)
            } else {
                // Rows from before would look current: show none, and why.
                clear()
                failureStatus = reply.status
                failure = reply.ok ? qsTr("%1 did not answer with a list").arg(path) : Governance.errorOf(reply)
            }
            updated()
        })
        return true
    }

    // The usual refresh brings the same entries with new numbers: rows are updated in place, so
    // delegates keep their state (an open tooltip). A list of another length is shown anew.
    function show(items) {
        if (items.length !== count) {
            clear()
            for (let i = 0; i < items.length; ++i)
                append({ item: items[i] })
            return
        }
        for (let i = 0; i < items.length; ++i)
            set(i, { item: items[i] })
    }
}
