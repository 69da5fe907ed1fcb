// The live call log, newest first: filters, a pause that holds the table still, and the chosen call
// in full (its record, its captured payload, "Copy as curl").
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

Item {
    id: page

    objectName: "callLogPage"

    // The live log (controller.callLog): this page shows its own view of it, so pausing here holds
    // only this table.
    required property CallLogModel calls
    // The admin API of the gateway the calls went through (controller.admin.embeddedClient), for a
    // call's stored record and payload; a stand-in with the same request() in tests.
    required property var client
    // The gateway's data plane ("http://127.0.0.1:8088"), for "Copy as curl".
    property string baseUrl
    // The served models, for the model filter.
    property var models: []

    // The chosen call's fields, as the live log had them when it was chosen (it stays shown while
    // the row scrolls away or leaves the log); null: none chosen.
    property var selectedCall: null
    readonly property string selectedRequestId: selectedCall ? selectedCall.request_id : ""
    readonly property alias filter: filter
    readonly property alias detail: detailPane

    // Chooses the call shown in `row` of the table (-1: none).
    function selectRow(row) {
        selectedCall = row >= 0 && row < filter.count ? filter.get(row) : null
    }
    // Chooses the call with this request id if the table shows it, and scrolls to it; false if not.
    function selectRequest(requestId) {
        const row = filter.rowOf(requestId)
        selectRow(row)
        if (row >= 0)
            table.showRow(row)
        return selectedCall !== null
    }

    readonly property var statusChoices: [
        { text: qsTr("All statuses"), value: "" },
        { text: qsTr("Success"), value: "success" },
        { text: qsTr("Errors"), value: "error" },
        { text: qsTr("4xx (refused)"), value: "4xx" },
        { text: qsTr("429 (rate limited)"), value: "429" },
        { text: qsTr("5xx (failed)"), value: "5xx" }
    ]

    function number(value) {
        return Number(value).toLocaleString(Qt.locale(), "f", 0)
    }
    function pausedText() {
        const arrived = filter.newCalls
        let text = arrived === 0 ? qsTr("Paused: the table holds still. New calls are kept and appear when you resume.")
            : filter.filtering ? qsTr("Paused: %1 new calls since (%2 match the filters); they appear when you resume.")
                .arg(number(arrived)).arg(number(filter.newMatchingCalls))
            : qsTr("Paused: %1 new calls since; they appear when you resume.").arg(number(arrived))
        if (filter.skippedCalls > 0)
            text += " " + qsTr("%1 of them are beyond the %2 this view keeps and will not appear here: they are in the database (gatehouse calls list, GET /admin/v1/calls).")
                .arg(number(filter.skippedCalls)).arg(number(page.calls.capacity))
        return text
    }

    CallLogFilterModel {
        id: filter
        calls: page.calls
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Call log")
            subtitle: qsTr("The latest %1 calls, newest first; click one for its details. Every call is kept in the database.")
                .arg(page.number(page.calls.capacity))
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: 220
            headerItems: [
                StatText {
                    value: page.number(page.calls.totalCalls)
                    caption: qsTr("calls since start")
                },
                StatText {
                    value: page.calls.callsPerSecond.toLocaleString(Qt.locale(), "f", 1)
                    caption: qsTr("calls/s")
                },
                StatText {
                    objectName: "droppedRecords"
                    // Records the writer could not keep (its queue full, or the database failing): the
                    // calls happened, their records are missing from the log and the charts.
                    visible: page.calls.droppedRecords > 0
                    value: page.number(page.calls.droppedRecords)
                    caption: qsTr("records dropped")
                    valueColor: Theme.danger
                },
                ActionButton {
                    objectName: "pauseButton"
                    primary: filter.paused
                    text: filter.paused ? qsTr("Resume") : qsTr("Pause")
                    onClicked: filter.paused = !filter.paused
                },
                ActionButton {
                    objectName: "clearButton"
                    text: qsTr("Clear")
                    enabled: filter.unfilteredCount > 0 || filter.newCalls > 0
                    onClicked: filter.clear()
                }
            ]

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: false
                spacing: Theme.spacingSmall

                ChoiceBox {
                    id: modelChoice
                    objectName: "modelFilter"
                    Layout.preferredWidth: 180
                    model: [qsTr("All models")].concat(page.models)
                    onActivated: index => filter.model = index > 0 ? page.models[index - 1] : ""
                }
                ChoiceBox {
                    id: statusChoice
                    objectName: "statusFilter"
                    Layout.preferredWidth: 160
                    textRole: "text"
                    model: page.statusChoices
                    onActivated: index => filter.status = page.statusChoices[index].value
                }
                InputField {
                    id: callerField
                    objectName: "callerFilter"
                    Layout.preferredWidth: 200
                    placeholderText: qsTr("Tenant, consumer or key")
                    onTextChanged: filter.caller = text
                }
                InputField {
                    id: requestIdField
                    objectName: "requestIdFilter"
                    Layout.preferredWidth: 200
                    placeholderText: qsTr("Request ID")
                    onTextChanged: filter.requestId = text
                }
                ActionButton {
                    objectName: "clearFiltersButton"
                    visible: filter.filtering
                    text: qsTr("Clear filters")
                    onClicked: {
                        modelChoice.currentIndex = 0
                        statusChoice.currentIndex = 0
                        callerField.text = ""
                        requestIdField.text = ""
                        filter.clearFilters()
                    }
                }
                Label {
                    objectName: "shownCount"
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignRight
                    visible: filter.filtering
                    text: qsTr("%1 of %2 calls match").arg(page.number(filter.count)).arg(page.number(filter.unfilteredCount))
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    elide: Text.ElideLeft
                }
            }

            Rectangle {
                objectName: "pausedNotice"
                Layout.fillWidth: true
                visible: filter.paused
                implicitHeight: pausedLabel.implicitHeight + 2 * Theme.spacingSmall
                radius: 6
                color: Theme.warningSoft

                Label {
                    id: pausedLabel
                    objectName: "pausedText"
                    x: Theme.spacing
                    y: Theme.spacingSmall
                    width: parent.width - 2 * Theme.spacing
                    text: filter.paused ? page.pausedText() : ""
                    color: filter.skippedCalls > 0 ? Theme.danger : Theme.warning
                    wrapMode: Text.Wrap
                }
            }

            CallTable {
                id: table
                Layout.fillWidth: true
                Layout.fillHeight: true
                calls: filter
                selectable: true
                selectedRequestId: page.selectedRequestId
                onCallClicked: row => page.selectRow(row)
                emptyText: filter.filtering ? qsTr("No call in the log matches these filters.") : qsTr("No calls yet.")
            }
        }

        CallDetailPane {
            id: detailPane
            objectName: "callDetail"
            Layout.fillWidth: true
            // Room for every field; the payload scrolls.
            Layout.preferredHeight: Math.min(Math.round(page.height * 0.5), 440)
            visible: page.selectedCall !== null
            call: page.selectedCall
            client: page.client
            baseUrl: page.baseUrl
            onCloseRequested: page.selectedCall = null
        }
    }
}
