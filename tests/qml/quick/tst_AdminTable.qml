// AdminTable and PagingBar: columns of text, state pills and row buttons from TableColumn; a row
// chosen or opened to show details; what an empty, loading or failed list says.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 900
    height: 600

    // The shape of an AdminListModel.
    ListModel {
        id: rows
        property int total: 0
        property int limit: 2
        property int offset: 0
        property bool loading: false
        property string errorText
        property int reloads: 0
        function reload() { ++reloads }
    }

    Component {
        id: tableComponent
        AdminTable {
            id: table
            width: 860
            height: 400
            model: rows
            emptyText: "No keys yet."
            columns: [
                TableColumn { title: "Name"; share: 2; value: key => key.name },
                TableColumn { title: "Uses"; width: 80; alignment: Qt.AlignRight; value: key => key.uses },
                TableColumn { title: "State"; width: 90; pillText: key => key.state; pillTone: key => key.state === "active" ? "success" : "danger" },
                TableColumn {
                    width: 110
                    actions: [
                        TableAction {
                            text: "Revoke"
                            shownFor: key => key.state === "active"
                            onTriggered: key => table.revoked = key.name
                        }
                    ]
                }
            ]
            details: [
                TableColumn { title: "Before"; value: key => JSON.stringify(key.before) }
            ]
            property string revoked
        }
    }
    Component {
        id: pagingComponent
        PagingBar {
            width: 600
            model: rows
            noun: "keys"
        }
    }

    GovernanceTestCase {
        name: "AdminTable"

        function init() {
            rows.clear()
            rows.append({ item: { id: 1, name: "reports", uses: 12, state: "active", before: { name: "old" } } })
            rows.append({ item: { id: 2, name: "batch", uses: 0, state: "revoked", before: null } })
            rows.total = 2
            rows.offset = 0
            rows.loading = false
            rows.errorText = ""
        }

        function test_columnsShowTextPillsAndButtons() {
            const table = createTemporaryObject(tableComponent, root)
            const shown = rowsOf(table, 2)
            const first = texts(shown[0])
            verify(first.indexOf("reports") >= 0 && first.indexOf("12") >= 0 && first.indexOf("active") >= 0, String(first))
            verify(button(shown[0], "Revoke"))
            verify(!button(shown[1], "Revoke"), "a button shows only where its shownFor says so")
            click(shown[0], "Revoke")
            compare(table.revoked, "reports")
            // Fixed columns keep their width; the flexible one takes the rest.
            compare(table.columnWidth(table.columns[1]), 80)
            verify(table.columnWidth(table.columns[0]) > 400, table.columnWidth(table.columns[0]))
        }

        function test_aRowOpensToShowItsDetails() {
            const table = createTemporaryObject(tableComponent, root)
            const shown = rowsOf(table, 2)
            mouseClick(shown[0], 30, 20)
            compare(table.expandedId, 1)
            tryVerify(() => findAll(shown[0], "detailText").length === 1)
            compare(findAll(shown[0], "detailText")[0].text, "{\"name\":\"old\"}")
            tryVerify(() => shown[0].height > 40)
            verify(shown[1].y >= shown[0].y + shown[0].height, "the next row moves down")
            mouseClick(shown[0], 30, 20)
            compare(table.expandedId, null)
        }

        function test_aSelectableTableReportsTheClickedRow() {
            const table = createTemporaryObject(tableComponent, root, { selectable: true })
            const spy = createTemporaryObject(spyComponent, root, { target: table, signalName: "rowClicked" })
            const shown = rowsOf(table, 2)
            mouseClick(shown[1], 30, 20)
            compare(spy.count, 1)
            compare(spy.signalArguments[0][0].name, "batch")
            compare(table.expandedId, null)
            table.selectedId = 2
            verify(shown[1].selected)
            verify(!shown[0].selected)
        }

        function test_emptyLoadingAndFailed() {
            rows.clear()
            const table = createTemporaryObject(tableComponent, root)
            const placeholder = findOne(table, "tablePlaceholder")
            verify(placeholder.visible)
            compare(placeholder.text, "No keys yet.")
            rows.loading = true
            compare(placeholder.text, "Loading…")
            rows.loading = false
            rows.errorText = "cannot connect to http://127.0.0.1:8089: Connection refused"
            const banner = findOne(table, "tableError")
            verify(banner.visible)
            verify(!placeholder.visible)
            compare(banner.message, "cannot connect to http://127.0.0.1:8089: Connection refused")
            click(banner, "Try again")
            compare(rows.reloads, 1)
        }

        function test_pagingBarMovesTheOffset() {
            rows.total = 5
            const bar = createTemporaryObject(pagingComponent, root)
            compare(findOne(bar, "pagingText").text, "1–2 of 5 keys")
            verify(!findOne(bar, "previousPage").enabled)
            click(bar, "Next")
            compare(rows.offset, 2)
            compare(findOne(bar, "pagingText").text, "3–4 of 5 keys")
            click(bar, "Next")
            compare(findOne(bar, "pagingText").text, "5–5 of 5 keys")
            verify(!findOne(bar, "nextPage").enabled)
            click(bar, "Previous")
            compare(rows.offset, 2)
            rows.total = 2
            rows.offset = 0
            verify(!findOne(bar, "nextPage").visible, "one page needs no buttons")
        }
    }

    Component {
        id: spyComponent
        SignalSpy {}
    }
}
