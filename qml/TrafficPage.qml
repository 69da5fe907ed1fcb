// The traffic policy's live state on the gateway the console manages (docs/traffic-policy.md): each
// deployment's health (circuit, error rate, latency), each configured rate limit's use and each
// budget's spending. Asked for when the page is shown, on Refresh, and every 5 s while it is shown.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Traffic.js" as Traffic

Item {
    id: page

    objectName: "trafficPage"

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    property int refreshInterval: 5000
    // When the last refresh was answered (epoch ms); NaN before.
    property double updatedAt: NaN
    property double now: Date.now()

    readonly property var lists: [deployments, rateLimits, budgets]
    readonly property bool busy: deployments.busy || rateLimits.busy || budgets.busy
    // Why lists could not load, each reason once, for the banner.
    readonly property string errorText: {
        const reasons = []
        let notFound = false
        for (const list of page.lists) {
            if (list.failure.length > 0 && reasons.indexOf(list.failure) < 0)
                reasons.push(list.failure)
            notFound = notFound || list.failureStatus === 404
        }
        if (notFound)
            reasons.push(qsTr("A gateway older than this console does not report its traffic state."))
        return reasons.join("\n")
    }
    readonly property int margin: 24

    // Asks for every list that has no request on its way; false when none was asked.
    function refresh() {
        now = Date.now()
        let asked = false
        for (const list of lists)
            asked = list.refresh() || asked
        return asked
    }
    // What an empty list says: loading, failed (the banner says why) or what to configure.
    function emptyText(list, configureText) {
        return list.failure.length > 0 ? qsTr("Not available: see the message above.")
            : !list.answered ? qsTr("Loading…") : configureText
    }
    function listUpdated() {
        if (!busy)
            updatedAt = Date.now()
    }

    TrafficList {
        id: deployments
        client: page.client
        path: "/admin/v1/traffic/deployments"
        onUpdated: page.listUpdated()
    }
    TrafficList {
        id: rateLimits
        client: page.client
        path: "/admin/v1/traffic/rate-limits"
        onUpdated: page.listUpdated()
    }
    TrafficList {
        id: budgets
        client: page.client
        path: "/admin/v1/traffic/budgets"
        onUpdated: page.listUpdated()
    }

    // While the page is shown: at once, then every refreshInterval, and after each change made
    // through the client (a model added, the embedded gateway restarted).
    Timer {
        objectName: "refreshTimer"
        interval: page.refreshInterval
        repeat: true
        running: page.visible && !!page.client
        onTriggered: page.refresh()
    }
    Connections {
        target: page.client
        enabled: page.visible
        ignoreUnknownSignals: true
        function onChanged() {
            page.refresh()
        }
    }
    onVisibleChanged: if (visible) Qt.callLater(page.refresh)
    onClientChanged: if (visible) Qt.callLater(page.refresh)
    Component.onCompleted: if (visible) Qt.callLater(page.refresh)

    RowLayout {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: page.margin
        spacing: Theme.spacing

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Traffic")
            subtitle: qsTr("The running gateway's circuit breakers, rate limits and budgets, refreshed every %1 s while this page is open.")
                .arg(Math.round(page.refreshInterval / 1000))
        }
        Label {
            objectName: "updatedLabel"
            visible: !isNaN(page.updatedAt)
            text: isNaN(page.updatedAt) ? "" : qsTr("Updated %1").arg(Qt.formatTime(new Date(page.updatedAt), "HH:mm:ss"))
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
        ActionButton {
            objectName: "refreshButton"
            text: qsTr("Refresh")
            enabled: !!page.client && !page.busy
            onClicked: page.refresh()
        }
    }

    // Everything below the title scrolls, as on the Providers page.
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
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: scroller.contentHeight > scroller.height
        }

        ColumnLayout {
            id: cards
            width: scroller.width - page.margin
            spacing: 16

            ErrorBanner {
                objectName: "trafficError"
                Layout.fillWidth: true
                visible: page.errorText.length > 0
                title: qsTr("Could not load the traffic state")
                message: page.errorText
                onActionTriggered: page.refresh()
            }

            TrafficSection {
                objectName: "deploymentsCard"
                title: qsTr("Deployment health")
                list: deployments
                one: qsTr("deployment")
                many: qsTr("deployments")

                AdminTable {
                    objectName: "deploymentTable"
                    Layout.fillWidth: true
                    model: deployments
                    emptyText: page.emptyText(deployments,
                        qsTr("No deployments. Add a model on the Providers & Models page, or under models in the configuration file — see docs/config.md."))
                    columns: [
                        TableColumn { title: qsTr("Deployment"); share: 1.8; monospace: true; value: d => d.deployment },
                        TableColumn { title: qsTr("Serves"); share: 0.9; value: d => Array.from(d.models || []).join(", ") },
                        TableColumn {
                            title: qsTr("Circuit"); width: 140
                            pillText: d => Traffic.circuitText(d)
                            pillTone: d => Traffic.circuitTone(d.circuit)
                        },
                        TableColumn { title: qsTr("Error rate"); width: 96; alignment: Qt.AlignRight; value: d => Traffic.errorRate(d) },
                        TableColumn { title: qsTr("Latency"); width: 72; alignment: Qt.AlignRight; value: d => Traffic.latency(d.latency_ms) },
                        TableColumn {
                            title: qsTr("OK / failed"); width: 88; alignment: Qt.AlignRight
                            value: d => Traffic.count(d.successes) + " / " + Traffic.count(d.failures)
                        },
                        TableColumn { title: qsTr("Last failure"); share: 1.3; muted: true; value: d => d.last_failure }
                    ]
                }
            }

            TrafficSection {
                objectName: "rateLimitsCard"
                title: qsTr("Rate limits")
                list: rateLimits
                one: qsTr("limited scope")
                many: qsTr("limited scopes")
                captions: [qsTr("Scope"), qsTr("Requests/min left"), qsTr("Tokens/min left"), qsTr("Concurrent left"), qsTr("In flight")]
                emptyText: page.emptyText(rateLimits,
                    qsTr("No rate limits. Add them under policy.limits in the configuration file, or as limits on a model — see docs/config.md."))
                row: TrafficScopeRow {
                    id: limitRow

                    required property var item

                    objectName: "rateLimitRow"
                    Layout.fillWidth: true
                    scope: item.scope
                    scopeId: item.id

                    TrafficMeter {
                        width: limitRow.cellWidth
                        value: Traffic.rateMeter(limitRow.item.requests_per_minute, limitRow.item.requests_remaining, limitRow.item.requests_reset_ms)
                    }
                    TrafficMeter {
                        width: limitRow.cellWidth
                        value: Traffic.rateMeter(limitRow.item.tokens_per_minute, limitRow.item.tokens_remaining, limitRow.item.tokens_reset_ms)
                    }
                    TrafficMeter {
                        width: limitRow.cellWidth
                        value: Traffic.rateMeter(limitRow.item.concurrent, limitRow.item.concurrent - limitRow.item.in_flight, null)
                    }
                    Label {
                        width: limitRow.cellWidth
                        text: Traffic.count(limitRow.item.in_flight)
                        color: Theme.text
                    }
                }
            }

            TrafficSection {
                objectName: "budgetsCard"
                title: qsTr("Budgets")
                list: budgets
                one: qsTr("budget")
                many: qsTr("budgets")
                captions: [qsTr("Scope"), qsTr("Spent"), qsTr("Reserved by calls in flight"), qsTr("Resets")]
                emptyText: page.emptyText(budgets, qsTr("No budgets. Add them under policy.budgets in the configuration file — see docs/config.md."))
                row: TrafficScopeRow {
                    id: budgetRow

                    required property var item

                    objectName: "budgetRow"
                    Layout.fillWidth: true
                    scope: item.scope
                    scopeId: item.id
                    note: Traffic.periodText(item.period)

                    TrafficMeter {
                        width: budgetRow.cellWidth
                        value: Traffic.budgetMeter(budgetRow.item)
                    }
                    Label {
                        width: budgetRow.cellWidth
                        text: Traffic.usd(budgetRow.item.reserved_usd)
                        color: Theme.text
                    }
                    ColumnLayout {
                        width: budgetRow.cellWidth
                        spacing: 4

                        Label {
                            Layout.fillWidth: true
                            text: budgetRow.item.resets_at ? Traffic.utcTime(budgetRow.item.resets_at) : qsTr("Never")
                            color: Theme.text
                            elide: Text.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: budgetRow.item.resets_at ? Traffic.until(budgetRow.item.resets_at, page.now) : qsTr("a total budget")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall
                            elide: Text.ElideRight
                        }
                    }
                }
            }
        }
    }
}
