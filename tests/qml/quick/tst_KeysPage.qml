// KeysPage: the keys with their consumer and state, filtered by consumer; a new or rotated key is
// shown once with Copy; revoking asks first; a refused action shows the API's error and keeps the form.
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
        KeysPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }

    GovernanceTestCase {
        name: "KeysPage"

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

        function test_listsKeysWithConsumerAndState() {
            api.keys[0].revoked_at_ms = api.clock
            const page = createPage()
            const rows = rowsOf(findOne(page, "keysTable"), 2)
            // The consumer's name comes with the consumer list, which may answer after the keys.
            tryVerify(() => texts(rows[0]).indexOf("acme / billing") >= 0, 5000, JSON.stringify(texts(rows[0])))
            const first = texts(rows[0])
            verify(first.indexOf("reports") >= 0, String(first))
            verify(first.indexOf("Revoked") >= 0, String(first))
            verify(first.indexOf("never") >= 0, String(first))
            verify(!button(rows[0], "Revoke…"), "a revoked key cannot be revoked again")
            const second = texts(rows[1])
            verify(second.indexOf("Active") >= 0, String(second))
            verify(button(rows[1], "Rotate…"))
            verify(hasText(page, "1–2 of 2 keys"), String(texts(page)))
        }

        function test_filtersByConsumer() {
            const search = api.consumers[1]
            api.addKey(search.id, "search-key", null)
            const page = createPage()
            rowsOf(findOne(page, "keysTable"), 3)
            const filter = findOne(page, "consumerFilter")
            tryCompare(filter, "count", 3) // all, acme / billing, acme / search
            filter.currentIndex = 2
            filter.activated(2)
            compare(page.consumerFilter, search.id)
            const rows = rowsOf(findOne(page, "keysTable"), 1)
            verify(texts(rows[0]).indexOf("search-key") >= 0)
            verify(api.sent[api.sent.length - 1].target.indexOf("consumer_id=" + search.id) >= 0, api.sent[api.sent.length - 1].target)
        }

        function test_aNewKeyIsShownOnceWithCopy() {
            const page = createPage()
            rowsOf(findOne(page, "keysTable"), 2)
            click(page, "New key…")
            const dialog = findOne(page, "createKeyDialog")
            tryCompare(dialog, "opened", true)
            tryCompare(findOne(dialog.contentItem, "createKeyConsumer"), "consumerId", seeded.billing.id)
            typeInto(findOne(dialog.contentItem, "createKeyName"), "nightly")
            click(dialog.contentItem, "Create key")
            tryCompare(dialog, "visible", false)
            const banner = findOne(page, "newKeyBanner")
            tryCompare(banner, "visible", true)
            const field = findOne(banner, "newKeyField")
            verify(field.value.startsWith("gk-Secret"), field.value)
            compare(field.shownText, field.value)
            verify(hasText(banner, "Copy it now: you won't see it again. Gatehouse keeps only a hash of it."))
            click(banner, "Copy")
            compare(Clipboard.text(), field.value)
            compare(api.sent.filter(r => r.method === "POST")[0].body.name, "nightly")
            rowsOf(findOne(page, "keysTable"), 3) // the list asked again
            click(banner, "I have copied it")
            verify(!banner.visible)
            compare(page.newKey, "")
        }

        function test_aRefusedCreationKeepsWhatWasTyped() {
            const page = createPage()
            rowsOf(findOne(page, "keysTable"), 2)
            click(page, "New key…")
            const dialog = findOne(page, "createKeyDialog")
            tryCompare(dialog, "opened", true)
            tryCompare(findOne(dialog.contentItem, "createKeyConsumer"), "consumerId", seeded.billing.id)
            typeInto(findOne(dialog.contentItem, "createKeyName"), "nightly")
            api.failNext = { status: 409, message: "consumer 'billing' already has a key named 'nightly'" }
            click(dialog.contentItem, "Create key")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text", "consumer 'billing' already has a key named 'nightly'")
            verify(dialog.visible)
            compare(findOne(dialog.contentItem, "createKeyName").text, "nightly")
            verify(!findOne(page, "newKeyBanner").visible)
            dialog.close()
        }

        function test_anExpiryMustBeADateInTheFuture() {
            const page = createPage()
            click(page, "New key…")
            const dialog = findOne(page, "createKeyDialog")
            tryCompare(dialog, "opened", true)
            tryCompare(findOne(dialog.contentItem, "createKeyConsumer"), "consumerId", seeded.billing.id)
            typeInto(findOne(dialog.contentItem, "createKeyName"), "short-lived")
            typeInto(findOne(dialog.contentItem, "createKeyExpiry"), "next week")
            verify(!button(dialog.contentItem, "Create key").enabled)
            verify(hasText(dialog.contentItem, "Write the date as YYYY-MM-DD, optionally with HH:MM."))
            typeInto(findOne(dialog.contentItem, "createKeyExpiry"), "2001-01-01")
            verify(hasText(dialog.contentItem, "The expiry must lie in the future."))
            typeInto(findOne(dialog.contentItem, "createKeyExpiry"), "2999-12-31 23:00")
            click(dialog.contentItem, "Create key")
            tryCompare(dialog, "visible", false)
            const body = api.sent.filter(r => r.method === "POST")[0].body
            compare(body.expires_at_ms, new Date(2999, 11, 31, 23, 0).getTime())
        }

        function test_rotateShowsTheNewKeyAndTheOldOnesEnd() {
            const page = createPage()
            const rows = rowsOf(findOne(page, "keysTable"), 2)
            click(rows[0], "Rotate…")
            const dialog = findOne(page, "rotateKeyDialog")
            tryCompare(dialog, "opened", true)
            typeInto(findOne(dialog.contentItem, "rotateGrace"), "2")
            click(dialog.contentItem, "Rotate")
            tryCompare(dialog, "visible", false)
            const rotate = api.sent.filter(r => r.method === "POST")[0]
            verify(rotate.target.endsWith("/keys/" + api.keys[0].id + "/rotate"), rotate.target)
            compare(rotate.body.grace_seconds, 7200)
            const banner = findOne(page, "newKeyBanner")
            tryCompare(banner, "visible", true)
            verify(findOne(banner, "newKeyField").value.startsWith("gk-Rotated"))
            verify(texts(banner).some(t => t.startsWith("The old key (" + api.keys[0].prefix + ") keeps working until")), String(texts(banner)))
            // The old key now has a successor of the same name: it is rotating until its grace ends.
            const after = rowsOf(findOne(page, "keysTable"), 3)
            tryVerify(() => texts(after[0]).indexOf("Rotating") >= 0, 5000, String(texts(after[0])))
            verify(texts(after[2]).indexOf("Active") >= 0, String(texts(after[2])))
        }

        function test_revokeAsksFirstAndShowsARefusal() {
            const page = createPage()
            const rows = rowsOf(findOne(page, "keysTable"), 2)
            click(rows[1], "Revoke…")
            const dialog = findOne(page, "revokeKeyDialog")
            tryCompare(dialog, "opened", true)
            verify(dialog.message.indexOf("batch") >= 0, dialog.message)
            compare(api.sent.filter(r => r.method === "POST").length, 0)
            typeInto(findOne(dialog.contentItem, "revokeReason"), "leaked in a log")
            api.failNext = { status: 500, message: "store_error: database is locked", code: "store_error" }
            click(dialog.contentItem, "Revoke")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text", "store_error: database is locked")
            compare(findOne(dialog.contentItem, "revokeReason").text, "leaked in a log")
            click(dialog.contentItem, "Revoke")
            tryCompare(dialog, "visible", false)
            const revoke = api.sent.filter(r => r.method === "POST")[1]
            compare(revoke.body.reason, "leaked in a log")
            tryVerify(() => texts(rowsOf(findOne(page, "keysTable"), 2)[1]).indexOf("Revoked") >= 0)
        }
    }
}
