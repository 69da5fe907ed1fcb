// The providers the gateway calls, each with a Test connection button, and which model goes where.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

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

    signal testConnectionRequested(string provider)

    readonly property int margin: 24

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

            // Read-only until the admin API brings a provider store: say where to change them instead.
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
                    text: page.configFile.length > 0
                        ? qsTr("Providers come from the config file (%1). To add or change one, edit the file and restart the console.").arg(page.configFile)
                        : qsTr("Providers come from the built-in configuration. Start the console with --config FILE to use your own.")
                }
            }

            Card {
                objectName: "providersCard"
                Layout.fillWidth: true
                title: qsTr("Providers")
                headerItems: StatText {
                    value: page.providers.count
                    caption: page.providers.count === 1 ? qsTr("provider") : qsTr("providers")
                }

                Repeater {
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
                headerItems: StatText {
                    value: page.deployments.modelCount
                    caption: qsTr("public models")
                }

                ModelDeploymentTable {
                    Layout.fillWidth: true
                    deployments: page.deployments
                    emptyText: qsTr("Models appear here once the gateway runs.")
                }
            }
        }
    }
}
