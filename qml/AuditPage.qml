// The audit log: every governance change, who made it and why, newest first; a click shows the
// entity before and after. Filter by entity type and time, page through, export to CSV or JSON.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Dialogs
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance

Item {
    id: page

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    // Builds the page's list; tests give a stand-in that asks the stand-in client.
    property Component listComponent: Component {
        AdminListModel {}
    }
    property string entityType
    // The time range: epoch ms, NaN for an open end; since inclusive, until exclusive (as the API).
    property double sinceMs: NaN
    property double untilMs: NaN
    // What the last export did, for the line under the filters.
    property string exportText
    property bool exportFailed: false
    property bool exporting: false

    readonly property var filters: ({
        entity_type: entityType,
        since_ms: isNaN(sinceMs) ? "" : Math.round(sinceMs),
        until_ms: isNaN(untilMs) ? "" : Math.round(untilMs)
    })
    // The lists are made once the page is complete, so they are made from the listComponent its
    // creator gives (a test's stand-in), never first from the default.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var entries: page.ready ? Governance.createList(listComponent, page, {
        client: Qt.binding(() => page.client), path: "/admin/v1/audit", limit: 50,
        filters: Qt.binding(() => page.filters)
    }) : null
    readonly property int margin: 24
    readonly property int exportPageSize: 1000

    onFiltersChanged: if (entries) entries.offset = 0

    // Sets the range from the choice: the last hour, day, week or month up to now, or all time.
    function applyRange(index) {
        const hours = [0, 1, 24, 24 * 7, 24 * 30][index]
        if (index < 0 || index >= 5)
            return
        sinceMs = hours > 0 ? Date.now() - hours * 3600 * 1000 : NaN
        untilMs = NaN
    }
    function applyCustomRange() {
        sinceMs = customFrom.text.trim().length > 0 ? Governance.parseDateTime(customFrom.text) : NaN
        untilMs = customTo.text.trim().length > 0 ? Governance.parseDateTime(customTo.text) : NaN
    }
    function entityText(entry) {
        return entry.entity_id !== null && entry.entity_id !== undefined && String(entry.entity_id).length > 0
            ? entry.entity_type + " " + entry.entity_id : entry.entity_type
    }

    // Writes `text` to the local file `fileUrl`, then calls `done(error)` ("" on success). Tests give
    // their own writer.
    property var writeFile: (fileUrl, text, done) => done(TextFile.save(fileUrl, text))

    function localPath(fileUrl) {
        return decodeURIComponent(String(fileUrl).replace(/^file:\/\//, ""))
    }

    // Exports every entry matching the filters (not only this page) as "csv" or "json" into `fileUrl`:
    // pages of the API's largest size, one after the other, then one write.
    function exportTo(format, fileUrl) {
        const base = Governance.query(filters)
        const total = entries.total
        let collected = format === "csv" ? "" : []
        exporting = true
        exportFailed = false
        exportText = qsTr("Exporting…")
        const fail = message => {
            exporting = false
            exportFailed = true
            exportText = qsTr("Export failed: %1").arg(message)
        }
        const fetch = offset => {
            const target = "/admin/v1/audit" + (base.length > 0 ? base + "&" : "?") + "limit=" + exportPageSize + "&offset=" + offset
                + (format === "csv" ? "&format=csv" : "")
            page.client.request("GET", target, {}, reply => {
                if (!reply.ok)
                    return fail(Governance.errorOf(reply))
                if (format === "csv") {
                    // Every page starts with the header row; the file has it once.
                    const csv = offset === 0 ? reply.text : reply.text.substring(reply.text.indexOf("\n") + 1)
                    collected += csv
                } else {
                    collected = collected.concat(reply.body.data)
                }
                const next = offset + exportPageSize
                if (next < total)
                    return fetch(next)
                const text = format === "csv" ? collected : JSON.stringify(collected, null, 2) + "\n"
                page.writeFile(fileUrl, text, error => {
                    if (error.length > 0)
                        return fail(error)
                    exporting = false
                    exportText = qsTr("Saved %n entries to %1", "", total).arg(page.localPath(fileUrl))
                })
            })
        }
        fetch(0)
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: page.margin
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Audit")
            subtitle: qsTr("Every governance change, who made it and why. The log is append-only. Click an entry to see what changed.")
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            title: qsTr("Entries")
            headerItems: [
                ActionButton {
                    objectName: "exportCsv"
                    text: qsTr("Export CSV…")
                    enabled: !page.exporting && page.entries !== null && page.entries.total > 0
                    onClicked: exportDialog.openFor("csv")
                },
                ActionButton {
                    objectName: "exportJson"
                    text: qsTr("Export JSON…")
                    enabled: !page.exporting && page.entries !== null && page.entries.total > 0
                    onClicked: exportDialog.openFor("json")
                }
            ]

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: false
                spacing: Theme.spacingSmall

                FieldCaption { text: qsTr("Entity") }
                ChoiceBox {
                    id: entityChoice
                    objectName: "entityFilter"
                    Layout.preferredWidth: 170
                    textRole: "text"
                    model: [
                        { text: qsTr("All entities"), value: "" },
                        { text: qsTr("Tenants"), value: "tenant" },
                        { text: qsTr("Consumers"), value: "consumer" },
                        { text: qsTr("API keys"), value: "api_key" },
                        { text: qsTr("Access requests"), value: "access_request" },
                        { text: qsTr("Model access"), value: "model_access" },
                        { text: qsTr("Admin tokens"), value: "admin_token" },
                        { text: qsTr("Providers"), value: "provider" }
                    ]
                    onActivated: index => page.entityType = model[index].value
                }
                FieldCaption {
                    Layout.leftMargin: Theme.spacing
                    text: qsTr("Time")
                }
                ChoiceBox {
                    id: rangeChoice
                    objectName: "rangeFilter"
                    Layout.preferredWidth: 150
                    model: [qsTr("All time"), qsTr("Last hour"), qsTr("Last 24 hours"), qsTr("Last 7 days"), qsTr("Last 30 days"), qsTr("Between…")]
                    onActivated: index => index === 5 ? page.applyCustomRange() : page.applyRange(index)
                }
                InputField {
                    id: customFrom
                    objectName: "rangeFrom"
                    visible: rangeChoice.currentIndex === 5
                    Layout.preferredWidth: 150
                    placeholderText: qsTr("From YYYY-MM-DD")
                    onEditingFinished: page.applyCustomRange()
                }
                InputField {
                    id: customTo
                    objectName: "rangeTo"
                    visible: rangeChoice.currentIndex === 5
                    Layout.preferredWidth: 150
                    placeholderText: qsTr("Until YYYY-MM-DD")
                    onEditingFinished: page.applyCustomRange()
                }
                Label {
                    Layout.fillWidth: true
                    objectName: "exportStatus"
                    horizontalAlignment: Text.AlignRight
                    text: rangeChoice.currentIndex === 5 && (customFrom.text.trim().length > 0 && isNaN(Governance.parseDateTime(customFrom.text))
                            || customTo.text.trim().length > 0 && isNaN(Governance.parseDateTime(customTo.text)))
                        ? qsTr("Write dates as YYYY-MM-DD, optionally with HH:MM.") : page.exportText
                    color: page.exportFailed || text !== page.exportText ? Theme.danger : Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    elide: Text.ElideMiddle
                }
            }

            AdminTable {
                objectName: "auditTable"
                Layout.fillWidth: true
                Layout.fillHeight: true
                model: page.entries
                emptyText: page.entityType.length > 0 || !isNaN(page.sinceMs) || !isNaN(page.untilMs)
                    ? qsTr("No entry matches these filters.") : qsTr("No change has been made yet.")
                columns: [
                    TableColumn { title: qsTr("When"); width: 124; muted: true; value: entry => Governance.dateTime(entry.at_ms) },
                    TableColumn { title: qsTr("Actor"); share: 1; value: entry => entry.actor },
                    TableColumn { title: qsTr("Action"); share: 1.2; monospace: true; value: entry => entry.action },
                    TableColumn { title: qsTr("Entity"); share: 1; value: entry => page.entityText(entry) },
                    TableColumn { title: qsTr("Reason"); share: 2; value: entry => entry.reason }
                ]
                details: [
                    TableColumn { title: qsTr("Before"); value: entry => Governance.prettyJson(entry.before) },
                    TableColumn { title: qsTr("After"); value: entry => Governance.prettyJson(entry.after) }
                ]
            }
            PagingBar {
                Layout.fillWidth: true
                model: page.entries
                noun: qsTr("entries")
            }
        }
    }

    FileDialog {
        id: exportDialog

        property string format: "csv"

        function openFor(format) {
            exportDialog.format = format
            open()
        }

        title: format === "csv" ? qsTr("Export the audit log as CSV") : qsTr("Export the audit log as JSON")
        fileMode: FileDialog.SaveFile
        defaultSuffix: format
        nameFilters: format === "csv" ? [qsTr("CSV files (*.csv)")] : [qsTr("JSON files (*.json)")]
        onAccepted: page.exportTo(format, selectedFile)
    }
}
