// How a prompt's versions compare over a range (GET /admin/v1/prompts/{name}/stats): per version its
// requests, error rate, p95 latency, cost per call and mean feedback, each as a bar against the
// largest of the versions, so a new version's regression shows at a glance.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts
import "Analytics.js" as Analytics

ColumnLayout {
    id: comparison

    property var client: null
    property string promptName
    // The prompt's version numbers: each has a row, with calls or without.
    property var versionNumbers: []
    property string range: "7d"
    property bool busy: false
    property double updatedAt: NaN
    property string loadError
    readonly property alias stats: statsModel
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    // The metrics, in column order: the role, its heading, its words, its bar's colour.
    readonly property var metrics: [
        { role: "requests", title: qsTr("Requests"), text: v => Analytics.count(v), color: Theme.accent },
        { role: "errorRate", title: qsTr("Error rate"), text: v => Analytics.percent(v), color: Theme.danger },
        { role: "latencyP95", title: qsTr("p95 latency"), text: v => Analytics.ms(v), color: Theme.warning },
        { role: "costPerCall", title: qsTr("Cost per call"), text: v => Prompts.costText(v), color: Theme.success },
        { role: "feedbackMean", title: qsTr("Feedback (mean)"), text: v => isNaN(v) ? "—" : (Math.round(v * 100) / 100).toString(), color: "#7a4fd0" }
    ]

    function refresh() {
        if (!client || promptName.length === 0)
            return
        const lifetime = comparison.lifetime
        const serial = ++lifetime.serial
        busy = true
        client.request("GET", Prompts.statsTarget(promptName, range), {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            busy = false
            updatedAt = Date.now()
            if (!reply.ok) {
                statsModel.clear()
                loadError = Governance.errorOf(reply)
                return
            }
            statsModel.setAnswer(reply.body || {})
            loadError = statsModel.errorText
        })
    }

    onRangeChanged: Qt.callLater(comparison.refresh)
    onPromptNameChanged: {
        statsModel.clear()
        if (visible)
            Qt.callLater(comparison.refresh)
    }
    onVisibleChanged: if (visible) Qt.callLater(comparison.refresh)
    spacing: Theme.spacing

    PromptStatsModel {
        id: statsModel
        versions: comparison.versionNumbers
    }

    component Toggle: ActionButton {
        property bool chosen: false
        primary: chosen
        padding: 4
        leftPadding: 10
        rightPadding: 10
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingSmall

        Label {
            text: qsTr("Range")
            color: Theme.textMuted
        }
        Repeater {
            model: Prompts.statsRanges

            Toggle {
                required property var modelData
                objectName: "statsRange_" + modelData.key
                text: modelData.text
                chosen: comparison.range === modelData.key
                onClicked: comparison.range = modelData.key
            }
        }
        Label {
            objectName: "statsSummary"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            text: comparison.busy && !statsModel.loaded ? qsTr("Loading…")
                : qsTr("%1 calls in the last %2").arg(Analytics.count(statsModel.requests)).arg(comparison.range)
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
        ActionButton {
            objectName: "statsRefresh"
            text: qsTr("Refresh")
            enabled: !comparison.busy
            onClicked: comparison.refresh()
        }
    }
    Label {
        objectName: "statsError"
        Layout.fillWidth: true
        visible: comparison.loadError.length > 0
        text: comparison.loadError
        color: Theme.danger
        wrapMode: Text.Wrap
    }

    GridLayout {
        objectName: "statsTable"
        Layout.fillWidth: true
        visible: statsModel.count > 0
        columns: comparison.metrics.length + 1
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacingSmall

        Label {
            Layout.preferredWidth: 120
            text: qsTr("Version")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
        }
        Repeater {
            model: comparison.metrics

            Label {
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: modelData.title
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.bold: true
            }
        }

        // A row per version: its number and labels, then one cell per metric.
        Repeater {
            model: statsModel.count * (comparison.metrics.length + 1)

            Item {
                id: cell

                required property int index
                readonly property int row: Math.floor(index / (comparison.metrics.length + 1))
                readonly property int column: index % (comparison.metrics.length + 1)
                readonly property var entry: { statsModel.count; return statsModel.get(row) }
                readonly property var metric: column > 0 ? comparison.metrics[column - 1] : null
                readonly property real value: metric ? entry[metric.role] : 0
                readonly property real max: { statsModel.count; return metric ? statsModel.maxOf(metric.role) : 0 }

                objectName: column === 0 ? "statsVersion" : "statsCell_" + metric.role
                Layout.fillWidth: column > 0
                Layout.preferredWidth: column > 0 ? 1 : 120
                implicitHeight: 38

                Column {
                    visible: cell.column === 0
                    anchors.verticalCenter: parent.verticalCenter
                    width: parent.width

                    Label {
                        text: "v" + cell.entry.version
                        color: Theme.text
                        font.bold: true
                    }
                    Label {
                        width: parent.width
                        text: Governance.textOf(cell.entry.labels)
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        elide: Text.ElideRight
                    }
                }
                Label {
                    objectName: "statsValue"
                    visible: cell.column > 0
                    y: 2
                    text: cell.metric ? cell.metric.text(cell.value)
                        + (cell.metric.role === "latencyP95" && cell.entry.p95OfSeveral ? " *" : "")
                        + (cell.metric.role === "feedbackMean" && cell.entry.feedbackCount > 0 ? " (" + Analytics.count(cell.entry.feedbackCount) + ")" : "")
                        : ""
                    color: Theme.text
                    font.pixelSize: Theme.fontSizeSmall
                }
                Rectangle {
                    visible: cell.column > 0
                    y: 22
                    width: parent.width
                    height: 10
                    radius: 3
                    color: Theme.neutralSoft

                    Rectangle {
                        objectName: "statsBar"
                        readonly property real fraction: cell.max > 0 && !isNaN(cell.value) ? Math.abs(cell.value) / cell.max : 0
                        width: parent.width * fraction
                        height: parent.height
                        radius: 3
                        color: cell.metric ? cell.metric.color : "transparent"
                        opacity: cell.value < 0 ? 0.5 : 1
                    }
                }
            }
        }
    }
    Label {
        objectName: "statsEmpty"
        Layout.fillWidth: true
        visible: statsModel.loaded && statsModel.requests === 0
        text: qsTr("No calls to %1 in the last %2. Calls through a label or a version number are counted here, with the feedback sent for them (POST /v1/feedback).")
            .arg(comparison.promptName).arg(comparison.range)
        color: Theme.textMuted
        wrapMode: Text.Wrap
    }
    Label {
        Layout.fillWidth: true
        visible: statsModel.count > 0
        text: qsTr("Bars are against the largest of the versions. * A version called through several labels: the highest of their p95s. Feedback: the mean score, with the number of entries.")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }
}
