// Analytics of the gateway's calls over a range (docs/admin-api.md "Analytics"): cost and tokens
// stacked by a dimension (model, tenant, consumer, key, deployment), latency percentiles, errors as a
// count or a rate, and the shown series saved as CSV. Two series requests per refresh — by the
// chosen dimension, and of all calls (percentiles of several groups cannot be added up) — on show,
// on a change of range or dimension, on Refresh, and every 30 s while shown with a range up to now.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Dialogs
import QtQuick.Layouts
import Gatehouse.Console
import "Analytics.js" as Analytics
import "Governance.js" as Governance

Item {
    id: page

    objectName: "analyticsPage"

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    required property var client
    property int refreshInterval: 30000
    // "1h", "24h", "7d", "30d" (up to now) or "custom" (customSinceMs to customUntilMs; NaN: now).
    property string range: "24h"
    property double customSinceMs: NaN
    property double customUntilMs: NaN
    // The dimension the cost and tokens charts are split by (group_by).
    property string groupBy: "model"
    // The errors chart: "count" or "rate".
    property string errorMode: "count"
    // When the last refresh was answered (epoch ms); NaN before.
    property double updatedAt: NaN
    // The query of the series shown: the CSV export asks for the very same.
    property var shownQuery: null
    property var askedQuery: null
    // What the last export did, for the line under the header.
    property string exportText
    property bool exportFailed: false
    property bool exporting: false

    // Writes `text` to the local file `fileUrl`, then calls `done(error)` ("" on success). Tests give
    // their own writer.
    property var writeFile: (fileUrl, text, done) => done(TextFile.save(fileUrl, text))

    readonly property bool busy: grouped.busy || overall.busy
    readonly property bool customRangeValid: range !== "custom"
        || !isNaN(customSinceMs) && (isNaN(customUntilMs) || customUntilMs > customSinceMs)
    readonly property string dimensionText: (Analytics.dimensions.find(d => d.key === groupBy) || { text: groupBy }).text
    readonly property var latencyLines: [
        { metric: "latency_p50_ms", name: qsTr("p50"), color: Theme.accent },
        { metric: "latency_p95_ms", name: qsTr("p95"), color: "#e07b39" },
        { metric: "latency_p99_ms", name: qsTr("p99"), color: "#c2417a" }
    ]
    // Why the charts have nothing to show, each reason once, for the banner.
    readonly property string errorText: {
        const reasons = []
        let notFound = false
        for (const reason of [grouped.failure, overall.failure, cost.errorText, overallSeries.errorText]) {
            if (reason.length > 0 && reasons.indexOf(reason) < 0)
                reasons.push(reason)
        }
        notFound = grouped.failureStatus === 404 || overall.failureStatus === 404
        if (notFound)
            reasons.push(qsTr("A gateway older than this console does not report analytics."))
        return reasons.join("\n")
    }
    readonly property int margin: 24

    // The range asked for now: {since_ms, until_ms}; null for a custom range that is not one.
    function currentWindow() {
        if (range === "custom") {
            if (!customRangeValid)
                return null
            return { since_ms: Math.round(customSinceMs), until_ms: Math.round(isNaN(customUntilMs) ? Date.now() : customUntilMs) }
        }
        const until = Date.now()
        return { since_ms: Math.round(until - Analytics.rangeMs(range)), until_ms: Math.round(until) }
    }
    function seriesTarget(query, dimension, format) {
        return "/admin/v1/analytics/series" + Governance.query({
            since_ms: query.since_ms, until_ms: query.until_ms, group_by: dimension, format: format || ""
        })
    }
    // Asks for both series of the current range. A timer's refresh waits for the answers on their way
    // (false then); `replace` (the question changed) forgets them and asks at once.
    function refresh(replace) {
        if (!client || (busy && !replace))
            return false
        const window = currentWindow()
        if (!window)
            return false
        askedQuery = { since_ms: window.since_ms, until_ms: window.until_ms, group_by: groupBy }
        grouped.ask(seriesTarget(askedQuery, groupBy), true)
        overall.ask(seriesTarget(askedQuery, ""), true)
        return true
    }
    function answered() {
        if (!busy) {
            updatedAt = Date.now()
            shownQuery = askedQuery
        }
    }
    // What a chart says instead of its data.
    function emptyText(request, model) {
        if (request.failure.length > 0 || model.errorText.length > 0)
            return qsTr("Not available: see the message above.")
        if (!model.loaded)
            return request.busy || !request.answered ? qsTr("Loading…") : ""
        if (model.requests === 0)
            return page.range === "custom" ? qsTr("No calls in this range.") : qsTr("No calls in the last %1.").arg(page.range)
        return ""
    }

    function localPath(fileUrl) {
        return decodeURIComponent(String(fileUrl).replace(/^file:\/\//, ""))
    }
    // Saves the series shown (by the chosen dimension, the shown range) as the admin API's CSV.
    function exportTo(fileUrl) {
        if (!shownQuery)
            return
        exporting = true
        exportFailed = false
        exportText = qsTr("Exporting…")
        const fail = message => {
            exporting = false
            exportFailed = true
            exportText = qsTr("Export failed: %1").arg(message)
        }
        const query = shownQuery
        client.request("GET", seriesTarget(query, query.group_by, "csv"), {}, reply => {
            if (!reply.ok)
                return fail(Governance.errorOf(reply))
            const text = reply.text || ""
            if (text.length === 0)
                return fail(qsTr("there were no calls in this range"))
            const rows = Math.max(0, text.split("\n").filter(line => line.length > 0).length - 1)
            page.writeFile(fileUrl, text, error => {
                if (error.length > 0)
                    return fail(error)
                exporting = false
                exportText = qsTr("Saved %n points to %1", "", rows).arg(page.localPath(fileUrl))
            })
        })
    }
    function applyCustomRange() {
        customSinceMs = customFrom.text.trim().length > 0 ? Governance.parseDateTime(customFrom.text) : NaN
        customUntilMs = customTo.text.trim().length > 0 ? Governance.parseDateTime(customTo.text) : NaN
        if (range === "custom")
            refresh(true)
    }

    AnalyticsSeriesModel {
        id: cost
        objectName: "costSeries"
        metric: "cost_usd"
    }
    AnalyticsSeriesModel {
        id: tokens
        objectName: "tokenSeries"
        metric: "tokens"
    }
    AnalyticsSeriesModel {
        id: overallSeries
        objectName: "overallSeries"
        metric: page.errorMode === "rate" ? "error_rate" : "errors"
        maxGroups: 1
    }

    AnalyticsRequest {
        id: grouped
        client: page.client
        onReplied: reply => {
            if (!reply.ok) {
                cost.fail("")
                tokens.fail("")
            } else {
                // Both charts rank the groups alike (so a group has one colour): by cost when the
                // calls cost anything, else by tokens.
                const data = reply.body && Array.isArray(reply.body.data) ? reply.body.data : []
                const rank = data.some(point => point.cost_usd > 0) ? "cost_usd" : "tokens"
                cost.rankBy = rank
                tokens.rankBy = rank
                cost.setAnswer(reply.body)
                tokens.setAnswer(reply.body)
            }
            page.answered()
        }
    }
    AnalyticsRequest {
        id: overall
        client: page.client
        onReplied: reply => {
            if (!reply.ok)
                overallSeries.fail("")
            else
                overallSeries.setAnswer(reply.body)
            page.answered()
        }
    }

    Timer {
        objectName: "refreshTimer"
        interval: page.refreshInterval
        repeat: true
        running: page.visible && !!page.client && page.range !== "custom"
        onTriggered: page.refresh(false)
    }
    Connections {
        target: page.client
        enabled: page.visible
        ignoreUnknownSignals: true
        function onChanged() {
            page.refresh(false)
        }
    }
    onRangeChanged: Qt.callLater(page.refresh, true)
    onGroupByChanged: Qt.callLater(page.refresh, true)
    onVisibleChanged: if (visible) Qt.callLater(page.refresh, false)
    onClientChanged: {
        cost.clear()
        tokens.clear()
        overallSeries.clear()
        shownQuery = null
        if (visible)
            Qt.callLater(page.refresh, true)
    }
    Component.onCompleted: if (visible) Qt.callLater(page.refresh, false)

    component Figure: ColumnLayout {
        id: figure

        property string value
        property string caption

        spacing: 0

        Label {
            text: figure.value
            color: Theme.text
            font.pixelSize: Theme.fontSizeStat
            font.bold: true
        }
        Label {
            text: figure.caption
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }
    component Toggle: ActionButton {
        property bool chosen: false

        primary: chosen
        padding: 4
        leftPadding: 10
        rightPadding: 10
    }

    RowLayout {
        id: header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: page.margin
        spacing: Theme.spacing

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("Analytics")
            subtitle: qsTr("Cost, tokens, latency and errors of the gateway's calls, from the call log's rollups, in local time.")
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
            enabled: !!page.client && !page.busy && page.customRangeValid
            onClicked: page.refresh(true)
        }
        ActionButton {
            objectName: "exportCsv"
            text: qsTr("Export CSV…")
            enabled: !page.exporting && page.shownQuery !== null && cost.loaded
            onClicked: exportDialog.open()
        }
    }

    Flickable {
        id: scroller
        anchors.left: parent.left
        anchors.leftMargin: page.margin
        anchors.right: parent.right
        anchors.top: header.bottom
        anchors.topMargin: 16
        anchors.bottom: parent.bottom
        contentWidth: width
        contentHeight: content.implicitHeight + page.margin
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: scroller.contentHeight > scroller.height
        }

        ColumnLayout {
            id: content
            width: scroller.width - page.margin
            spacing: 16

            // The range, the custom one's two ends, and the dimension.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingSmall

                Label {
                    text: qsTr("Range")
                    color: Theme.textMuted
                }
                Repeater {
                    model: Analytics.ranges

                    Toggle {
                        required property var modelData

                        objectName: "range_" + modelData.key
                        text: modelData.text
                        chosen: page.range === modelData.key
                        onClicked: page.range = modelData.key
                    }
                }
                Toggle {
                    objectName: "range_custom"
                    text: qsTr("Custom")
                    chosen: page.range === "custom"
                    onClicked: page.range = "custom"
                }
                InputField {
                    id: customFrom
                    objectName: "rangeFrom"
                    visible: page.range === "custom"
                    Layout.preferredWidth: 160
                    placeholderText: qsTr("From YYYY-MM-DD HH:MM")
                    onEditingFinished: page.applyCustomRange()
                }
                InputField {
                    id: customTo
                    objectName: "rangeTo"
                    visible: page.range === "custom"
                    Layout.preferredWidth: 160
                    placeholderText: qsTr("Until (empty: now)")
                    onEditingFinished: page.applyCustomRange()
                }
                Label {
                    objectName: "rangeProblem"
                    Layout.fillWidth: true
                    visible: page.range === "custom"
                    text: {
                        const from = customFrom.text.trim()
                        const to = customTo.text.trim()
                        if (from.length > 0 && isNaN(Governance.parseDateTime(from)) || to.length > 0 && isNaN(Governance.parseDateTime(to)))
                            return qsTr("Write times as YYYY-MM-DD HH:MM.")
                        if (from.length === 0)
                            return qsTr("Choose where the range starts.")
                        if (!page.customRangeValid)
                            return qsTr("The range must end after it starts.")
                        return ""
                    }
                    color: Theme.danger
                    font.pixelSize: Theme.fontSizeSmall
                    elide: Text.ElideRight
                }
                Item {
                    Layout.fillWidth: true
                    visible: page.range !== "custom"
                }
                Label {
                    text: qsTr("Split by")
                    color: Theme.textMuted
                }
                ChoiceBox {
                    objectName: "groupByChoice"
                    model: Analytics.dimensions
                    textRole: "text"
                    valueRole: "key"
                    currentIndex: Analytics.dimensions.findIndex(d => d.key === page.groupBy)
                    onActivated: page.groupBy = currentValue
                }
            }

            Label {
                objectName: "exportStatus"
                Layout.fillWidth: true
                visible: page.exportText.length > 0
                text: page.exportText
                color: page.exportFailed ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                elide: Text.ElideMiddle
            }

            ErrorBanner {
                objectName: "analyticsError"
                Layout.fillWidth: true
                visible: page.errorText.length > 0
                title: qsTr("Could not load the analytics")
                message: page.errorText
                onActionTriggered: page.refresh(true)
            }

            // The range's totals.
            Card {
                Layout.fillWidth: true

                RowLayout {
                    objectName: "totals"
                    Layout.fillWidth: true
                    spacing: 48

                    Figure {
                        value: Analytics.usd(cost.loaded ? cost.total : NaN)
                        caption: qsTr("Cost")
                    }
                    Figure {
                        value: Analytics.count(overallSeries.loaded ? overallSeries.requests : NaN)
                        caption: qsTr("Requests")
                    }
                    Figure {
                        value: Analytics.compact(tokens.loaded ? tokens.total : NaN)
                        caption: qsTr("Tokens (prompt + completion)")
                    }
                    Figure {
                        value: Analytics.count(overallSeries.loaded ? overallSeries.errors : NaN)
                        caption: overallSeries.loaded && overallSeries.requests > 0
                            ? qsTr("Errors (%1)").arg(Analytics.percent(overallSeries.errors / overallSeries.requests)) : qsTr("Errors")
                    }
                    Label {
                        Layout.fillWidth: true
                        Layout.alignment: Qt.AlignBottom
                        horizontalAlignment: Text.AlignRight
                        wrapMode: Text.Wrap
                        visible: cost.loaded
                        text: cost.loaded ? qsTr("%1 to %2, %3").arg(Governance.dateTime(cost.sinceMs)).arg(Governance.dateTime(cost.untilMs))
                            .arg(Analytics.granularityText(cost.granularity)) : ""
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                }
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 16
                rowSpacing: 16

                Card {
                    objectName: "costCard"
                    title: qsTr("Cost by %1").arg(page.dimensionText.toLowerCase())
                    Layout.fillWidth: true
                    // Equal halves; a real width, so wrapped text is never first laid out 1 px wide.
                    Layout.preferredWidth: 400
                    Layout.fillHeight: true

                    AnalyticsChart {
                        objectName: "costChart"
                        Layout.fillWidth: true
                        Layout.preferredHeight: 240
                        model: cost
                        emptyText: {
                            const text = page.emptyText(grouped, cost)
                            if (text.length === 0 && cost.maxValue === 0)
                                return qsTr("The calls cost nothing: their models have no price (docs/pricing.md).")
                            return text
                        }
                    }
                    AnalyticsLegend {
                        Layout.fillWidth: true
                        model: cost
                    }
                }
                Card {
                    objectName: "tokensCard"
                    title: qsTr("Tokens by %1").arg(page.dimensionText.toLowerCase())
                    Layout.fillWidth: true
                    // Equal halves; a real width, so wrapped text is never first laid out 1 px wide.
                    Layout.preferredWidth: 400
                    Layout.fillHeight: true

                    AnalyticsChart {
                        objectName: "tokensChart"
                        Layout.fillWidth: true
                        Layout.preferredHeight: 240
                        model: tokens
                        emptyText: page.emptyText(grouped, tokens)
                    }
                    AnalyticsLegend {
                        Layout.fillWidth: true
                        model: tokens
                    }
                }
                Card {
                    objectName: "latencyCard"
                    title: qsTr("Latency percentiles")
                    Layout.fillWidth: true
                    // Equal halves; a real width, so wrapped text is never first laid out 1 px wide.
                    Layout.preferredWidth: 400
                    Layout.fillHeight: true

                    AnalyticsChart {
                        objectName: "latencyChart"
                        Layout.fillWidth: true
                        Layout.preferredHeight: 240
                        model: overallSeries
                        lines: page.latencyLines
                        emptyText: page.emptyText(overall, overallSeries)
                    }
                    AnalyticsLegend {
                        Layout.fillWidth: true
                        model: overallSeries
                        lines: page.latencyLines
                    }
                }
                Card {
                    objectName: "errorsCard"
                    title: page.errorMode === "rate" ? qsTr("Error rate") : qsTr("Errors")
                    Layout.fillWidth: true
                    // Equal halves; a real width, so wrapped text is never first laid out 1 px wide.
                    Layout.preferredWidth: 400
                    Layout.fillHeight: true
                    headerItems: Row {
                        spacing: 4

                        Toggle {
                            objectName: "errorsAsCount"
                            text: qsTr("Count")
                            chosen: page.errorMode === "count"
                            onClicked: page.errorMode = "count"
                        }
                        Toggle {
                            objectName: "errorsAsRate"
                            text: qsTr("Rate")
                            chosen: page.errorMode === "rate"
                            onClicked: page.errorMode = "rate"
                        }
                    }

                    AnalyticsChart {
                        objectName: "errorsChart"
                        Layout.fillWidth: true
                        Layout.preferredHeight: 240
                        model: overallSeries
                        stacked: page.errorMode === "count"
                        emptyText: page.emptyText(overall, overallSeries)
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Errors are every outcome but success: refusals (401, 403, 429), provider failures and timeouts.")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
    }

    FileDialog {
        id: exportDialog

        title: qsTr("Export the series as CSV")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "csv"
        nameFilters: [qsTr("CSV files (*.csv)")]
        onAccepted: page.exportTo(selectedFile)
    }
}
