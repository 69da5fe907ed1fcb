// The gateway's /metrics page as written from a metrics snapshot and the gauges: every family has
// HELP and TYPE, per-call families carry tenant/model/deployment, refusals and errors by reason,
// dollars from micro-dollars, circuits as a state set, the writer's queue and the label-set cap.
#include "metrics/GatewayMetricsText.h"

#include <QtTest>

#include <map>
#include <set>

using namespace gatehouse;
using std::chrono::microseconds;

namespace {

bool served(const std::string&)
{
    return true;
}

CallRecord answered(std::string tenant, int64_t costMicros)
{
    CallRecord record;
    record.tenant = std::move(tenant);
    record.model = "gpt";
    record.provider = "openai";
    record.deployment = "gpt-4o";
    record.status = 200;
    record.attempts = 1;
    record.latency = microseconds(30'000);
    record.promptTokens = 10;
    record.completionTokens = 20;
    record.costMicros = costMicros;
    return record;
}

// The value of the sample line that starts with `series` (name and labels exactly as written).
QString valueOf(const std::string& page, const QString& series)
{
    for (const auto& line : QString::fromStdString(page).split('\n')) {
        if (line.startsWith(series + " "))
            return line.mid(series.size() + 1);
    }
    return "(absent)";
}

} // namespace

class GatewayMetricsTextTest : public QObject {
    Q_OBJECT

private slots:
    void everyFamilyHasHelpAndTypeOnceAndItsSamplesFollow()
    {
        CallMetrics metrics(10);
        metrics.record(answered("acme", 100), served);
        GatewayGauges gauges;
        gauges.circuits.push_back({"openai/gpt-4o", BreakerSnapshot{}});
        const auto page = gatewayMetricsText(metrics.snapshot(), gauges);

        std::set<QString> described;
        std::map<QString, QString> types;
        QString current;
        for (const auto& line : QString::fromStdString(page).split('\n', Qt::SkipEmptyParts)) {
            if (line.startsWith("# HELP ")) {
                current = line.section(' ', 2, 2);
                QVERIFY2(described.insert(current).second, qPrintable("HELP twice: " + current));
                QVERIFY2(current.startsWith("gatehouse_"), qPrintable(current));
            } else if (line.startsWith("# TYPE ")) {
                QCOMPARE(line.section(' ', 2, 2), current);
                types[current] = line.section(' ', 3, 3);
            } else {
                const auto name = line.section(QRegularExpression("[{ ]"), 0, 0);
                const auto family = types[current] == "histogram" ? name.section(QRegularExpression("_(bucket|sum|count)$"), 0, 0) : name;
                QVERIFY2(family == current, qPrintable(line + " outside its family " + current));
            }
        }
        for (const auto& [name, type] : types) {
            if (type == "counter")
                QVERIFY2(name.endsWith("_total"), qPrintable(name));
            else if (type == "histogram")
                QVERIFY2(name.endsWith("_seconds"), qPrintable(name));
        }
        QCOMPARE(types.size(), std::size_t(23));
    }

    void perCallFamiliesCarryTheCallLabels()
    {
        CallMetrics metrics(10);
        auto cacheWrite = answered("acme", 1'234'567);
        cacheWrite.cacheWriteTokens = 300;
        metrics.record(cacheWrite, served);
        auto stream = answered("acme", 0);
        stream.stream = true;
        stream.timeToFirstByte = microseconds(7'000);
        metrics.record(stream, served);
        auto refused = answered("acme", 0);
        refused.provider.clear();
        refused.deployment.clear();
        refused.attempts = 0;
        refused.status = 429;
        refused.errorCode = "budget_exceeded";
        refused.promptTokens.reset();
        refused.completionTokens.reset();
        metrics.record(refused, served);
        const auto page = gatewayMetricsText(metrics.snapshot(), {});

        const QString labels = R"(tenant="acme",model="gpt",deployment="openai/gpt-4o")";
        QCOMPARE(valueOf(page, "gatehouse_requests_total{" + labels + R"(,code="200"})"), QString("2"));
        QCOMPARE(valueOf(page, R"(gatehouse_requests_total{tenant="acme",model="gpt",deployment="",code="429"})"), QString("1"));
        QCOMPARE(valueOf(page, R"(gatehouse_request_errors_total{tenant="acme",model="gpt",deployment="",reason="budget"})"), QString("1"));
        QCOMPARE(valueOf(page, "gatehouse_request_duration_seconds_count{" + labels + R"(,outcome="success"})"), QString("2"));
        QCOMPARE(valueOf(page, "gatehouse_request_duration_seconds_sum{" + labels + R"(,outcome="success"})"), QString("0.06"));
        QCOMPARE(valueOf(page, "gatehouse_time_to_first_token_seconds_count{" + labels + "}"), QString("1"));
        QCOMPARE(valueOf(page, "gatehouse_time_to_first_token_seconds_bucket{" + labels + R"(,le="0.01"})"), QString("1"));
        QCOMPARE(valueOf(page, "gatehouse_tokens_total{" + labels + R"(,type="prompt"})"), QString("20"));
        QCOMPARE(valueOf(page, "gatehouse_tokens_total{" + labels + R"(,type="completion"})"), QString("40"));
        QCOMPARE(valueOf(page, "gatehouse_cache_write_tokens_total{" + labels + "}"), QString("300"));
        QCOMPARE(valueOf(page, "gatehouse_cost_usd_total{" + labels + "}"), QString("1.234567"));
        QCOMPARE(valueOf(page, "gatehouse_upstream_attempts_total{" + labels + "}"), QString("2"));
        // A reason or result nothing was counted for is left out, not written as 0.
        QCOMPARE(valueOf(page, "gatehouse_request_errors_total{" + labels + R"(,reason="upstream"})"), QString("(absent)"));
        QCOMPARE(valueOf(page, "gatehouse_cache_requests_total{" + labels + R"(,result="hit"})"), QString("(absent)"));
    }

    void circuitsAreAStateSet()
    {
        BreakerSnapshot open;
        open.state = BreakerState::Open;
        open.timesOpened = 3;
        open.rejected = 17;
        GatewayGauges gauges;
        gauges.circuits = {{"a/x", BreakerSnapshot{}}, {"b/y", open}};
        const auto page = gatewayMetricsText(CallMetrics(1).snapshot(), gauges);
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment="a/x",state="closed"})"), QString("1"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment="a/x",state="open"})"), QString("0"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment="b/y",state="closed"})"), QString("0"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment="b/y",state="open"})"), QString("1"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_state{deployment="b/y",state="half_open"})"), QString("0"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_opened_total{deployment="b/y"})"), QString("3"));
        QCOMPARE(valueOf(page, R"(gatehouse_circuit_rejected_total{deployment="b/y"})"), QString("17"));
    }

    void theWriterAndTheCapAreReported()
    {
        CallMetrics metrics(1);
        metrics.record(answered("a", 0), served);
        metrics.record(answered("b", 0), served);
        metrics.record(answered("c", 0), served);
        GatewayGauges gauges;
        gauges.requestsInFlight = 4;
        gauges.callRecords.written = 10;
        gauges.callRecords.dropped = 2;
        gauges.callRecords.queueDepth = 5;
        gauges.callRecordQueueCapacity = 100;
        const auto page = gatewayMetricsText(metrics.snapshot(), gauges);
        QCOMPARE(valueOf(page, "gatehouse_requests_in_flight"), QString("4"));
        QCOMPARE(valueOf(page, "gatehouse_call_records_written_total"), QString("10"));
        QCOMPARE(valueOf(page, "gatehouse_call_records_dropped_total"), QString("2"));
        QCOMPARE(valueOf(page, "gatehouse_call_record_queue_depth"), QString("5"));
        QCOMPARE(valueOf(page, "gatehouse_call_record_queue_capacity"), QString("100"));
        QCOMPARE(valueOf(page, "gatehouse_metrics_label_sets"), QString("1"));
        QCOMPARE(valueOf(page, "gatehouse_metrics_label_sets_limit"), QString("1"));
        QCOMPARE(valueOf(page, "gatehouse_metrics_overflowed_calls_total"), QString("2"));
        QCOMPARE(valueOf(page, R"x(gatehouse_requests_total{tenant="(overflow)",model="(overflow)",deployment="(overflow)",code="200"})x"), QString("2"));
    }
};

QTEST_GUILESS_MAIN(GatewayMetricsTextTest)
#include "GatewayMetricsTextTest.moc"
