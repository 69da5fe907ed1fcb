// Access requests: the pending ones first, each approved or rejected with a note for the consumer;
// then every request ever filed, by consumer and model, with its state and note.
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
    // History filters: a consumer id (0: all) and an exact model name ("": all).
    property int consumerFilter: 0
    property string modelFilter
    property double now: Date.now()

    // The lists are made once the page is complete, so they are made from the listComponent its
    // creator gives (a test's stand-in), never first from the default.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var pending: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), path: "/admin/v1/access-requests", limit: 200,
        filters: { state: "pending" }
    }) : null
    readonly property var history: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), path: "/admin/v1/access-requests", limit: 50,
        filters: Qt.binding(() => ({ consumer_id: page.consumerFilter > 0 ? page.consumerFilter : "", model: page.modelFilter }))
    }) : null
    readonly property int margin: 24

    onConsumerFilterChanged: if (history) history.offset = 0
    onModelFilterChanged: if (history) history.offset = 0

    // "Filed 5 min ago" stays true while the page is open.
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

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: page.margin
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Approvals")
            subtitle: qsTr("Consumers ask for models that need approval. Your note is what the consumer sees.")
        }

        Card {
            objectName: "inboxCard"
            Layout.fillWidth: true
            title: qsTr("Waiting for a decision")
            headerItems: StatText {
                value: page.pending ? page.pending.total : 0
                caption: page.pending && page.pending.total === 1 ? qsTr("request") : qsTr("requests")
            }

            AdminTable {
                objectName: "inboxTable"
                Layout.fillWidth: true
                model: page.pending
                visibleRows: 5
                emptyText: qsTr("Nothing waiting. New requests appear here as soon as they are filed.")
                columns: [
                    TableColumn { title: qsTr("Consumer"); share: 1.2; value: request => directory.label(request.consumer_id) },
                    TableColumn { title: qsTr("Model"); share: 1; value: request => request.model },
                    TableColumn { title: qsTr("Reason"); share: 2; value: request => request.reason },
                    TableColumn {
                        title: qsTr("Filed"); width: 200; muted: true
                        value: request => qsTr("%1 by %2").arg(Governance.ago(request.created_at_ms, page.now)).arg(request.requested_by)
                    },
                    TableColumn {
                        width: 168
                        actions: [
                            TableAction {
                                text: qsTr("Approve…")
                                primary: true
                                onTriggered: request => decideDialog.openFor(request, "approve")
                            },
                            TableAction {
                                text: qsTr("Reject…")
                                onTriggered: request => decideDialog.openFor(request, "reject")
                            }
                        ]
                    }
                ]
            }
        }

        Card {
            objectName: "historyCard"
            Layout.fillWidth: true
            Layout.fillHeight: true
            title: qsTr("History")
            headerItems: [
                ConsumerChoice {
                    objectName: "historyConsumerFilter"
                    Layout.preferredWidth: 220
                    directory: directory
                    allText: qsTr("All consumers")
                    onConsumerIdChanged: page.consumerFilter = consumerId
                },
                InputField {
                    id: modelFilterField
                    objectName: "historyModelFilter"
                    Layout.preferredWidth: 180
                    placeholderText: qsTr("Model (exact name)")
                    // Asks once typing pauses, not on every key.
                    onTextChanged: modelFilterDelay.restart()
                    onAccepted: {
                        modelFilterDelay.stop()
                        page.modelFilter = text.trim()
                    }

                    Timer {
                        id: modelFilterDelay
                        interval: 400
                        onTriggered: page.modelFilter = modelFilterField.text.trim()
                    }
                }
            ]

            AdminTable {
                objectName: "historyTable"
                Layout.fillWidth: true
                Layout.fillHeight: true
                model: page.history
                emptyText: page.consumerFilter > 0 || page.modelFilter.length > 0 ? qsTr("No request matches these filters.")
                    : qsTr("No access request has been filed yet.")
                columns: [
                    TableColumn { title: qsTr("Consumer"); share: 1.2; value: request => directory.label(request.consumer_id) },
                    TableColumn { title: qsTr("Model"); share: 1; value: request => request.model },
                    TableColumn {
                        title: qsTr("State"); width: 92
                        pillText: request => Governance.requestStateText(request.state)
                        pillTone: request => Governance.requestTone(request.state)
                    },
                    TableColumn {
                        title: qsTr("Note"); share: 2.2
                        value: request => request.grant ? (request.note.length > 0 ? qsTr("Granted: %1").arg(request.note) : qsTr("Granted by an admin"))
                            : request.note.length > 0 ? request.note : request.reason.length > 0 ? qsTr("Reason: %1").arg(request.reason) : ""
                    },
                    // The latest event: the decision, or for a waiting request its filing.
                    TableColumn {
                        title: qsTr("Last change"); width: 220; muted: true
                        value: request => request.decided_at_ms === null
                            ? qsTr("filed %1 by %2").arg(Governance.ago(request.created_at_ms, page.now)).arg(request.requested_by)
                            : qsTr("%1 %2 by %3").arg(Governance.requestStateText(request.state).toLowerCase())
                                .arg(Governance.ago(request.decided_at_ms, page.now)).arg(request.decided_by)
                    }
                ]
            }
            PagingBar {
                Layout.fillWidth: true
                model: page.history
                noun: qsTr("requests")
            }
        }
    }

    FormDialog {
        id: decideDialog
        objectName: "decideDialog"

        property var request: null
        property string action: "approve"

        function openFor(request, action) {
            decideDialog.request = request
            decideDialog.action = action
            decideNote.text = ""
            open()
        }

        title: action === "approve" ? qsTr("Approve access") : qsTr("Reject access")
        message: request ? (request.reason.length > 0
            ? qsTr("%1 asks for %2: “%3”").arg(directory.label(request.consumer_id)).arg(request.model).arg(request.reason)
            : qsTr("%1 asks for %2.").arg(directory.label(request.consumer_id)).arg(request.model)) : ""
        confirmText: action === "approve" ? qsTr("Approve") : qsTr("Reject")
        initialFocus: decideNote
        destructive: action === "reject"
        canConfirm: request !== null
        onConfirmed: submit(page.client, "POST", "/admin/v1/access-requests/" + request.id + "/" + action,
            decideNote.text.trim().length > 0 ? { note: decideNote.text.trim() } : {})

        FieldCaption {
            text: decideDialog.action === "approve" ? qsTr("Note for the consumer (optional)")
                : qsTr("Note for the consumer: why, and what to do instead (optional)")
        }
        InputField {
            id: decideNote
            objectName: "decideNote"
            Layout.fillWidth: true
            onAccepted: decideDialog.confirm()
        }
    }
}
