// AuditPage: entries newest first with actor, action, entity and reason; a click shows before and
// after; filters by entity type and time range; pages; exports the filtered log as CSV and JSON.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1200
    height: 800

    FakeAdminApi {
        id: api
    }
    Component {
        id: fakeLists
        FakeAdminList {}
    }
    Component {
        id: pageComponent
        AuditPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }

    GovernanceTestCase {
        name: "AuditPage"

        function init() {
            api.tenants = []; api.consumers = []; api.keys = []; api.requests = []; api.audit = []; api.sent = []; api.failNext = null
            api.seed() // 2 tenants and 2 consumers: 4 entries
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }

        function test_entriesNewestFirstAndExpandable() {
            const page = createPage()
            const table = findOne(page, "auditTable")
            const rows = rowsOf(table, 4)
            const newest = texts(rows[0])
            verify(newest.indexOf("consumer.create") >= 0, String(newest))
            verify(newest.indexOf("console:test") >= 0, String(newest))
            verify(newest.indexOf("consumer " + api.consumers[1].id) >= 0, String(newest))
            compare(findAll(rows[0], "detailText").length, 0)
            mouseClick(rows[0], 40, 20)
            tryVerify(() => findAll(rows[0], "detailText").length === 2)
            const details = findAll(rows[0], "detailText")
            compare(details[0].text, "—")
            verify(details[1].text.indexOf("\"name\": \"search\"") >= 0, details[1].text)
            tryVerify(() => rows[0].height > 100, 5000, "an expanded entry is taller: " + rows[0].height)
            mouseClick(rows[0], 40, 20)
            tryCompare(rows[0], "height", 40)
        }

        function test_filtersByEntityType() {
            const page = createPage()
            rowsOf(findOne(page, "auditTable"), 4)
            const choice = findOne(page, "entityFilter")
            choice.currentIndex = 1
            choice.activated(1)
            compare(page.entityType, "tenant")
            const rows = rowsOf(findOne(page, "auditTable"), 2)
            verify(texts(rows[0]).indexOf("tenant.create") >= 0)
            verify(api.sent[api.sent.length - 1].target.indexOf("entity_type=tenant") >= 0)
        }

        function test_filtersByTimeRange() {
            const page = createPage()
            rowsOf(findOne(page, "auditTable"), 4)
            const range = findOne(page, "rangeFilter")
            range.currentIndex = 1
            range.activated(1) // the last hour: the fake's entries are a day old
            rowsOf(findOne(page, "auditTable"), 0)
            verify(hasText(findOne(page, "auditTable"), "No entry matches these filters."))
            verify(/since_ms=\d+/.test(api.sent[api.sent.length - 1].target), api.sent[api.sent.length - 1].target)
            range.currentIndex = 5
            range.activated(5)
            const from = findOne(page, "rangeFrom")
            verify(from.visible)
            typeInto(from, "2000-01-01")
            from.editingFinished()
            rowsOf(findOne(page, "auditTable"), 4)
            compare(page.sinceMs, new Date(2000, 0, 1).getTime())
            typeInto(from, "yesterday")
            verify(hasText(page, "Write dates as YYYY-MM-DD, optionally with HH:MM."))
        }

        function test_pagesThroughTheLog() {
            for (let i = 0; i < 60; ++i)
                api.addTenant("team" + i)
            const page = createPage()
            const table = findOne(page, "auditTable")
            tryCompare(table, "count", 50)
            verify(hasText(page, "1–50 of 64 entries"), String(texts(page)))
            click(page, "Next")
            tryCompare(table, "count", 14)
            verify(hasText(page, "51–64 of 64 entries"))
            verify(!button(page, "Next").enabled)
            click(page, "Previous")
            tryCompare(table, "count", 50)
        }

        // Files the page "wrote": url → text (the real writer is tested in ConsoleWindowTest).
        property var written: ({})
        function fakeWriter(fileUrl, text, done) {
            written[fileUrl] = text
            done("")
        }

        function test_exportsCsvAndJson() {
            const page = createPage()
            page.writeFile = fakeWriter
            rowsOf(findOne(page, "auditTable"), 4)
            page.exportTo("csv", "file:///home/me/audit.csv")
            tryCompare(page, "exporting", false)
            verify(!page.exportFailed, page.exportText)
            const lines = written["file:///home/me/audit.csv"].trim().split("\r\n")
            compare(lines.length, 5)
            compare(lines[0], "id,at_ms,at,actor,action,entity_type,entity_id,before,after,reason")
            verify(api.sent.some(r => r.target.indexOf("format=csv") >= 0))
            compare(page.exportText, "Saved 4 entries to /home/me/audit.csv")
            verify(hasText(page, "Saved 4 entries to /home/me/audit.csv"))

            page.exportTo("json", "file:///home/me/audit.json")
            tryCompare(page, "exporting", false)
            const entries = JSON.parse(written["file:///home/me/audit.json"])
            compare(entries.length, 4)
            compare(entries[0].action, "consumer.create")
        }

        // More than one page of the API (1000 entries): every page, the CSV header once.
        function test_exportsEveryPageOfTheFilter() {
            for (let i = 0; i < 1200; ++i)
                api.record("ops", "tenant.rename", "tenant", 1, null, null, "")
            const page = createPage()
            page.writeFile = fakeWriter
            const choice = findOne(page, "entityFilter")
            choice.currentIndex = 1
            choice.activated(1)
            tryCompare(page.entries, "total", 1202)
            page.exportTo("csv", "file:///tmp/all.csv")
            tryCompare(page, "exporting", false)
            const lines = written["file:///tmp/all.csv"].trim().split("\r\n")
            compare(lines.length, 1203)
            compare(lines.filter(l => l.indexOf("id,at_ms") === 0).length, 1)
            const csvRequests = api.sent.filter(r => r.target.indexOf("format=csv") >= 0)
            compare(csvRequests.length, 2)
            verify(csvRequests.every(r => r.target.indexOf("entity_type=tenant") >= 0))
            verify(csvRequests[1].target.indexOf("offset=1000") >= 0, csvRequests[1].target)
        }

        function test_aFailedExportSaysWhy() {
            const page = createPage()
            page.writeFile = (url, text, done) => done("cannot write /nonexistent-directory/audit.csv")
            rowsOf(findOne(page, "auditTable"), 4)
            page.exportTo("csv", "file:///nonexistent-directory/audit.csv")
            tryCompare(page, "exporting", false)
            verify(page.exportFailed)
            compare(page.exportText, "Export failed: cannot write /nonexistent-directory/audit.csv")

        }
    }
}
