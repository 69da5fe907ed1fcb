// A stand-in for AdminListModel in Qt Quick Tests: the same properties and the one role `item`,
// filled by GET requests to a FakeAdminApi, asked again when a property changes or the API changed.
import QtQuick

ListModel {
    id: list

    property var client: null
    property string path
    property var filters: ({})
    property int limit: 50
    property int offset: 0
    property int total: 0
    property bool loading: false
    property string errorText
    property int loads: 0

    signal loaded()

    function target() {
        const parts = []
        for (const name in filters) {
            const value = filters[name]
            if (value !== null && value !== undefined && String(value).length > 0)
                parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value))
        }
        parts.push("limit=" + limit, "offset=" + offset)
        return path + "?" + parts.join("&")
    }
    // Coalesces what changes together (a page's bindings on creation) into one request.
    function schedule() {
        Qt.callLater(list.reload)
    }
    function reload() {
        if (!client || path.length === 0) {
            clear()
            total = 0
            return
        }
        loading = true
        const serial = ++loads
        const lifetime = list.lifetime
        client.request("GET", target(), {}, reply => {
            // An answer may arrive after the list is gone (its test ended).
            if (!lifetime.alive || serial !== loads)
                return
            loading = false
            clear()
            if (!reply.ok) {
                total = 0
                errorText = reply.error
            } else {
                errorText = ""
                for (const item of reply.body.data)
                    append({ item: item })
                total = reply.body.total
            }
            loaded()
        })
    }

    property var connectedClient: null
    onClientChanged: {
        if (connectedClient)
            connectedClient.changed.disconnect(list.schedule)
        connectedClient = client
        if (client && client.changed)
            client.changed.connect(list.schedule)
        schedule()
    }
    // Shared with the requests on their way, which must not touch a destroyed list.
    property var lifetime: ({ alive: true })
    Component.onDestruction: {
        lifetime.alive = false
        if (connectedClient)
            connectedClient.changed.disconnect(list.schedule)
    }
    onPathChanged: schedule()
    onFiltersChanged: schedule()
    onLimitChanged: schedule()
    onOffsetChanged: schedule()
    Component.onCompleted: schedule()
}
