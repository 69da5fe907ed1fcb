// A TestCase with what the governance page tests share: a FakeAdminApi with some data, finding
// items and texts in a page, pressing its buttons, and filling and confirming its dialogs.
import QtQuick
import QtTest

TestCase {
    id: testCase

    when: windowShown

    // What is under `item`: its children and resources (a page's dialogs), a popup's content.
    function below(item) {
        if (item.opened !== undefined && item.contentItem)
            return [item.contentItem]
        return item.data || item.children || []
    }
    // Every object named `objectName` under `item`, in tree order, dialogs included.
    function findAll(item, objectName) {
        let found = []
        const children = below(item)
        for (let i = 0; i < children.length; ++i) {
            const child = children[i]
            if (child.objectName === objectName)
                found.push(child)
            found = found.concat(findAll(child, objectName))
        }
        return found
    }
    function findOne(item, objectName) {
        const found = findAll(item, objectName)
        verify(found.length > 0, "no item named " + objectName)
        return found[0]
    }
    // The texts of visible items under `item`.
    function texts(item) {
        let found = []
        const children = item.children || []
        for (let i = 0; i < children.length; ++i) {
            const child = children[i]
            if (!child.visible)
                continue
            if (child.text !== undefined && typeof child.text !== "function")
                found.push(String(child.text))
            found = found.concat(texts(child))
        }
        return found
    }
    function hasText(item, text) {
        return texts(item).indexOf(text) >= 0
    }
    // A visible, enabled button (or row action) under `item` with this text.
    function button(item, text) {
        const children = item.children || []
        for (let i = 0; i < children.length; ++i) {
            const child = children[i]
            if (!child.visible)
                continue
            if (child.text === text && child.clicked !== undefined)
                return child
            const inner = button(child, text)
            if (inner)
                return inner
        }
        return null
    }
    function click(item, text) {
        const target = button(item, text)
        verify(target, "no button " + text + " among " + JSON.stringify(texts(item)))
        verify(target.enabled, "button " + text + " is disabled")
        // Clicked where it is once laid out: a banner or a dialog may just have moved it.
        for (let item = target; item; item = item.parent)
            waitForItemPolished(item)
        mouseClick(target)
    }
    // The rows of an AdminTable, once it shows `count` of them.
    function rowsOf(table, count) {
        tryVerify(() => findAll(table, "adminTableRow").filter(r => r.visible).length === count, 5000,
            table.objectName + " should show " + count + " rows, shows " + findAll(table, "adminTableRow").length)
        return findAll(table, "adminTableRow").filter(r => r.visible).sort((a, b) => a.y - b.y)
    }
    // The row of an AdminTable that shows `text`, once it does.
    function rowWith(table, text) {
        let found = null
        tryVerify(() => {
            found = findAll(table, "adminTableRow").find(r => r.visible && texts(r).indexOf(text) >= 0) || null
            return found !== null
        }, 5000, table.objectName + " has no row with " + text)
        return found
    }
    function typeInto(field, text) {
        field.forceActiveFocus()
        field.selectAll()
        field.text = text
    }
}
