// ApprovalsPage: the pending inbox with consumer, model, reason and when; approve and reject with a
// note; a refused decision shows the API's message and keeps the note; the history filters by
// consumer and model and shows every state with its note.
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
        ApprovalsPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }

    GovernanceTestCase {
        name: "ApprovalsPage"

        property var seeded

        function init() {
            api.tenants = []; api.consumers = []; api.keys = []; api.requests = []; api.audit = []; api.sent = []; api.failNext = null
            seeded = api.seed()
        }
        function createPage() {
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            return page
        }
        function decide(page, row, action, note) {
            click(row, action === "approve" ? "Approve…" : "Reject…")
            const dialog = findOne(page, "decideDialog")
            tryCompare(dialog, "opened", true)
            typeInto(findOne(dialog.contentItem, "decideNote"), note)
            click(dialog.contentItem, action === "approve" ? "Approve" : "Reject")
            return dialog
        }

        function test_theInboxShowsWhatWaits() {
            const page = createPage()
            const rows = rowsOf(findOne(page, "inboxTable"), 1)
            tryVerify(() => texts(rows[0]).indexOf("acme / billing") >= 0, 5000, String(texts(rows[0])))
            const shown = texts(rows[0])
            verify(shown.indexOf("gpt-4o") >= 0, String(shown))
            verify(shown.indexOf("monthly reports") >= 0, String(shown))
            verify(shown.some(t => /ago by ops$/.test(t)), String(shown))
            verify(api.sent.some(r => r.target.indexOf("/admin/v1/access-requests?state=pending") === 0), JSON.stringify(api.sent))
            verify(hasText(findOne(page, "inboxCard"), "1"))
        }

        function test_approvingWithANoteEmptiesTheInbox() {
            const page = createPage()
            const rows = rowsOf(findOne(page, "inboxTable"), 1)
            const dialog = decide(page, rows[0], "approve", "for the reports only")
            tryCompare(dialog, "visible", false)
            const sent = api.sent.filter(r => r.method === "POST")[0]
            verify(sent.target.endsWith("/access-requests/" + api.requests[1].id + "/approve") || sent.target.endsWith("/approve"), sent.target)
            compare(sent.body.note, "for the reports only")
            rowsOf(findOne(page, "inboxTable"), 0)
            verify(hasText(findOne(page, "inboxTable"), "Nothing waiting. New requests appear here as soon as they are filed."))
            // The history shows the decision with its note.
            const decided = texts(rowWith(findOne(page, "historyTable"), "for the reports only"))
            verify(decided.indexOf("Approved") >= 0, String(decided))
            verify(decided.indexOf("gpt-4o") >= 0, String(decided))
        }

        function test_aRefusedDecisionKeepsTheNote() {
            const page = createPage()
            const rows = rowsOf(findOne(page, "inboxTable"), 1)
            api.failNext = { status: 409, message: "access request 7: cannot reject a request that is approved; revoke it instead" }
            const dialog = decide(page, rows[0], "reject", "no budget")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text", "access request 7: cannot reject a request that is approved; revoke it instead")
            verify(dialog.visible)
            compare(findOne(dialog.contentItem, "decideNote").text, "no budget")
            rowsOf(findOne(page, "inboxTable"), 1)
            dialog.close()
        }

        function test_historyShowsEveryStateWithItsNote() {
            const page = createPage()
            const table = findOne(page, "historyTable")
            rowsOf(table, 2)
            const rejected = texts(rowWith(table, "claude-3"))
            verify(rejected.indexOf("Rejected") >= 0, String(rejected))
            verify(rejected.indexOf("no budget this quarter") >= 0, String(rejected))
            verify(rejected.some(t => / by ops$/.test(t)), String(rejected))
            verify(texts(rowWith(table, "Reason: monthly reports")).indexOf("Pending") >= 0)
        }

        function test_historyFiltersByConsumerAndModel() {
            const other = api.addConsumer(seeded.acme.id, "search", "")
            api.addRequest(other.id, "gpt-4o", "ranking", "pending")
            const page = createPage()
            rowsOf(findOne(page, "historyTable"), 3)
            const consumerFilter = findOne(page, "historyConsumerFilter")
            tryCompare(consumerFilter, "count", 4)
            const index = consumerFilter.indexOf(other.id)
            consumerFilter.currentIndex = index
            consumerFilter.activated(index)
            compare(page.consumerFilter, other.id)
            rowWith(findOne(page, "historyTable"), "Reason: ranking")
            rowsOf(findOne(page, "historyTable"), 1)

            consumerFilter.currentIndex = 0
            consumerFilter.activated(0)
            const modelFilter = findOne(page, "historyModelFilter")
            typeInto(modelFilter, "claude-3")
            modelFilter.accepted()
            rowWith(findOne(page, "historyTable"), "claude-3")
            rowsOf(findOne(page, "historyTable"), 1)
            verify(api.sent[api.sent.length - 1].target.indexOf("model=claude-3") >= 0, api.sent[api.sent.length - 1].target)
            typeInto(modelFilter, "no-such-model")
            modelFilter.accepted()
            rowsOf(findOne(page, "historyTable"), 0)
            verify(hasText(findOne(page, "historyTable"), "No request matches these filters."))
        }

        function test_aListThatCannotLoadSaysWhy() {
            const page = createPage()
            rowsOf(findOne(page, "inboxTable"), 1)
            const inbox = findOne(page, "inboxTable")
            inbox.model.errorText = "cannot connect to http://127.0.0.1:8089: Connection refused"
            const banner = findOne(inbox, "tableError")
            verify(banner.visible)
            compare(banner.message, "cannot connect to http://127.0.0.1:8089: Connection refused")
        }
    }
}
