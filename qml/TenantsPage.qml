// Tenants (teams) and their consumers (applications): create, rename and delete tenants; create,
// describe and delete consumers; the chosen tenant's rate limits and budgets; and for the chosen
// consumer, its keys, its rate limits and budgets, and its access requests.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance

Item {
    id: page

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    // Builds the page's lists; tests give a stand-in that asks the stand-in client.
    property Component listComponent: Component {
        AdminListModel {}
    }
    // The chosen tenant and consumer (ids; 0: none). The first of each is chosen until the user picks.
    property int selectedTenantId: 0
    property int selectedConsumerId: 0
    property double now: Date.now()

    // The lists are made once the page is complete, so they are made from the listComponent its
    // creator gives (a test's stand-in), never first from the default.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var tenants: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), path: "/admin/v1/tenants", limit: 500
    }) : null
    readonly property var consumers: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), limit: 500,
        path: Qt.binding(() => page.selectedTenantId > 0 ? "/admin/v1/consumers" : ""),
        filters: Qt.binding(() => ({ tenant_id: page.selectedTenantId }))
    }) : null
    readonly property var consumerKeys: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), limit: 200,
        path: Qt.binding(() => page.selectedConsumerId > 0 ? "/admin/v1/keys" : ""),
        filters: Qt.binding(() => ({ consumer_id: page.selectedConsumerId }))
    }) : null
    readonly property var consumerRequests: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), limit: 200,
        path: Qt.binding(() => page.selectedConsumerId > 0 ? "/admin/v1/access-requests" : ""),
        filters: Qt.binding(() => ({ consumer_id: page.selectedConsumerId }))
    }) : null
    readonly property var selectedTenant: find(tenantRows.items, selectedTenantId)
    readonly property var selectedConsumer: find(consumerRows.items, selectedConsumerId)
    readonly property int margin: 24

    onSelectedTenantIdChanged: selectedConsumerId = 0

    function find(items, id) {
        for (let i = 0; i < items.length; ++i) {
            if (items[i].id === id)
                return items[i]
        }
        return null
    }
    // Keeps a choice that is still listed; else the first row, or none.
    function keepOrFirst(items, id) {
        return find(items, id) !== null ? id : items.length > 0 ? items[0].id : 0
    }
    function withReason(body, field) {
        const reason = field.text.trim()
        if (reason.length > 0)
            body.reason = reason
        return body
    }

    Timer {
        interval: 30000
        running: true
        repeat: true
        onTriggered: page.now = Date.now()
    }
    ListItems {
        id: tenantRows
        model: page.tenants
        onItemsChanged: page.selectedTenantId = page.keepOrFirst(items, page.selectedTenantId)
    }
    ListItems {
        id: consumerRows
        model: page.consumers
        onItemsChanged: page.selectedConsumerId = page.keepOrFirst(items, page.selectedConsumerId)
    }
    ListItems {
        id: keyRows
        model: page.consumerKeys
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: page.margin
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Tenants & Consumers")
            subtitle: qsTr("Tenants are teams; consumers are their applications, each with its own keys and model access.")
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 16

            Card {
                objectName: "tenantsCard"
                Layout.preferredWidth: 280
                Layout.fillHeight: true
                title: qsTr("Tenants")
                headerItems: ActionButton {
                    objectName: "newTenantButton"
                    primary: true
                    text: qsTr("New…")
                    onClicked: tenantDialog.openFor(null)
                }

                AdminTable {
                    objectName: "tenantsTable"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    model: page.tenants
                    selectable: true
                    selectedId: page.selectedTenantId
                    onRowClicked: tenant => page.selectedTenantId = tenant.id
                    emptyText: qsTr("No tenants yet. Create the first with New.")
                    columns: [
                        TableColumn { title: qsTr("Name"); share: 1; value: tenant => tenant.name },
                        TableColumn { title: qsTr("Created"); width: 80; muted: true; value: tenant => Governance.dateTime(tenant.created_at_ms).substring(0, 10) }
                    ]
                }
            }

            // Everything about the chosen tenant scrolls, as on the Providers page: its consumers, its
            // limits and budgets, and the chosen consumer.
            Flickable {
                id: scroller
                Layout.fillWidth: true
                Layout.fillHeight: true
                contentWidth: width
                contentHeight: tenantColumn.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {
                    policy: ScrollBar.AlwaysOn
                    visible: scroller.contentHeight > scroller.height
                }

                ColumnLayout {
                    id: tenantColumn
                    width: scroller.width - (scroller.contentHeight > scroller.height ? 16 : 0)
                    spacing: 16

                    Card {
                        objectName: "consumersCard"
                        Layout.fillWidth: true
                        title: page.selectedTenant ? qsTr("Consumers of %1").arg(page.selectedTenant.name) : qsTr("Consumers")
                        headerItems: [
                            ActionButton {
                                objectName: "renameTenantButton"
                                text: qsTr("Rename…")
                                enabled: page.selectedTenant !== null
                                onClicked: tenantDialog.openFor(page.selectedTenant)
                            },
                            ActionButton {
                                objectName: "deleteTenantButton"
                                text: qsTr("Delete…")
                                enabled: page.selectedTenant !== null
                                onClicked: deleteTenantDialog.openFor(page.selectedTenant)
                            },
                            ActionButton {
                                objectName: "newConsumerButton"
                                primary: true
                                text: qsTr("New consumer…")
                                enabled: page.selectedTenant !== null
                                onClicked: consumerDialog.openFor(null)
                            }
                        ]

                        AdminTable {
                            objectName: "consumersTable"
                            Layout.fillWidth: true
                            model: page.consumers
                            visibleRows: 5
                            selectable: true
                            selectedId: page.selectedConsumerId
                            onRowClicked: consumer => page.selectedConsumerId = consumer.id
                            emptyText: page.selectedTenant ? qsTr("%1 has no consumers yet. Add its first application with New consumer.").arg(page.selectedTenant.name)
                                : qsTr("Create a tenant first.")
                            columns: [
                                TableColumn { title: qsTr("Name"); share: 1; value: consumer => consumer.name },
                                TableColumn { title: qsTr("Description"); share: 2; value: consumer => consumer.description },
                                TableColumn { title: qsTr("Created"); width: 120; muted: true; value: consumer => Governance.dateTime(consumer.created_at_ms) },
                                TableColumn {
                                    width: 140
                                    actions: [
                                        TableAction {
                                            text: qsTr("Edit…")
                                            onTriggered: consumer => consumerDialog.openFor(consumer)
                                        },
                                        TableAction {
                                            text: qsTr("Delete…")
                                            onTriggered: consumer => deleteConsumerDialog.openFor(consumer)
                                        }
                                    ]
                                }
                            ]
                        }
                    }

                    Card {
                        objectName: "tenantPolicyCard"
                        Layout.fillWidth: true
                        visible: page.selectedTenant !== null
                        title: page.selectedTenant ? qsTr("Limits & budget of %1").arg(page.selectedTenant.name) : ""

                        ScopePolicyPanel {
                            objectName: "tenantPolicy"
                            Layout.fillWidth: true
                            client: page.client
                            dialogParent: page
                            scope: "tenant"
                            scopeId: page.selectedTenant ? page.selectedTenant.name : ""
                            scopeLabel: page.selectedTenant ? qsTr("tenant %1").arg(page.selectedTenant.name) : ""
                        }
                    }

                    Card {
                        objectName: "consumerCard"
                        Layout.fillWidth: true
                        title: page.selectedConsumer ? qsTr("%1 / %2").arg(page.selectedConsumer.tenant).arg(page.selectedConsumer.name) : qsTr("Consumer")
                        headerItems: ActionButton {
                            objectName: "fileRequestButton"
                            text: qsTr("Request access…")
                            enabled: page.selectedConsumer !== null
                            onClicked: requestDialog.open()
                        }

                        Label {
                            Layout.fillWidth: true
                            text: page.selectedConsumer ? (page.selectedConsumer.description.length > 0 ? page.selectedConsumer.description : qsTr("No description."))
                                : qsTr("Choose a consumer above to see its keys and access requests.")
                            color: Theme.textMuted
                            elide: Text.ElideRight
                        }
                        FieldCaption {
                            Layout.topMargin: Theme.spacingSmall
                            text: qsTr("Keys (%1)").arg(page.consumerKeys ? page.consumerKeys.total : 0)
                            font.bold: true
                        }
                        AdminTable {
                            objectName: "consumerKeysTable"
                            Layout.fillWidth: true
                            model: page.consumerKeys
                            visibleRows: 3
                            rowHeight: 36
                            emptyText: page.selectedConsumer ? qsTr("No keys. Create one on the API Keys page.") : ""
                            columns: [
                                TableColumn { title: qsTr("Name"); share: 1; value: key => key.name },
                                TableColumn { title: qsTr("Prefix"); width: 116; monospace: true; value: key => key.prefix },
                                TableColumn {
                                    title: qsTr("Expires"); width: 130; muted: true
                                    value: key => key.expires_at_ms === null ? qsTr("never") : Governance.dateTime(key.expires_at_ms)
                                },
                                TableColumn {
                                    title: qsTr("State"); width: 84
                                    pillText: key => Governance.keyStateText(Governance.keyState(key, page.now, keyRows.items))
                                    pillTone: key => Governance.keyTone(Governance.keyState(key, page.now, keyRows.items))
                                }
                            ]
                        }
                        FieldCaption {
                            Layout.topMargin: Theme.spacingSmall
                            visible: page.selectedConsumer !== null
                            text: qsTr("Limits & budget")
                            font.bold: true
                        }
                        ScopePolicyPanel {
                            objectName: "consumerPolicy"
                            Layout.fillWidth: true
                            visible: page.selectedConsumer !== null
                            client: page.client
                            dialogParent: page
                            scope: "consumer"
                            // The data plane knows a consumer as "tenant/consumer".
                            scopeId: page.selectedConsumer ? page.selectedConsumer.tenant + "/" + page.selectedConsumer.name : ""
                            scopeLabel: page.selectedConsumer ? qsTr("consumer %1 / %2").arg(page.selectedConsumer.tenant).arg(page.selectedConsumer.name) : ""
                        }
                        FieldCaption {
                            Layout.topMargin: Theme.spacingSmall
                            text: qsTr("Access requests (%1)").arg(page.consumerRequests ? page.consumerRequests.total : 0)
                            font.bold: true
                        }
                        AdminTable {
                            objectName: "consumerRequestsTable"
                            Layout.fillWidth: true
                            model: page.consumerRequests
                            visibleRows: 5
                            rowHeight: 36
                            emptyText: page.selectedConsumer ? qsTr("No access requests.") : ""
                            columns: [
                                TableColumn { title: qsTr("Model"); share: 1; value: request => request.model },
                                TableColumn {
                                    title: qsTr("State"); width: 92
                                    pillText: request => Governance.requestStateText(request.state)
                                    pillTone: request => Governance.requestTone(request.state)
                                },
                                TableColumn {
                                    title: qsTr("Note"); share: 2
                                    value: request => request.note.length > 0 ? request.note
                                        : request.reason.length > 0 ? qsTr("Reason: %1").arg(request.reason) : ""
                                },
                                TableColumn { title: qsTr("Filed"); width: 90; muted: true; value: request => Governance.ago(request.created_at_ms, page.now) }
                            ]
                        }
                    }
                }
            }
        }
    }

    // Create (tenant null) or rename a tenant.
    FormDialog {
        id: tenantDialog
        objectName: "tenantDialog"

        property var tenant: null

        function openFor(tenant) {
            tenantDialog.tenant = tenant
            tenantName.text = tenant ? tenant.name : ""
            tenantReason.text = ""
            open()
        }

        title: tenant ? qsTr("Rename tenant %1").arg(tenant.name) : qsTr("New tenant")
        confirmText: tenant ? qsTr("Rename") : qsTr("Create tenant")
        initialFocus: tenantName
        canConfirm: tenantName.text.trim().length > 0 && (!tenant || tenantName.text.trim() !== tenant.name)
        onConfirmed: {
            const body = page.withReason({ name: tenantName.text.trim() }, tenantReason)
            if (tenant)
                submit(page.client, "PATCH", "/admin/v1/tenants/" + tenant.id, body)
            else
                submit(page.client, "POST", "/admin/v1/tenants", body, reply => page.selectedTenantId = reply.body.id)
        }

        FieldCaption { text: qsTr("Name (letters, digits, '-', '_' and '.')") }
        InputField {
            id: tenantName
            objectName: "tenantName"
            Layout.fillWidth: true
            placeholderText: qsTr("acme")
            onAccepted: tenantDialog.confirm()
        }
        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: tenantReason
            Layout.fillWidth: true
            onAccepted: tenantDialog.confirm()
        }
    }

    FormDialog {
        id: deleteTenantDialog
        objectName: "deleteTenantDialog"

        property var tenant: null

        function openFor(tenant) {
            deleteTenantDialog.tenant = tenant
            deleteTenantReason.text = ""
            open()
        }

        title: qsTr("Delete tenant")
        initialFocus: deleteTenantReason
        message: tenant ? qsTr("Delete the tenant %1? Only a tenant without consumers and usable keys can be deleted.").arg(tenant.name) : ""
        confirmText: qsTr("Delete")
        destructive: true
        canConfirm: tenant !== null
        onConfirmed: submit(page.client, "DELETE", "/admin/v1/tenants/" + tenant.id
            + Governance.query({ reason: deleteTenantReason.text.trim() }), {})

        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: deleteTenantReason
            Layout.fillWidth: true
            onAccepted: deleteTenantDialog.confirm()
        }
    }

    // Create (consumer null) a consumer of the chosen tenant, or change a consumer's description.
    FormDialog {
        id: consumerDialog
        objectName: "consumerDialog"

        property var consumer: null

        function openFor(consumer) {
            consumerDialog.consumer = consumer
            consumerName.text = consumer ? consumer.name : ""
            consumerDescription.text = consumer ? consumer.description : ""
            open()
        }

        title: consumer ? qsTr("Edit %1").arg(consumer.name)
            : page.selectedTenant ? qsTr("New consumer of %1").arg(page.selectedTenant.name) : qsTr("New consumer")
        confirmText: consumer ? qsTr("Save") : qsTr("Create consumer")
        initialFocus: consumer ? consumerDescription : consumerName
        canConfirm: consumer ? consumerDescription.text !== consumer.description : consumerName.text.trim().length > 0
        onConfirmed: {
            if (consumer) {
                submit(page.client, "PATCH", "/admin/v1/consumers/" + consumer.id, { description: consumerDescription.text.trim() })
                return
            }
            submit(page.client, "POST", "/admin/v1/consumers",
                { tenant_id: page.selectedTenantId, name: consumerName.text.trim(), description: consumerDescription.text.trim() },
                reply => page.selectedConsumerId = reply.body.id)
        }

        FieldCaption { text: qsTr("Name (letters, digits, '-', '_' and '.')") }
        InputField {
            id: consumerName
            objectName: "consumerName"
            Layout.fillWidth: true
            enabled: consumerDialog.consumer === null
            placeholderText: qsTr("billing-service")
            onAccepted: consumerDialog.confirm()
        }
        FieldCaption { text: qsTr("Description") }
        InputField {
            id: consumerDescription
            objectName: "consumerDescription"
            Layout.fillWidth: true
            placeholderText: qsTr("What the application does, who runs it")
            onAccepted: consumerDialog.confirm()
        }
    }

    FormDialog {
        id: deleteConsumerDialog
        objectName: "deleteConsumerDialog"

        property var consumer: null

        function openFor(consumer) {
            deleteConsumerDialog.consumer = consumer
            deleteConsumerReason.text = ""
            open()
        }

        title: qsTr("Delete consumer")
        initialFocus: deleteConsumerReason
        message: consumer ? qsTr("Delete %1 / %2? Its access requests go with it (the audit log keeps them). A consumer with usable keys cannot be deleted: revoke them first.")
            .arg(consumer.tenant).arg(consumer.name) : ""
        confirmText: qsTr("Delete")
        destructive: true
        canConfirm: consumer !== null
        onConfirmed: submit(page.client, "DELETE", "/admin/v1/consumers/" + consumer.id
            + Governance.query({ reason: deleteConsumerReason.text.trim() }), {})

        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: deleteConsumerReason
            Layout.fillWidth: true
            onAccepted: deleteConsumerDialog.confirm()
        }
    }

    // Files an access request for the chosen consumer, as an operator does for an application.
    FormDialog {
        id: requestDialog
        objectName: "requestDialog"

        title: page.selectedConsumer ? qsTr("Request access for %1").arg(page.selectedConsumer.name) : qsTr("Request access")
        message: qsTr("For a model that needs approval, the request waits on the Approvals page.")
        confirmText: qsTr("File request")
        initialFocus: requestModel
        canConfirm: page.selectedConsumer !== null && requestModel.text.trim().length > 0
        onConfirmed: submit(page.client, "POST", "/admin/v1/access-requests",
            page.withReason({ consumer_id: page.selectedConsumerId, model: requestModel.text.trim() }, requestReason), () => {
                requestModel.text = ""
                requestReason.text = ""
            })

        FieldCaption { text: qsTr("Model") }
        InputField {
            id: requestModel
            objectName: "requestModel"
            Layout.fillWidth: true
            placeholderText: qsTr("gpt-4o")
            onAccepted: requestDialog.confirm()
        }
        FieldCaption { text: qsTr("Reason") }
        InputField {
            id: requestReason
            objectName: "requestReason"
            Layout.fillWidth: true
            onAccepted: requestDialog.confirm()
        }
    }
}
