// The consumers' API keys: who has which, until when, in which state; create one (shown once),
// revoke one, rotate one with a grace period for the old key; the chosen key's rate limits and
// budgets, with what is used and left of them.
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
    // Consumer whose keys are shown; 0: every key.
    property int consumerFilter: 0
    // The key whose limits and budgets are shown (its id; 0: none). Chosen by a click on its row.
    property int selectedKeyId: 0
    readonly property var selectedKey: {
        for (const key of keyRows.items) {
            if (key.id === selectedKeyId)
                return key
        }
        return null
    }
    // The key shown once after a creation or rotation, and what it is.
    property string newKey
    property string newKeyTitle
    property string newKeyDetail
    // Keys expire by the clock, so their state is worked out against a clock that moves.
    property double now: Date.now()

    // The lists are made once the page is complete, so they are made from the listComponent its
    // creator gives (a test's stand-in), never first from the default.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var keys: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), path: "/admin/v1/keys", limit: 50,
        filters: Qt.binding(() => page.consumerFilter > 0 ? { consumer_id: page.consumerFilter } : {})
    }) : null
    readonly property int margin: 24

    function keyState(key) {
        return Governance.keyState(key, now, keyRows.items)
    }
    function consumerText(key) {
        return key.consumer_id === null || key.consumer_id === undefined ? qsTr("%1 (tenant key)").arg(key.tenant)
            : directory.label(key.consumer_id)
    }
    function showNewKey(key, title, detail) {
        newKeyTitle = title
        newKeyDetail = detail
        newKey = key
    }

    onConsumerFilterChanged: if (keys) keys.offset = 0

    Timer {
        interval: 30000
        running: true
        repeat: true
        onTriggered: page.now = Date.now()
    }
    ConsumerDirectory {
        id: directory
        client: page.client
        listComponent: page.listComponent
    }
    ListItems {
        id: keyRows
        model: page.keys
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: page.margin
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("API Keys")
            subtitle: qsTr("The keys consumers call the gateway with. A new key is shown once: Gatehouse keeps only its hash.")
        }

        OneTimeKeyBanner {
            objectName: "newKeyBanner"
            Layout.fillWidth: true
            key: page.newKey
            title: page.newKeyTitle
            detail: page.newKeyDetail
            onDismissed: page.newKey = ""
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            title: qsTr("Keys")
            headerItems: [
                ConsumerChoice {
                    objectName: "consumerFilter"
                    Layout.preferredWidth: 240
                    directory: directory
                    allText: qsTr("All consumers")
                    onConsumerIdChanged: page.consumerFilter = consumerId
                },
                ActionButton {
                    objectName: "newKeyButton"
                    primary: true
                    text: qsTr("New key…")
                    onClicked: createDialog.openFor(page.consumerFilter)
                }
            ]

            AdminTable {
                objectName: "keysTable"
                Layout.fillWidth: true
                Layout.fillHeight: true
                model: page.keys
                selectable: true
                selectedId: page.selectedKeyId
                onRowClicked: key => page.selectedKeyId = key.id
                emptyText: page.consumerFilter > 0 ? qsTr("This consumer has no keys yet. Create one with New key.")
                    : qsTr("No keys yet. Create one with New key.")
                columns: [
                    TableColumn { title: qsTr("Name"); share: 1.2; value: key => key.name },
                    TableColumn { title: qsTr("Prefix"); width: 116; monospace: true; value: key => key.prefix },
                    TableColumn { title: qsTr("Consumer"); share: 1.4; value: key => page.consumerText(key) },
                    TableColumn { title: qsTr("Created"); width: 120; muted: true; value: key => Governance.dateTime(key.created_at_ms) },
                    TableColumn {
                        title: qsTr("Expires"); width: 120; muted: true
                        value: key => key.expires_at_ms === null ? qsTr("never") : Governance.dateTime(key.expires_at_ms)
                    },
                    TableColumn {
                        title: qsTr("State"); width: 84
                        pillText: key => Governance.keyStateText(page.keyState(key))
                        pillTone: key => Governance.keyTone(page.keyState(key))
                    },
                    TableColumn {
                        width: 150
                        actions: [
                            TableAction {
                                text: qsTr("Rotate…")
                                // A rotating key already has its successor: rotate that one.
                                shownFor: key => key.consumer_id !== null && page.keyState(key) === "active"
                                onTriggered: key => rotateDialog.openFor(key)
                            },
                            TableAction {
                                text: qsTr("Revoke…")
                                shownFor: key => page.keyState(key) !== "revoked"
                                onTriggered: key => revokeDialog.openFor(key)
                            }
                        ]
                    }
                ]
            }
            PagingBar {
                Layout.fillWidth: true
                model: page.keys
                noun: qsTr("keys")
            }
        }

        Card {
            objectName: "keyPolicyCard"
            Layout.fillWidth: true
            title: page.selectedKey ? qsTr("Limits & budget of %1 (%2)").arg(page.selectedKey.name).arg(page.selectedKey.prefix)
                : qsTr("Limits & budget")

            Label {
                Layout.fillWidth: true
                visible: !page.selectedKey
                text: qsTr("Choose a key above to see its rate limits and budgets, with what is used and left of them now.")
                color: Theme.textMuted
                wrapMode: Text.Wrap
            }
            ScopePolicyPanel {
                objectName: "keyPolicy"
                Layout.fillWidth: true
                visible: !!page.selectedKey
                client: page.client
                dialogParent: page
                scope: "key"
                // A key's limits and budgets follow its prefix: a rotated key's successor starts without.
                scopeId: page.selectedKey ? page.selectedKey.prefix : ""
                scopeLabel: page.selectedKey ? qsTr("key %1 (%2)").arg(page.selectedKey.name).arg(page.selectedKey.prefix) : ""
            }
        }
    }

    FormDialog {
        id: createDialog
        objectName: "createKeyDialog"

        function openFor(consumerId) {
            if (consumerId > 0)
                createConsumer.consumerId = consumerId
            open()
        }

        readonly property double expiresAt: createExpiry.text.trim().length > 0 ? Governance.parseDateTime(createExpiry.text) : -1
        readonly property bool expiryValid: expiresAt === -1 || (!isNaN(expiresAt) && expiresAt > page.now)

        title: qsTr("New API key")
        initialFocus: createName
        confirmText: qsTr("Create key")
        canConfirm: createConsumer.consumerId > 0 && createName.text.trim().length > 0 && expiryValid
        onConfirmed: {
            const body = { consumer_id: createConsumer.consumerId, name: createName.text.trim() }
            if (expiresAt > 0)
                body.expires_at_ms = expiresAt
            submit(page.client, "POST", "/admin/v1/keys", body, reply => {
                page.showNewKey(reply.body.key, qsTr("New key “%1” for %2").arg(reply.body.name).arg(page.consumerText(reply.body)),
                    reply.body.expires_at_ms === null ? "" : qsTr("It expires on %1.").arg(Governance.dateTime(reply.body.expires_at_ms)))
                createName.text = ""
                createExpiry.text = ""
            })
        }

        FieldCaption { text: qsTr("Consumer") }
        ConsumerChoice {
            id: createConsumer
            objectName: "createKeyConsumer"
            Layout.fillWidth: true
            directory: directory
        }
        FieldCaption { text: qsTr("Name") }
        InputField {
            id: createName
            objectName: "createKeyName"
            Layout.fillWidth: true
            placeholderText: qsTr("reports-prod")
            onAccepted: createDialog.confirm()
        }
        FieldCaption { text: qsTr("Expires on (optional)") }
        InputField {
            id: createExpiry
            objectName: "createKeyExpiry"
            Layout.fillWidth: true
            placeholderText: qsTr("YYYY-MM-DD or YYYY-MM-DD HH:MM; empty: never")
            onAccepted: createDialog.confirm()
        }
        Label {
            Layout.fillWidth: true
            visible: !createDialog.expiryValid
            text: isNaN(createDialog.expiresAt) ? qsTr("Write the date as YYYY-MM-DD, optionally with HH:MM.")
                : qsTr("The expiry must lie in the future.")
            color: Theme.danger
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
        }
    }

    FormDialog {
        id: rotateDialog
        objectName: "rotateKeyDialog"

        property var key: null

        function openFor(key) {
            rotateDialog.key = key
            open()
        }

        readonly property int graceHours: rotateGrace.text.length > 0 ? Number(rotateGrace.text) : -1

        title: qsTr("Rotate key")
        initialFocus: rotateGrace
        message: key ? qsTr("A new key replaces “%1” (%2) of %3. The old key keeps working for the grace period, so clients can switch.")
            .arg(key.name).arg(key.prefix).arg(page.consumerText(key)) : ""
        confirmText: qsTr("Rotate")
        canConfirm: key !== null && graceHours >= 0 && graceHours <= 720
        onConfirmed: {
            const old = key
            submit(page.client, "POST", "/admin/v1/keys/" + old.id + "/rotate", { grace_seconds: graceHours * 3600 }, reply => {
                const rotated = reply.body.rotated_key
                page.showNewKey(reply.body.key, qsTr("New key “%1” for %2, replacing %3").arg(reply.body.name)
                        .arg(page.consumerText(reply.body)).arg(old.prefix),
                    rotated && rotated.expires_at_ms !== null
                        ? qsTr("The old key (%1) keeps working until %2.").arg(old.prefix).arg(Governance.dateTime(rotated.expires_at_ms))
                        : "")
            })
        }

        FieldCaption { text: qsTr("Grace period for the old key, in hours (0–720)") }
        InputField {
            id: rotateGrace
            objectName: "rotateGrace"
            Layout.fillWidth: true
            text: "24"
            validator: IntValidator { bottom: 0; top: 720 }
            onAccepted: rotateDialog.confirm()
        }
    }

    FormDialog {
        id: revokeDialog
        objectName: "revokeKeyDialog"

        property var key: null

        function openFor(key) {
            revokeDialog.key = key
            open()
        }

        title: qsTr("Revoke key")
        initialFocus: revokeReason
        message: key ? qsTr("Revoke “%1” (%2) of %3? Calls with it fail at once, and a revoked key cannot be restored.")
            .arg(key.name).arg(key.prefix).arg(page.consumerText(key)) : ""
        confirmText: qsTr("Revoke")
        destructive: true
        canConfirm: key !== null
        onConfirmed: submit(page.client, "POST", "/admin/v1/keys/" + key.id + "/revoke",
            revokeReason.text.trim().length > 0 ? { reason: revokeReason.text.trim() } : {}, () => revokeReason.text = "")

        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: revokeReason
            objectName: "revokeReason"
            Layout.fillWidth: true
            onAccepted: revokeDialog.confirm()
        }
    }
}
