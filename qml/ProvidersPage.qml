// The providers the gateway calls, each with a Test connection button, and which model goes where.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance

Item {
    id: page

    // The page takes its models rather than the controller, so a test can show it with ListModels
    // of the same roles. Main.qml passes the controller's.
    required property var providers   // ProvidersModel
    required property var deployments // ModelDeploymentsModel
    // The config file the providers come from; empty for the built-in configuration.
    property string configFile
    // A test goes through the gateway, so it needs a running one.
    property bool running: true
    // The admin client of the gateway shown (controller.admin.embeddedClient); null: read-only.
    property var adminClient: null
    readonly property bool canEdit: adminClient !== null && running
    // Builds the list of models with their routing (GET /admin/v1/models); tests give a stand-in.
    property Component modelListComponent: Component {
        AdminListModel {}
    }
    // The list is made once the page is complete, from the component its creator gives. Only an
    // admin client that announces its changes (an AdminClient, a test's FakeAdminApi) gets one.
    property bool ready: false
    Component.onCompleted: ready = true
    readonly property var modelList: ready && adminClient !== null && typeof adminClient.changed === "function"
        ? Governance.createList(modelListComponent, page, { client: Qt.binding(() => page.adminClient), path: "/admin/v1/models", limit: 500 })
        : null
    // Each model's routing for the table: name → {caption, source}.
    property var routes: ({})
    function updateRoutes() {
        const found = {}
        for (let i = 0; modelList && i < modelList.count; ++i) {
            const entry = modelList.get(i)
            const model = entry && entry.item !== undefined ? entry.item : entry
            if (model && model.source)
                found[model.model] = { caption: Governance.routeSummary(model), source: model.source }
        }
        routes = found
    }
    Connections {
        target: page.modelList
        function onLoaded() { page.updateRoutes() }
    }

    // Shows the routing of `model`: editable for a model added here, read-only for the config's.
    function openRouteEditor(model) {
        modelEditor.providerNames = page.providerNames()
        modelEditor.servedModels = modelTable.modelNames()
        modelEditor.openEdit(model)
    }

    // The providers' names, for the model editor's choice (read from the rows shown).
    function providerNames() {
        const names = []
        for (let i = 0; i < providerRepeater.count; ++i)
            names.push(providerRepeater.itemAt(i).name)
        return names
    }

    signal testConnectionRequested(string provider)

    readonly property int margin: 24

    objectName: "providersPage"

    PageHeader {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: page.margin
        title: qsTr("Providers & Models")
        subtitle: qsTr("The services the gateway forwards calls to, and which provider serves each model.")
    }

    // Everything below the title scrolls. The scroll bar sits in the page's right margin: it never
    // covers a button, and the content keeps one width whether it scrolls or not.
    Flickable {
        id: scroller
        anchors.left: parent.left
        anchors.leftMargin: page.margin
        anchors.right: parent.right
        anchors.top: header.bottom
        anchors.topMargin: 16
        anchors.bottom: parent.bottom
        contentWidth: width
        contentHeight: cards.implicitHeight + page.margin
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        // Shown whenever there is more below, so the Models card is not a surprise. Visibility, not
        // the policy, follows the content: a policy switched back from AlwaysOn fades out slowly,
        // over a page that fits.
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: scroller.contentHeight > scroller.height
        }

        ColumnLayout {
            id: cards
            width: scroller.width - page.margin
            spacing: 16

            // Where providers come from, and which ones can be changed here.
            Rectangle {
                objectName: "configHint"
                Layout.fillWidth: true
                implicitHeight: hintLabel.implicitHeight + 2 * Theme.spacing
                radius: Theme.radius
                color: Theme.accentSoft
                border.color: Qt.lighter(Theme.accent, 1.9)

                Label {
                    id: hintLabel
                    anchors.fill: parent
                    anchors.margins: Theme.spacing
                    anchors.leftMargin: Theme.spacingLarge
                    verticalAlignment: Text.AlignVCenter
                    color: Theme.text
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText
                    text: (page.configFile.length > 0
                        ? qsTr("Providers of the config file (%1) are changed there.").arg(page.configFile)
                        : qsTr("Providers of the built-in configuration cannot be changed; start the console with --config FILE to use your own."))
                        + " " + qsTr("Providers and models added here are kept in the data directory and take effect at once.")
                }
            }

            Card {
                objectName: "providersCard"
                Layout.fillWidth: true
                title: qsTr("Providers")
                headerItems: RowLayout {
                    spacing: Theme.spacing
                    StatText {
                        value: page.providers.count
                        caption: page.providers.count === 1 ? qsTr("provider") : qsTr("providers")
                    }
                    ActionButton {
                        objectName: "addProviderButton"
                        visible: page.adminClient !== null
                        enabled: page.canEdit
                        primary: true
                        text: qsTr("Add provider…")
                        onClicked: providerEditor.openFor(null)
                    }
                }

                Repeater {
                    id: providerRepeater
                    model: page.providers

                    ProviderRow {
                        id: providerRow
                        required property int index
                        objectName: "providerRow"
                        Layout.fillWidth: true
                        Layout.topMargin: index > 0 ? Theme.spacingSmall : 0
                        separated: index > 0
                        canTest: page.running
                        onTestRequested: page.testConnectionRequested(providerRow.name)
                        onEditRequested: providerEditor.openFor({ name: providerRow.name, kind: providerRow.kind,
                            baseUrl: providerRow.baseUrl, credential: providerRow.credential })
                    }
                }
                Label {
                    Layout.fillWidth: true
                    visible: page.providers.count === 0
                    text: qsTr("Providers appear here once the gateway runs.")
                    color: Theme.textMuted
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                }
            }

            Card {
                objectName: "modelsCard"
                Layout.fillWidth: true
                title: qsTr("Models")
                headerItems: RowLayout {
                    spacing: Theme.spacing
                    StatText {
                        value: page.deployments.modelCount
                        caption: qsTr("public models")
                    }
                    ActionButton {
                        objectName: "addModelButton"
                        visible: page.adminClient !== null
                        enabled: page.canEdit && page.providers.count > 0
                        text: qsTr("Add model…")
                        onClicked: {
                            modelEditor.providerNames = page.providerNames()
                            modelEditor.servedModels = modelTable.modelNames()
                            modelEditor.openNew()
                        }
                    }
                }

                ModelDeploymentTable {
                    id: modelTable
                    Layout.fillWidth: true
                    deployments: page.deployments
                    routes: page.routes
                    canEdit: page.canEdit
                    onRouteRequested: model => page.openRouteEditor(model)
                    emptyText: qsTr("Models appear here once the gateway runs.")
                }
            }
        }
    }

    ProviderEditor {
        id: providerEditor
        objectName: "providerEditor"
        client: page.adminClient
    }
    ModelEditor {
        id: modelEditor
        objectName: "modelEditor"
        client: page.adminClient
    }
}
