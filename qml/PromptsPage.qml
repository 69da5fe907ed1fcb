// Managed prompts (docs/prompts.md): the list with each prompt's labels, and for the chosen one the
// editor of its next version, its version history with a side-by-side diff, its labels (the
// deploy), a test run, and a comparison of its versions' calls.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts

Item {
    id: page

    objectName: "promptsPage"

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    // The embedded gateway's data plane and the console's developer key, when `client` is that
    // gateway's: the test run then streams through the data plane. Empty: the admin API's test run.
    property string gatewayUrl
    property string developerKey
    // Every prompt as GET /admin/v1/prompts lists them (summaries: labels, latest version).
    property var prompts: []
    property string selectedName
    // The chosen prompt with its versions (GET /admin/v1/prompts/{name}); null until loaded.
    property var detail: null
    // The gateway's public models, for the editor and the test run.
    property var models: []
    // "editor", "versions", "labels", "test" or "compare".
    property string tab: "editor"
    // What the last save did, in a sentence.
    property string savedText
    // A load is on its way; when the last one ended (epoch ms): for --screenshot, which waits for it.
    property bool busy: false
    property double updatedAt: NaN
    property string loadError
    property string detailError

    readonly property int pageSize: 1000
    readonly property var versions: detail && detail.versions ? detail.versions : []
    readonly property var latest: versions.length > 0 ? versions[versions.length - 1] : null
    // The prompt the editor holds a draft of: a reload of the same prompt keeps the draft.
    property string editorPrompt
    property var lifetime: ({ alive: true, serial: 0, detailSerial: 0 })
    Component.onDestruction: lifetime.alive = false

    // Loads the list, a page of 1000 (the API's largest) at a time, then the chosen prompt.
    function refresh() {
        if (!client)
            return
        const lifetime = page.lifetime
        const serial = ++lifetime.serial
        const collected = []
        busy = true
        const fetch = offset => client.request("GET", "/admin/v1/prompts?limit=" + pageSize + "&offset=" + offset, {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            const data = reply.ok && reply.body && Array.isArray(reply.body.data) ? reply.body.data : null
            if (data === null) {
                listed([], reply.ok ? qsTr("The admin API's answer to GET /admin/v1/prompts is not a list.") : Governance.errorOf(reply))
                return
            }
            for (const prompt of data)
                collected.push(prompt)
            if (data.length > 0 && collected.length < Number(reply.body.total))
                fetch(offset + data.length)
            else
                listed(collected, "")
        })
        fetch(0)
        loadModels()
    }
    function listed(all, error) {
        loadError = error
        prompts = all
        rows.clear()
        for (const prompt of all)
            rows.append({ item: Object.assign({ id: prompt.name }, prompt) })
        if (!all.some(p => p.name === selectedName))
            selectedName = all.length > 0 ? all[0].name : ""
        loadDetail()
    }
    function loadDetail() {
        const lifetime = page.lifetime
        const serial = ++lifetime.detailSerial
        if (selectedName.length === 0) {
            detail = null
            detailError = ""
            finished()
            return
        }
        const name = selectedName
        busy = true
        client.request("GET", Prompts.promptPath(name), {}, reply => {
            if (!lifetime.alive || serial !== lifetime.detailSerial)
                return
            detailError = reply.ok ? "" : Governance.errorOf(reply)
            detail = reply.ok ? reply.body : null
            if (reply.ok && editorPrompt !== name) {
                editorPrompt = name
                editor.load(latest)
            }
            finished()
        })
    }
    function finished() {
        busy = false
        updatedAt = Date.now()
    }
    function loadModels() {
        const lifetime = page.lifetime
        client.request("GET", "/admin/v1/models?limit=1000", {}, reply => {
            if (!lifetime.alive || !reply.ok || !reply.body || !Array.isArray(reply.body.data))
                return
            // Served models only: the list also holds access settings of other names (prompt:x).
            page.models = reply.body.data.filter(m => m.served !== false && !String(m.model).startsWith("prompt:")).map(m => m.model)
        })
    }
    function select(name) {
        if (name === selectedName)
            return
        selectedName = name
        savedText = ""
        loadDetail()
    }

    onClientChanged: Qt.callLater(page.refresh)
    Component.onCompleted: Qt.callLater(page.refresh)

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
        objectName: "promptRows"
        property bool loading: page.busy && page.prompts.length === 0
    }

    component Tab: ActionButton {
        required property string key
        objectName: "tab_" + key
        primary: page.tab === key
        padding: 4
        leftPadding: 12
        rightPadding: 12
        onClicked: page.tab = key
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Prompts")
            subtitle: qsTr("Templates the gateway fills in and sends. Versions never change; labels point at them, so moving a label is the deploy.")
        }

        ErrorBanner {
            objectName: "errorBanner"
            Layout.fillWidth: true
            visible: page.loadError.length > 0 || page.detailError.length > 0
            title: page.loadError.length > 0 ? qsTr("Could not load the prompts") : qsTr("Could not load %1").arg(page.selectedName)
            message: page.loadError.length > 0 ? page.loadError : page.detailError
            onActionTriggered: page.refresh()
        }

        Card {
            Layout.fillWidth: true
            title: qsTr("Prompts")
            headerItems: [
                ActionButton {
                    objectName: "newPromptButton"
                    primary: true
                    text: qsTr("New prompt…")
                    onClicked: createDialog.openFor()
                }
            ]

            AdminTable {
                objectName: "promptsTable"
                Layout.fillWidth: true
                model: rows
                visibleRows: 4
                rowHeight: 36
                selectable: true
                selectedId: page.selectedName
                onRowClicked: prompt => page.select(prompt.name)
                emptyText: page.loadError.length > 0 ? qsTr("Not available: see the message above.")
                    : qsTr("No prompts yet. Create one with New prompt; applications then call it at /v1/prompts/{name}/chat/completions.")
                columns: [
                    TableColumn { title: qsTr("Name"); share: 1; monospace: true; value: prompt => prompt.name },
                    TableColumn { title: qsTr("Labels"); share: 2.2; value: prompt => Prompts.labelsText(prompt.labels) },
                    TableColumn {
                        title: qsTr("Latest"); width: 60
                        value: prompt => prompt.latest_version === null || prompt.latest_version === undefined ? "" : "v" + prompt.latest_version
                    },
                    TableColumn { title: qsTr("Description"); share: 1.6; muted: true; value: prompt => prompt.description },
                    TableColumn {
                        width: 80
                        actions: [
                            TableAction {
                                text: qsTr("Delete…")
                                onTriggered: prompt => deleteDialog.openFor(prompt)
                            }
                        ]
                    }
                ]
            }
        }

        Card {
            objectName: "promptDetail"
            Layout.fillWidth: true
            Layout.fillHeight: true
            title: page.detail ? page.detail.name : page.selectedName.length > 0 ? page.selectedName : qsTr("No prompt chosen")
            visible: page.selectedName.length > 0
            headerItems: [
                Row {
                    spacing: 4

                    Tab { key: "editor"; text: qsTr("Edit") }
                    Tab { key: "versions"; text: qsTr("Versions (%1)").arg(page.versions.length) }
                    Tab { key: "labels"; text: qsTr("Labels") }
                    Tab { key: "test"; text: qsTr("Test run") }
                    Tab { key: "compare"; text: qsTr("Compare") }
                }
            ]

            Label {
                objectName: "savedText"
                Layout.fillWidth: true
                visible: page.savedText.length > 0
                text: page.savedText
                color: Theme.success
                wrapMode: Text.Wrap
            }

            Flickable {
                id: scroller
                objectName: "detailScroller"
                Layout.fillWidth: true
                Layout.fillHeight: true
                contentWidth: width
                contentHeight: panels.implicitHeight
                clip: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {
                    policy: ScrollBar.AlwaysOn
                    visible: scroller.contentHeight > scroller.height + 0.5
                }

                ColumnLayout {
                    id: panels
                    width: scroller.width - 14

                    PromptEditor {
                        id: editor
                        objectName: "promptEditor"
                        Layout.fillWidth: true
                        visible: page.tab === "editor"
                        client: page.client
                        promptName: page.selectedName
                        latestVersion: page.latest ? page.latest.version : 0
                        models: page.models
                        onSaved: version => {
                            page.savedText = qsTr("Saved as version %1. Labels still point where they did: move one on Labels to deploy it.")
                                .arg(version.version)
                            editor.load(version)
                            page.loadDetail()
                        }
                    }
                    PromptHistory {
                        id: history
                        objectName: "promptHistory"
                        Layout.fillWidth: true
                        visible: page.tab === "versions"
                        client: page.client
                        promptName: page.detail ? page.detail.name : ""
                        versions: page.versions
                        onEditRequested: version => {
                            editor.load(version)
                            page.tab = "editor"
                        }
                    }
                    PromptLabels {
                        objectName: "promptLabels"
                        Layout.fillWidth: true
                        visible: page.tab === "labels"
                        client: page.client
                        promptName: page.detail ? page.detail.name : ""
                        labelList: page.detail && page.detail.labels ? page.detail.labels : []
                        versions: page.versions
                        latestVersion: page.latest ? page.latest.version : 0
                        dialogParent: page
                    }
                    PromptTestRun {
                        objectName: "promptTestRun"
                        Layout.fillWidth: true
                        visible: page.tab === "test"
                        client: page.client
                        gatewayUrl: page.gatewayUrl
                        developerKey: page.developerKey
                        promptName: page.detail ? page.detail.name : ""
                        versions: page.versions
                        models: page.models
                    }
                    PromptComparison {
                        objectName: "promptComparison"
                        Layout.fillWidth: true
                        visible: page.tab === "compare"
                        client: page.client
                        promptName: page.detail ? page.detail.name : ""
                        versionNumbers: page.versions.map(v => v.version)
                    }
                }
            }
        }
        Item {
            Layout.fillHeight: true
            visible: page.selectedName.length === 0
        }
    }

    FormDialog {
        id: createDialog
        objectName: "createPromptDialog"

        function openFor() {
            promptName.text = ""
            promptDescription.text = ""
            createReason.text = ""
            open()
        }

        title: qsTr("New prompt")
        message: qsTr("Applications call it by name at /v1/prompts/{name}/chat/completions once a version is saved and the label production points at it.")
        confirmText: qsTr("Create")
        canConfirm: promptName.text.trim().length > 0
        initialFocus: promptName
        onConfirmed: {
            const name = promptName.text.trim()
            const body = { name: name, description: promptDescription.text.trim() }
            if (createReason.text.trim().length > 0)
                body.reason = createReason.text.trim()
            submit(page.client, "POST", "/admin/v1/prompts", body, reply => {
                page.tab = "editor"
                page.select(reply.body && reply.body.name ? reply.body.name : name)
            })
        }

        FieldCaption { text: qsTr("Name (a-z, 0-9, '.', '_', '-'; starts with a letter or digit)") }
        RouteInput {
            id: promptName
            objectName: "promptName"
            Layout.fillWidth: true
            param: "name"
            invalid: text.length > 0 && !Prompts.isName(text.trim()) || Governance.paramMarks(createDialog.submitParam, param)
            placeholderText: "summarise"
            onAccepted: createDialog.confirm()
        }
        FieldCaption { text: qsTr("Description") }
        InputField {
            id: promptDescription
            objectName: "promptDescription"
            Layout.fillWidth: true
            onAccepted: createDialog.confirm()
        }
        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: createReason
            objectName: "createPromptReason"
            Layout.fillWidth: true
            onAccepted: createDialog.confirm()
        }
    }

    FormDialog {
        id: deleteDialog
        objectName: "deletePromptDialog"

        property var prompt: null

        function openFor(prompt) {
            deleteDialog.prompt = prompt
            open()
        }

        title: qsTr("Delete prompt")
        message: prompt ? qsTr("Delete %1 with all its versions and labels? Applications calling it are refused (404) from now on; its calls stay in the call log.")
            .arg(prompt.name) : ""
        confirmText: qsTr("Delete")
        destructive: true
        canConfirm: prompt !== null
        onConfirmed: submit(page.client, "DELETE", Prompts.promptPath(prompt.name), {})
    }
}
