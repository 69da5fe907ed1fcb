// Every consumer by id: the governance tables show a key's or a request's consumer by name, and the
// drop-downs choose one. Follows the admin list, so a consumer created anywhere appears here too.
import QtQml
import Gatehouse.Console
import "Governance.js" as Governance

QtObject {
    id: directory

    required property var client
    // Builds the list: an AdminListModel, or in tests a stand-in (see the pages' listComponent).
    required property Component listComponent

    // The list is made once the directory is complete, so it is made from the listComponent its
    // page gives (a test's stand-in), never first from a default.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var list: directory.ready ? Governance.createList(listComponent, directory, {
        client: Qt.binding(() => directory.client), path: "/admin/v1/consumers", limit: 1000
    }) : null
    readonly property ListItems rows: ListItems {
        model: directory.list
    }
    readonly property var consumers: rows.items
    // [{text: "acme / billing", value: id}], by tenant and name.
    readonly property var choices: {
        const all = consumers.map(c => ({ text: c.tenant + " / " + c.name, value: c.id }))
        all.sort((a, b) => a.text.localeCompare(b.text))
        return all
    }

    function find(id) {
        for (let i = 0; i < consumers.length; ++i) {
            if (consumers[i].id === id)
                return consumers[i]
        }
        return null
    }
    // "acme / billing"; "consumer 12" before the list has it.
    function label(id) {
        if (id === null || id === undefined)
            return ""
        const consumer = find(id)
        return consumer ? consumer.tenant + " / " + consumer.name : qsTr("consumer %1").arg(id)
    }
}
