// Every row of an admin list as an array of its items, for what one row alone cannot answer: the
// choices of a drop-down, a consumer's name by id, whether a key has a newer one.
import QtQml

Instantiator {
    id: rows

    property var items: []

    function rebuild() {
        const all = []
        for (let i = 0; i < count; ++i) {
            const row = objectAt(i)
            if (row)
                all.push(row.item)
        }
        items = all
    }

    delegate: QtObject {
        required property var item
        onItemChanged: Qt.callLater(rows.rebuild)
    }
    onObjectAdded: Qt.callLater(rows.rebuild)
    onObjectRemoved: Qt.callLater(rows.rebuild)
}
