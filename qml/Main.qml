// The console window: the page sidebar and the page area. Pages plug in through `pages` below.
import QtQuick
// The Basic style, chosen at compile time in every file: the pages draw their own colours, which a
// native style would warn about, and the console looks the same on every desktop.
import QtQuick.Controls.Basic
import QtQuick.Layouts
// The module imports itself for its C++ types: on Qt 6.4 the implicit import has only the QML ones.
import Gatehouse.Console

ApplicationWindow {
    id: window

    required property GatewayController controller

    // Every page of the console, in sidebar order: a new page is one entry here and one QML file.
    property list<PageEntry> pages: [
        PageEntry {
            key: "overview"
            title: qsTr("Overview")
            page: Component {
                OverviewPage {
                    controller: window.controller
                }
            }
        },
        PageEntry {
            key: "providers"
            title: qsTr("Providers & Models")
            page: Component {
                ProvidersPage {
                    providers: window.controller.providers
                    deployments: window.controller.modelDeployments
                    configFile: window.controller.configFile
                    running: window.controller.state === GatewayController.Running
                    adminClient: window.controller.admin.embeddedClient
                    onTestConnectionRequested: provider => window.controller.providers.testConnection(provider)
                }
            }
        },
        PageEntry {
            // The live traffic state of the gateway the governance pages manage (controller.admin.client).
            key: "traffic"
            title: qsTr("Traffic")
            page: Component {
                TrafficPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            // Charts of the calls of the gateway the governance pages manage (controller.admin.client).
            key: "analytics"
            title: qsTr("Analytics")
            page: Component {
                AnalyticsPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            key: "calls"
            title: qsTr("Call log")
            page: Component {
                CallLogPage {
                    calls: window.controller.callLog
                    // The call log is this console's gateway's, whichever gateway the governance pages manage.
                    client: window.controller.admin.embeddedClient
                    baseUrl: window.controller.address
                    models: window.controller.modelNames
                }
            }
        },
        PageEntry {
            // The managed prompts of the gateway the governance pages manage (controller.admin.client).
            key: "prompts"
            title: qsTr("Prompts")
            page: Component {
                PromptsPage {
                    client: window.controller.admin.client
                    // Streamed test runs on the embedded gateway only: a remote one's prompts are not in it.
                    gatewayUrl: window.controller.admin.remote ? "" : window.controller.dataPlaneUrl
                    developerKey: window.controller.admin.remote ? "" : window.controller.developerKey
                }
            }
        },
        PageEntry {
            // The price table of the gateway the governance pages manage (controller.admin.client).
            key: "prices"
            title: qsTr("Prices")
            page: Component {
                PricesPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            // The configuration of the gateway the governance pages manage, to and from GitLab.
            key: "gitlab"
            title: qsTr("GitLab")
            page: Component {
                GitLabPage {
                    sync: GitLabSync {
                        client: window.controller.admin.client
                    }
                }
            }
        },
        // The governance pages work on controller.admin.client: this console's gateway, or the one
        // connected with "Connect to gateway…".
        PageEntry {
            key: "tenants"
            title: qsTr("Tenants & Consumers")
            page: Component {
                TenantsPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            key: "keys"
            title: qsTr("API Keys")
            page: Component {
                KeysPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            key: "approvals"
            title: qsTr("Approvals")
            page: Component {
                ApprovalsPage {
                    client: window.controller.admin.client
                }
            }
        },
        PageEntry {
            key: "audit"
            title: qsTr("Audit")
            page: Component {
                AuditPage {
                    client: window.controller.admin.client
                }
            }
        }
    ]

    // Shows the page with this key ("providers"); false when there is none. For --screenshot-page.
    function showPage(key) {
        for (let i = 0; i < pages.length; ++i) {
            if (pages[i].key === key) {
                sidebar.currentIndex = i
                return true
            }
        }
        return false
    }

    width: 1280
    height: 800
    minimumWidth: 1000
    minimumHeight: 600
    visible: true
    title: qsTr("Gatehouse Console")
    color: Theme.window
    font.pixelSize: Theme.fontSize
    palette.windowText: Theme.text
    palette.text: Theme.text
    palette.base: Theme.surface
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.fillHeight: true
            pages: window.pages
            controller: window.controller
            onConnectRequested: connectDialog.open()
        }

        StackLayout {
            id: stack
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: sidebar.currentIndex

            Repeater {
                model: window.pages

                Loader {
                    required property PageEntry modelData
                    required property int index

                    readonly property bool current: stack.currentIndex === index

                    // Built when first shown and then kept, so a page keeps its state (scroll position).
                    active: false
                    sourceComponent: modelData.page
                    onCurrentChanged: if (current) active = true
                    Component.onCompleted: if (current) active = true
                }
            }
        }
    }

    ConnectGatewayDialog {
        id: connectDialog
        objectName: "connectGatewayDialog"
        admin: window.controller.admin
    }
}
