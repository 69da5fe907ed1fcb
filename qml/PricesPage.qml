// The price table (docs/pricing.md): what each provider's models cost per 1M tokens, with history —
// the shipped list prices, the config file's and those set here. Filter it, add a price (or a new
// one for an entry: history is never rewritten), delete one set here, import a LiteLLM price file.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Dialogs
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prices.js" as Prices

Item {
    id: page

    objectName: "pricesPage"

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    // The whole merged table as GET /admin/v1/prices gives it, page after page.
    property var entries: []
    property string filterText
    // "" (every origin), "default", "file" or "store".
    property string originFilter
    // A load is on its way; when the last one ended (epoch ms): for --screenshot, which waits for it.
    property bool busy: false
    property double updatedAt: NaN
    // What failed, for the banner: the table's load, or reading a file to import.
    property string loadError
    property string fileError
    // What the last import did, in a sentence.
    property string importResult
    // Reads a chosen file: {text, error}. Tests give their own reader.
    property var readFile: fileUrl => TextFile.read(fileUrl)

    readonly property int pageSize: 1000
    // Each load gets a number; the answers of an earlier one are dropped. Shared with the requests
    // on their way, which must not touch a page that is gone.
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    // Loads the whole table, a page of 1000 (the API's largest) at a time.
    function refresh() {
        if (!client)
            return
        const lifetime = page.lifetime
        const serial = ++lifetime.serial
        const collected = []
        busy = true
        const fetch = offset => client.request("GET", "/admin/v1/prices?limit=" + pageSize + "&offset=" + offset, {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            const data = reply.ok && reply.body && Array.isArray(reply.body.data) ? reply.body.data : null
            if (data === null) {
                // Rows from before would look current: show none, and why.
                loaded([], reply.ok ? qsTr("The admin API's answer to GET /admin/v1/prices is not a list.") : Governance.errorOf(reply))
                return
            }
            for (const entry of data)
                collected.push(entry)
            if (data.length > 0 && collected.length < Number(reply.body.total))
                fetch(offset + data.length)
            else
                loaded(collected, "")
        })
        fetch(0)
    }
    function loaded(all, error) {
        busy = false
        loadError = error
        entries = all
        updatedAt = Date.now()
        applyFilter()
    }
    function applyFilter() {
        const shown = entries.filter(entry => (originFilter.length === 0 || entry.origin === originFilter) && Prices.matches(entry, filterText))
        rows.clear()
        for (const entry of shown)
            rows.append({ item: entry })
    }
    // Reads the file chosen to import and asks how to import it; a file that cannot be read or is
    // not a LiteLLM price file is said in the banner.
    function openImport(fileUrl) {
        const fileName = decodeURIComponent(String(fileUrl).replace(/^.*\//, ""))
        const file = readFile(fileUrl)
        const read = file.error.length > 0 ? { error: file.error } : Prices.readLiteLlm(file.text, fileName)
        fileError = read.error || ""
        if (read.error)
            return
        importDialog.openFor(fileName, read.prices, read.models)
    }

    onFilterTextChanged: filterTimer.restart()
    onOriginFilterChanged: applyFilter()
    // Once per turn of the event loop, however many of these happen in it (creation sets the client).
    onClientChanged: Qt.callLater(page.refresh)
    Component.onCompleted: Qt.callLater(page.refresh)

    // Typing filters a moment after the last key, not at every one.
    Timer {
        id: filterTimer
        interval: 150
        onTriggered: page.applyFilter()
    }
    // A change made through the client (here, or on another page) is shown at once.
    Connections {
        target: page.client
        ignoreUnknownSignals: true
        function onChanged() {
            page.refresh()
        }
    }
    ListModel {
        id: rows
        objectName: "priceRows"
        // For AdminTable's placeholder.
        property bool loading: page.busy && page.entries.length === 0
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Prices")
            subtitle: qsTr("What calls cost in USD per 1M tokens, with history. A change applies to calls that start after it; recorded calls keep their cost.")
        }

        ErrorBanner {
            objectName: "errorBanner"
            Layout.fillWidth: true
            visible: page.loadError.length > 0 || page.fileError.length > 0
            title: page.loadError.length > 0 ? qsTr("Could not load the price table") : qsTr("Could not import that file")
            message: page.loadError.length > 0 ? page.loadError : page.fileError
            actionText: page.loadError.length > 0 ? qsTr("Try again") : qsTr("Choose another file…")
            onActionTriggered: page.loadError.length > 0 ? page.refresh() : fileDialog.open()
        }

        Rectangle {
            objectName: "importResult"
            Layout.fillWidth: true
            visible: page.importResult.length > 0
            implicitHeight: importRow.implicitHeight + 2 * Theme.spacingSmall
            radius: Theme.radius
            color: Theme.successSoft

            RowLayout {
                id: importRow
                anchors.fill: parent
                anchors.margins: Theme.spacingSmall
                anchors.leftMargin: Theme.spacing
                spacing: Theme.spacing

                Label {
                    objectName: "importResultText"
                    Layout.fillWidth: true
                    text: page.importResult
                    color: Theme.success
                    wrapMode: Text.Wrap
                }
                ActionButton {
                    text: qsTr("Dismiss")
                    onClicked: page.importResult = ""
                }
            }
        }

        Card {
            Layout.fillWidth: true
            Layout.fillHeight: true
            title: qsTr("Price table")
            headerItems: [
                ActionButton {
                    objectName: "importButton"
                    text: qsTr("Import LiteLLM file…")
                    onClicked: fileDialog.open()
                },
                ActionButton {
                    objectName: "addPriceButton"
                    primary: true
                    text: qsTr("Add price…")
                    onClicked: priceDialog.openFor(null)
                }
            ]

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: false
                spacing: Theme.spacingSmall

                InputField {
                    objectName: "priceFilter"
                    Layout.preferredWidth: 280
                    placeholderText: qsTr("Filter: provider, model, source…")
                    onTextChanged: page.filterText = text
                }
                ChoiceBox {
                    objectName: "originFilter"
                    Layout.preferredWidth: 170
                    textRole: "text"
                    model: [
                        { text: qsTr("Every origin"), value: "" },
                        { text: qsTr("Shipped list prices"), value: "default" },
                        { text: qsTr("Config file"), value: "file" },
                        { text: qsTr("Set here"), value: "store" }
                    ]
                    onActivated: index => page.originFilter = model[index].value
                }
                Label {
                    objectName: "priceCount"
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignRight
                    text: rows.count === page.entries.length ? Prices.entriesText(rows.count)
                        : qsTr("%1 of %2").arg(Prices.number(rows.count)).arg(Prices.entriesText(page.entries.length))
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }

            AdminTable {
                objectName: "pricesTable"
                Layout.fillWidth: true
                Layout.fillHeight: true
                model: rows
                emptyText: page.entries.length > 0 ? qsTr("No price matches this filter.")
                    : page.loadError.length > 0 ? qsTr("Not available: see the message above.") : qsTr("The price table is empty.")
                columns: [
                    TableColumn { title: qsTr("Provider"); width: 70; value: entry => Prices.providerText(entry.provider) },
                    TableColumn { title: qsTr("Model"); share: 1.5; monospace: true; value: entry => entry.model },
                    TableColumn { title: qsTr("From"); width: 82; muted: true; value: entry => entry.effective_date },
                    TableColumn {
                        title: qsTr("In / out"); width: 80; alignment: Qt.AlignRight
                        value: entry => Prices.priceText(entry.input_per_million) + " / " + Prices.priceText(entry.output_per_million)
                    },
                    TableColumn {
                        title: qsTr("Cached / write"); width: 100; alignment: Qt.AlignRight
                        value: entry => Prices.priceText(entry.cached_input_per_million) + " / " + Prices.priceText(entry.cache_write_per_million)
                    },
                    TableColumn { title: qsTr("Currency"); width: 66; muted: true; value: entry => entry.currency },
                    TableColumn {
                        title: qsTr("Origin"); width: 90
                        pillText: entry => Prices.originText(entry.origin)
                        pillTone: entry => Prices.originTone(entry.origin)
                    },
                    TableColumn { title: qsTr("Source"); share: 1; muted: true; value: entry => entry.source },
                    TableColumn {
                        width: 128
                        actions: [
                            TableAction {
                                text: qsTr("Edit…")
                                onTriggered: entry => priceDialog.openFor(entry)
                            },
                            TableAction {
                                text: qsTr("Delete…")
                                // Only an entry set here can go; the file's and the shipped ones are changed at their source.
                                shownFor: entry => entry.origin === "store"
                                onTriggered: entry => deleteDialog.openFor(entry)
                            }
                        ]
                    }
                ]
            }
        }
    }

    PriceDialog {
        id: priceDialog
        objectName: "priceDialog"
        client: page.client
    }

    FormDialog {
        id: deleteDialog
        objectName: "deletePriceDialog"

        property var entry: null

        function openFor(entry) {
            deleteDialog.entry = entry
            deleteReason.text = ""
            open()
        }

        title: qsTr("Delete price")
        message: entry ? qsTr("Delete the price of %1 (%2) from %3? Calls that start after this are priced with the entry under it (the config file's or the shipped list price, if any); recorded calls keep their cost.")
            .arg(entry.model).arg(Prices.providerText(entry.provider)).arg(entry.effective_date) : ""
        confirmText: qsTr("Delete")
        destructive: true
        canConfirm: entry !== null
        initialFocus: deleteReason
        onConfirmed: submit(page.client, "DELETE", Prices.deleteTarget(entry, deleteReason.text), {})

        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: deleteReason
            objectName: "deletePriceReason"
            Layout.fillWidth: true
            onAccepted: deleteDialog.confirm()
        }
    }

    FormDialog {
        id: importDialog
        objectName: "importPricesDialog"

        property string fileName
        property var prices: null
        property int models: 0

        function openFor(fileName, prices, models) {
            importDialog.fileName = fileName
            importDialog.prices = prices
            importDialog.models = models
            importDate.text = Prices.today()
            importReason.text = ""
            open()
        }

        title: qsTr("Import LiteLLM prices")
        message: qsTr("%1 lists %2 models. Those priced per token are stored as entries taking effect on the day below, replacing entries set here for the same provider, model and day; the config file's entries stay as they are.")
            .arg(fileName).arg(Prices.number(models))
        confirmText: qsTr("Import")
        canConfirm: Prices.isDate(importDate.text)
        initialFocus: importDate
        onConfirmed: submit(page.client, "POST", Prices.importTarget(importDate.text, importReason.text), prices,
            reply => page.importResult = Prices.importSummary(reply.body, fileName))

        FieldCaption { text: qsTr("Takes effect on (UTC, YYYY-MM-DD)") }
        RouteInput {
            id: importDate
            objectName: "importDate"
            Layout.fillWidth: true
            invalid: !Prices.isDate(text)
            onAccepted: importDialog.confirm()
        }
        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: importReason
            objectName: "importReason"
            Layout.fillWidth: true
            onAccepted: importDialog.confirm()
        }
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Import a LiteLLM price file")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("JSON files (*.json)"), qsTr("All files (*)")]
        onAccepted: page.openImport(selectedFile)
    }
}
