// The Overview's dashboard: the last 15 minutes of traffic (requests per second, latency, error
// rate, per minute) and today's spending (UTC, as daily budgets count it) against the tenants'
// budgets, with the top 5 models and consumers by cost. One tick every refreshInterval asks for it
// all at once — two series, two top lists and the budgets, each only when its last answer is in —
// so the dashboard costs the same at one call a minute or thousands a second.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Analytics.js" as Analytics
import "Traffic.js" as Traffic

ColumnLayout {
    id: strip

    objectName: "dashboardStrip"

    // The admin API of the gateway shown: controller.admin.embeddedClient, or a stand-in in tests.
    required property var client
    // The gateway runs: asked only then.
    property bool running: true
    property int refreshInterval: 5000
    property int windowMinutes: 15
    // When the last tick was answered (epoch ms); NaN before.
    property double updatedAt: NaN
    // The answers' `data` of the two top lists, and the tenants' budgets.
    property var topModels: []
    property var topConsumers: []
    property var tenantBudgets: []

    readonly property bool active: visible && running && !!client
    readonly property bool busy: recent.busy || today.busy || models.busy || consumers.busy || budgets.busy
    readonly property string errorText: {
        const reasons = []
        for (const reason of [recent.failure, today.failure, models.failure, consumers.failure, budgets.failure,
                recentSeries.errorText, todaySeries.errorText]) {
            if (reason.length > 0 && reasons.indexOf(reason) < 0)
                reasons.push(reason)
        }
        if ([recent, today, models, consumers].some(r => r.failureStatus === 404))
            reasons.push(qsTr("A gateway older than this console does not report analytics."))
        return reasons.join("\n")
    }
    readonly property var latencyLines: [
        { metric: "latency_p50_ms", name: qsTr("p50"), color: Theme.accent },
        { metric: "latency_p95_ms", name: qsTr("p95"), color: "#e07b39" }
    ]
    readonly property var errorLines: [{ metric: "error_rate", name: qsTr("error rate"), color: Theme.danger }]
    // The most recent minute with calls: its latency is the one shown in numbers.
    readonly property int latestMinute: {
        if (recentSeries.count === 0)
            return -1
        for (let i = recentSeries.bucketCount - 1; i >= 0; --i) {
            if (!isNaN(recentSeries.value(0, i)) && recentSeries.value(0, i) > 0)
                return i
        }
        return -1
    }

    // Asks for everything whose last answer is in; false when nothing was asked.
    function refresh() {
        if (!active)
            return false
        const now = Date.now()
        const dayStart = Analytics.utcDayStart(now)
        const series = "/admin/v1/analytics/series?granularity="
        const top = "/admin/v1/analytics/top?metric=cost&limit=5&since_ms=" + dayStart + "&until_ms=" + now + "&by="
        let asked = recent.ask(series + "minute&since_ms=" + (now - windowMinutes * 60000) + "&until_ms=" + now, false)
        asked = today.ask(series + "day&since_ms=" + dayStart + "&until_ms=" + now, false) || asked
        asked = models.ask(top + "model", false) || asked
        asked = consumers.ask(top + "consumer", false) || asked
        asked = budgets.refresh() || asked
        return asked
    }
    function answered() {
        if (!busy)
            updatedAt = Date.now()
    }
    function waitingText(request, model) {
        if (!strip.running)
            return qsTr("Shown once the gateway runs.")
        if (request.failure.length > 0 || model.errorText.length > 0)
            return qsTr("Not available: see the message above.")
        if (!model.loaded)
            return qsTr("Loading…")
        return model.requests === 0 ? qsTr("No calls in the last %1 minutes.").arg(strip.windowMinutes) : ""
    }

    AnalyticsSeriesModel {
        id: recentSeries
        objectName: "recentSeries"
        metric: "requests_per_second"
        maxGroups: 1
    }
    AnalyticsSeriesModel {
        id: todaySeries
        objectName: "todaySeries"
        metric: "cost_usd"
        maxGroups: 1
    }
    AnalyticsRequest {
        id: recent
        client: strip.client
        onReplied: reply => {
            if (reply.ok)
                recentSeries.setAnswer(reply.body)
            else
                recentSeries.fail("")
            strip.answered()
        }
    }
    AnalyticsRequest {
        id: today
        client: strip.client
        onReplied: reply => {
            if (reply.ok)
                todaySeries.setAnswer(reply.body)
            else
                todaySeries.fail("")
            strip.answered()
        }
    }
    AnalyticsRequest {
        id: models
        client: strip.client
        onReplied: reply => {
            strip.topModels = reply.ok && reply.body && Array.isArray(reply.body.data) ? reply.body.data : []
            strip.answered()
        }
    }
    AnalyticsRequest {
        id: consumers
        client: strip.client
        onReplied: reply => {
            strip.topConsumers = reply.ok && reply.body && Array.isArray(reply.body.data) ? reply.body.data : []
            strip.answered()
        }
    }
    TrafficList {
        id: budgets
        client: strip.client
        path: "/admin/v1/traffic/budgets"
        onUpdated: {
            const tenants = []
            for (let i = 0; i < count; ++i) {
                if (get(i).item.scope === "tenant")
                    tenants.push(get(i).item)
            }
            strip.tenantBudgets = tenants
            strip.answered()
        }
    }

    Timer {
        objectName: "dashboardTimer"
        interval: strip.refreshInterval
        repeat: true
        running: strip.active
        onTriggered: strip.refresh()
    }
    onActiveChanged: if (active) Qt.callLater(strip.refresh)
    onClientChanged: {
        recentSeries.clear()
        todaySeries.clear()
        topModels = []
        topConsumers = []
        tenantBudgets = []
    }
    Component.onCompleted: if (active) Qt.callLater(strip.refresh)

    spacing: 16

    component Metric: ColumnLayout {
        id: metric

        property string caption
        property string value
        property string detail
        default property alias chart: chartArea.data

        Layout.fillWidth: true
        // Equal shares of the row: a width every column can have, so no text is laid out narrower first.
        Layout.preferredWidth: 100
        spacing: 2

        Label {
            Layout.fillWidth: true
            text: metric.caption
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            elide: Text.ElideRight
        }
        Label {
            objectName: "metricValue"
            Layout.fillWidth: true
            text: metric.value
            color: Theme.text
            font.pixelSize: Theme.fontSizeHeading
            font.bold: true
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            text: metric.detail
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            elide: Text.ElideRight
        }
        Item {
            id: chartArea
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: 80
            Layout.preferredHeight: 92
        }
    }

    ErrorBanner {
        objectName: "dashboardError"
        Layout.fillWidth: true
        visible: strip.running && strip.errorText.length > 0
        title: qsTr("Could not load the dashboard")
        message: strip.errorText
        onActionTriggered: strip.refresh()
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: 16

        Card {
            objectName: "recentCard"
            title: qsTr("Last %1 minutes").arg(strip.windowMinutes)
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 400
            headerItems: Label {
                visible: !isNaN(strip.updatedAt)
                text: isNaN(strip.updatedAt) ? "" : qsTr("per minute · updated %1").arg(Qt.formatTime(new Date(strip.updatedAt), "HH:mm:ss"))
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.spacingLarge

                Metric {
                    objectName: "requestsMetric"
                    caption: qsTr("Requests/s")
                    value: recentSeries.loaded ? Analytics.rate(recentSeries.total) : "—"
                    detail: recentSeries.loaded ? qsTr("%1 calls, average").arg(Analytics.count(recentSeries.requests)) : ""

                    AnalyticsChart {
                        objectName: "requestsChart"
                        anchors.fill: parent
                        compact: true
                        model: recentSeries
                        emptyText: strip.waitingText(recent, recentSeries)
                    }
                }
                Metric {
                    objectName: "latencyMetric"
                    caption: qsTr("Latency p50 · p95")
                    value: strip.latestMinute < 0 ? "—"
                        : Analytics.ms(recentSeries.value(0, strip.latestMinute, "latency_p50_ms")) + " · "
                          + Analytics.ms(recentSeries.value(0, strip.latestMinute, "latency_p95_ms"))
                    detail: strip.latestMinute < 0 ? "" : qsTr("latest minute, %1").arg(Qt.formatTime(new Date(recentSeries.bucketTime(strip.latestMinute)), "HH:mm"))

                    AnalyticsChart {
                        objectName: "latencyChart"
                        anchors.fill: parent
                        compact: true
                        model: recentSeries
                        lines: strip.latencyLines
                        emptyText: strip.waitingText(recent, recentSeries)
                    }
                }
                Metric {
                    objectName: "errorRateMetric"
                    caption: qsTr("Error rate")
                    value: recentSeries.loaded && recentSeries.requests > 0 ? Analytics.percent(recentSeries.errors / recentSeries.requests) : "—"
                    detail: recentSeries.loaded && recentSeries.requests > 0
                        ? qsTr("%1 of %2 calls").arg(Analytics.count(recentSeries.errors)).arg(Analytics.count(recentSeries.requests)) : ""

                    AnalyticsChart {
                        objectName: "errorRateChart"
                        anchors.fill: parent
                        compact: true
                        model: recentSeries
                        lines: strip.errorLines
                        emptyText: strip.waitingText(recent, recentSeries)
                    }
                }
            }
        }

        Card {
            objectName: "todayCard"
            title: qsTr("Today")
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredWidth: 440
            headerItems: Label {
                text: qsTr("since 00:00 UTC")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingLarge

                ColumnLayout {
                    objectName: "spendToday"
                    Layout.fillWidth: true
                    // Narrower than the rankings beside it, which name models and consumers.
                    Layout.preferredWidth: 80
                    Layout.alignment: Qt.AlignTop
                    spacing: 2

                    Label {
                        text: qsTr("Spend")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                    Label {
                        objectName: "spendValue"
                        text: todaySeries.loaded ? Analytics.usd(todaySeries.total) : "—"
                        color: Theme.text
                        font.pixelSize: Theme.fontSizeStat
                        font.bold: true
                    }
                    Label {
                        Layout.fillWidth: true
                        text: todaySeries.loaded ? qsTr("%1 calls").arg(Analytics.count(todaySeries.requests)) : ""
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        text: todaySeries.loaded ? qsTr("%1 errors").arg(Analytics.count(todaySeries.errors)) : ""
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        elide: Text.ElideRight
                    }
                }
                DashboardTopList {
                    objectName: "topModels"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 120
                    Layout.alignment: Qt.AlignTop
                    title: qsTr("Top models by cost")
                    entries: strip.topModels
                    emptyText: !strip.running ? qsTr("Once the gateway runs.") : models.answered ? qsTr("No calls today.") : qsTr("Loading…")
                }
                DashboardTopList {
                    objectName: "topConsumers"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 120
                    Layout.alignment: Qt.AlignTop
                    title: qsTr("Top consumers by cost")
                    entries: strip.topConsumers
                    noneText: qsTr("(no consumer)")
                    emptyText: !strip.running ? qsTr("Once the gateway runs.") : consumers.answered ? qsTr("No calls today.") : qsTr("Loading…")
                }
            }

            // The tenants' budgets side by side: whose, how much of it is spent over a bar in the
            // Traffic page's colours, and what it means when it is amber or red.
            RowLayout {
                objectName: "tenantBudgets"
                Layout.fillWidth: true
                Layout.topMargin: 4
                spacing: Theme.spacingLarge

                Label {
                    Layout.fillWidth: true
                    visible: strip.tenantBudgets.length === 0 && budgets.answered && budgets.failure.length === 0
                    text: qsTr("No tenant budgets: set them on the Tenants & Consumers page.")
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    elide: Text.ElideRight
                }
                Repeater {
                    model: strip.tenantBudgets.slice(0, 3)

                    ColumnLayout {
                        id: budget

                        required property var modelData
                        readonly property var meter: Traffic.budgetMeter(modelData)
                        readonly property color tone: meter.tone === "danger" ? Theme.danger
                            : meter.tone === "warning" ? Theme.warning : Theme.accent

                        objectName: "tenantBudget"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 100
                        Layout.alignment: Qt.AlignTop
                        spacing: 2

                        Label {
                            Layout.fillWidth: true
                            text: qsTr("%1 · %2 budget").arg(budget.modelData.id).arg(Analytics.periodText(budget.modelData.period))
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSizeSmall
                            elide: Text.ElideRight
                        }
                        Rectangle {
                            Layout.fillWidth: true
                            implicitHeight: 4
                            radius: 2
                            color: Theme.neutralSoft

                            Rectangle {
                                objectName: "meterFill"
                                width: parent.width * Math.max(0, Math.min(1, budget.meter.used))
                                height: parent.height
                                radius: 2
                                color: budget.tone
                            }
                        }
                        Label {
                            Layout.fillWidth: true
                            // Red says why: used up, or its spending unknown (calls are refused either way).
                            text: {
                                const spent = qsTr("%1 of %2").arg(Analytics.usdShort(budget.modelData.spent_usd))
                                    .arg(Analytics.usdShort(budget.modelData.limit_usd))
                                if (!budget.modelData.loaded)
                                    return budget.meter.detail
                                return budget.modelData.remaining_usd <= 0 ? qsTr("%1 · used up").arg(spent) : spent
                            }
                            color: budget.meter.tone === "accent" ? Theme.text : budget.tone
                            font.pixelSize: Theme.fontSizeSmall
                            elide: Text.ElideRight
                        }
                    }
                }
                Label {
                    visible: strip.tenantBudgets.length > 3
                    text: qsTr("+%1 on the Traffic page").arg(strip.tenantBudgets.length - 3)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                }
            }
        }
    }
}
