// A chart of an AnalyticsSeriesModel over time (Qt Charts, so the window needs a QApplication): the
// groups as stacked bands, one line per group, or — with `lines` — lines of several metrics of the
// first row (the latency percentiles). Series are refilled with one replace() each when the model's
// values change, and made anew only when their number or kind changes.
import QtQuick
import QtQuick.Controls.Basic
import QtCharts
import Gatehouse.Console
import "Analytics.js" as Analytics

Item {
    id: chart

    property AnalyticsSeriesModel model: null
    // One band per row, stacked (a metric that adds up); else one line per row.
    property bool stacked: true
    // [{metric, name, color}]: one line per entry, of the model's first row, instead of one per row.
    property var lines: []
    // Said over the chart instead of the data (loading, failed, no calls); "" shows the data.
    property string emptyText
    // The Overview's small charts: fewer ticks, smaller labels.
    property bool compact: false

    readonly property bool lineMode: lines.length > 0
    readonly property string shownMetric: lineMode ? lines[0].metric : model ? model.metric : "requests"
    // The series drawn, for tests (ChartView's own count does not notify).
    readonly property int seriesCount: drawnCount
    property int drawnCount: 0

    property int drawnKind: -1
    readonly property int valueTicks: compact ? 3 : 5
    property var axisInfo: Analytics.axis(shownMetric, 0, valueTicks)

    implicitHeight: compact ? 96 : 240

    function redraw() {
        if (!model) {
            view.removeAllSeries()
            drawnCount = 0
            return
        }
        const rows = model.count
        const wanted = lineMode ? (rows > 0 ? lines.length : 0) : rows
        const kind = stacked && !lineMode ? ChartView.SeriesTypeArea : ChartView.SeriesTypeLine
        if (view.count !== wanted || drawnKind !== kind) {
            view.removeAllSeries()
            for (let i = 0; i < wanted; ++i)
                view.createSeries(kind, "", timeAxis, valueAxis)
            drawnKind = kind
        }
        drawnCount = wanted
        if (wanted === 0)
            return

        let max = 0
        if (lineMode) {
            for (const line of lines)
                max = Math.max(max, model.peakOf(0, line.metric))
        } else {
            max = model.maxValue
        }
        axisInfo = Analytics.axis(shownMetric, max, valueTicks)
        const first = model.firstBucketMs
        const last = model.lastBucketMs > first ? model.lastBucketMs : first + model.bucketMs
        const ticks = Analytics.timeTicks(last - first, model.bucketMs, compact ? 3 : 8)
        timeAxis.min = new Date(first)
        timeAxis.max = new Date(last)
        timeAxis.format = ticks.format
        timeAxis.tickCount = ticks.count

        for (let i = 0; i < wanted; ++i) {
            const series = view.series(i)
            if (lineMode) {
                series.name = lines[i].name
                series.color = lines[i].color
                series.width = compact ? 1.5 : 2
                model.fillLine(series, 0, lines[i].metric, axisInfo.factor)
            } else if (kind === ChartView.SeriesTypeArea) {
                // Each area reaches from 0 to the top of its row's band and the later ones are drawn
                // over the earlier: the top of the stack first, so each row shows as its own band.
                const row = rows - 1 - i
                const item = model.get(row)
                series.name = item.name
                series.color = item.color
                series.borderColor = Qt.darker(item.color, 1.2)
                series.borderWidth = 1
                model.fillStacked(series.upperSeries, null, row, axisInfo.factor)
            } else {
                const item = model.get(i)
                series.name = item.name
                series.color = item.color
                series.width = compact ? 1.5 : 2
                model.fillLine(series, i, "", axisInfo.factor)
            }
        }
    }

    Connections {
        target: chart.model
        function onValuesChanged() {
            chart.redraw()
        }
    }
    onLinesChanged: redraw()
    onStackedChanged: redraw()
    onModelChanged: redraw()
    Component.onCompleted: redraw()

    ChartView {
        id: view

        anchors.fill: parent
        // The words say it all: no axes of nothing behind them.
        visible: chart.emptyText.length === 0
        legend.visible: false
        antialiasing: true
        backgroundColor: "transparent"
        backgroundRoundness: 0
        plotAreaColor: "transparent"
        margins.left: 0
        margins.right: 0
        margins.top: chart.compact ? 0 : 4
        margins.bottom: 0

        DateTimeAxis {
            id: timeAxis
            format: "HH:mm"
            tickCount: chart.compact ? 4 : 7
            labelsFont.pixelSize: chart.compact ? 10 : 11
            labelsColor: Theme.textMuted
            gridLineColor: Theme.border
            color: Theme.border
            gridVisible: !chart.compact
        }
        ValueAxis {
            id: valueAxis
            min: 0
            max: chart.axisInfo.max
            labelFormat: chart.axisInfo.format
            tickCount: chart.valueTicks
            labelsFont.pixelSize: chart.compact ? 10 : 11
            labelsColor: Theme.textMuted
            gridLineColor: Theme.border
            color: Theme.border
        }
    }

    Label {
        objectName: "chartEmptyText"
        anchors.centerIn: parent
        width: Math.min(implicitWidth, parent.width - 16)
        visible: chart.emptyText.length > 0
        text: chart.emptyText
        color: Theme.textMuted
        font.pixelSize: chart.compact ? Theme.fontSizeSmall : Theme.fontSize
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
    }
}
