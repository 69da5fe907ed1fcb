// TenantsPage: tenants, the chosen tenant's consumers, and the chosen consumer's keys and access
// requests; creating, renaming and deleting (after a confirmation) tenants and consumers; a refused
// change shows the API's message in its dialog and keeps what was typed.
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
        TenantsPage {
            anchors.fill: parent
            client: api
            listComponent: fakeLists
        }
    }

    GovernanceTestCase {
        name: "TenantsPage"

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
        function openDialog(page, from, buttonText, name) {
            click(from, buttonText)
            const dialog = findOne(page, name)
            tryCompare(dialog, "opened", true)
            return dialog
        }

        function test_theFirstTenantAndConsumerAreChosen() {
            const page = createPage()
            rowsOf(findOne(page, "tenantsTable"), 2)
            tryCompare(page, "selectedTenantId", seeded.acme.id)
            rowsOf(findOne(page, "consumersTable"), 2)
            tryCompare(page, "selectedConsumerId", seeded.billing.id)
            verify(hasText(findOne(page, "consumersCard"), "Consumers of acme"))
            verify(hasText(findOne(page, "consumerCard"), "acme / billing"))
            verify(hasText(findOne(page, "consumerCard"), "Monthly invoices"))
            rowsOf(findOne(page, "consumerKeysTable"), 2)
            const requests = rowsOf(findOne(page, "consumerRequestsTable"), 2)
            verify(texts(rowWith(findOne(page, "consumerRequestsTable"), "claude-3")).indexOf("no budget this quarter") >= 0)
            verify(hasText(findOne(page, "consumerCard"), "Access requests (2)"))
        }

        function test_choosingAnotherTenantShowsItsConsumers() {
            const page = createPage()
            rowsOf(findOne(page, "consumersTable"), 2)
            mouseClick(rowWith(findOne(page, "tenantsTable"), "globex"))
            tryCompare(page, "selectedTenantId", api.tenants[1].id)
            rowsOf(findOne(page, "consumersTable"), 0)
            verify(hasText(findOne(page, "consumersTable"), "globex has no consumers yet. Add its first application with New consumer."))
            compare(page.selectedConsumerId, 0)
            rowsOf(findOne(page, "consumerKeysTable"), 0)
        }

        function test_createAndRenameATenant() {
            const page = createPage()
            rowsOf(findOne(page, "tenantsTable"), 2)
            let dialog = openDialog(page, page, "New…", "tenantDialog")
            typeInto(findOne(dialog.contentItem, "tenantName"), "initech")
            click(dialog.contentItem, "Create tenant")
            tryCompare(dialog, "visible", false)
            rowsOf(findOne(page, "tenantsTable"), 3)
            tryCompare(page, "selectedTenantId", api.tenants[2].id)
            tryVerify(() => page.selectedTenant !== null && page.selectedTenant.name === "initech")

            dialog = openDialog(page, findOne(page, "consumersCard"), "Rename…", "tenantDialog")
            compare(findOne(dialog.contentItem, "tenantName").text, "initech")
            typeInto(findOne(dialog.contentItem, "tenantName"), "initrode")
            click(dialog.contentItem, "Rename")
            tryCompare(dialog, "visible", false)
            const patch = api.sent.filter(r => r.method === "PATCH")[0]
            compare(patch.body.name, "initrode")
            rowWith(findOne(page, "tenantsTable"), "initrode")
            tryVerify(() => hasText(findOne(page, "consumersCard"), "Consumers of initrode"))
        }

        function test_anInvalidNameShowsTheApiMessage() {
            const page = createPage()
            const dialog = openDialog(page, page, "New…", "tenantDialog")
            typeInto(findOne(dialog.contentItem, "tenantName"), "team a")
            click(dialog.contentItem, "Create tenant")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text",
                "name: 'team a' may only contain letters, digits, '-', '_' and '.'")
            compare(findOne(dialog.contentItem, "tenantName").text, "team a")
            verify(dialog.visible)
            dialog.close()
        }

        function test_deletingATenantAsksFirstAndShowsWhyNot() {
            const page = createPage()
            rowsOf(findOne(page, "consumersTable"), 2)
            const dialog = openDialog(page, findOne(page, "consumersCard"), "Delete…", "deleteTenantDialog")
            verify(dialog.message.indexOf("Delete the tenant acme?") === 0, dialog.message)
            compare(api.sent.filter(r => r.method === "DELETE").length, 0)
            click(dialog.contentItem, "Delete")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text", "tenant 'acme' still has consumers; delete them first")
            verify(dialog.visible)
            dialog.close()

            // globex has no consumers: it goes.
            mouseClick(rowWith(findOne(page, "tenantsTable"), "globex"))
            tryCompare(page, "selectedTenantId", api.tenants[1].id)
            const again = openDialog(page, findOne(page, "consumersCard"), "Delete…", "deleteTenantDialog")
            click(again.contentItem, "Delete")
            tryCompare(again, "visible", false)
            rowsOf(findOne(page, "tenantsTable"), 1)
            tryCompare(page, "selectedTenantId", seeded.acme.id)
        }

        function test_createEditAndDeleteAConsumer() {
            const page = createPage()
            rowsOf(findOne(page, "consumersTable"), 2)
            let dialog = openDialog(page, findOne(page, "consumersCard"), "New consumer…", "consumerDialog")
            typeInto(findOne(dialog.contentItem, "consumerName"), "ledger")
            typeInto(findOne(dialog.contentItem, "consumerDescription"), "Bookkeeping")
            click(dialog.contentItem, "Create consumer")
            tryCompare(dialog, "visible", false)
            const created = api.sent.filter(r => r.method === "POST")[0].body
            compare(created.tenant_id, seeded.acme.id)
            compare(created.description, "Bookkeeping")
            const row = rowWith(findOne(page, "consumersTable"), "ledger")
            tryVerify(() => hasText(findOne(page, "consumerCard"), "acme / ledger"))

            dialog = openDialog(page, row, "Edit…", "consumerDialog")
            verify(!findOne(dialog.contentItem, "consumerName").enabled)
            typeInto(findOne(dialog.contentItem, "consumerDescription"), "Bookkeeping and audits")
            click(dialog.contentItem, "Save")
            tryCompare(dialog, "visible", false)
            rowWith(findOne(page, "consumersTable"), "Bookkeeping and audits")

            dialog = openDialog(page, rowWith(findOne(page, "consumersTable"), "ledger"), "Delete…", "deleteConsumerDialog")
            click(dialog.contentItem, "Delete")
            tryCompare(dialog, "visible", false)
            rowsOf(findOne(page, "consumersTable"), 2)
        }

        function test_aConsumerWithKeysCannotBeDeleted() {
            const page = createPage()
            const dialog = openDialog(page, rowWith(findOne(page, "consumersTable"), "billing"), "Delete…", "deleteConsumerDialog")
            click(dialog.contentItem, "Delete")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text", "consumer 'billing' still has usable keys; revoke them first")
            dialog.close()
        }

        function test_fileAnAccessRequestForTheConsumer() {
            const page = createPage()
            tryCompare(page, "selectedConsumerId", seeded.billing.id)
            const dialog = openDialog(page, findOne(page, "consumerCard"), "Request access…", "requestDialog")
            typeInto(findOne(dialog.contentItem, "requestModel"), "mistral-large")
            typeInto(findOne(dialog.contentItem, "requestReason"), "French summaries")
            click(dialog.contentItem, "File request")
            tryCompare(dialog, "visible", false)
            const row = rowWith(findOne(page, "consumerRequestsTable"), "mistral-large")
            verify(texts(row).indexOf("Pending") >= 0, String(texts(row)))
        }
    }
}
