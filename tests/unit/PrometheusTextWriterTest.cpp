// The Prometheus text format writer: HELP and TYPE lines, label escaping (\ " newline and bytes
// that are not UTF-8), exact decimals for seconds and dollars, and histograms as cumulative
// buckets ending in +Inf with _sum and _count.
#include "metrics/PrometheusTextWriter.h"

#include <QtTest>

using namespace gatehouse;
using std::chrono::microseconds;

Q_DECLARE_METATYPE(std::string)

namespace {

QStringList lines(const std::string& text)
{
    return QString::fromStdString(text).split('\n', Qt::SkipEmptyParts);
}

} // namespace

class PrometheusTextWriterTest : public QObject {
    Q_OBJECT

private slots:
    void escapesLabelValues_data()
    {
        QTest::addColumn<std::string>("value");
        QTest::addColumn<std::string>("escaped");
        QTest::newRow("plain") << std::string("acme") << std::string("acme");
        QTest::newRow("backslash") << std::string("a\\b") << std::string("a\\\\b");
        QTest::newRow("quote") << std::string("say \"hi\"") << std::string("say \\\"hi\\\"");
        QTest::newRow("newline") << std::string("two\nlines") << std::string("two\\nlines");
        QTest::newRow("all three") << std::string("\\\"\n") << std::string("\\\\\\\"\\n");
        QTest::newRow("utf-8 kept") << std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") << std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
        QTest::newRow("stray byte replaced") << std::string("a\xFF" "b") << std::string("a\xEF\xBF\xBD" "b");
        QTest::newRow("cut sequence replaced") << std::string("a\xE2\x82") << std::string("a\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::newRow("overlong replaced") << std::string("\xC0\xAF") << std::string("\xEF\xBF\xBD\xEF\xBF\xBD");
        QTest::newRow("surrogate replaced") << std::string("\xED\xA0\x80") << std::string("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    }

    void escapesLabelValues()
    {
        QFETCH(std::string, value);
        QFETCH(std::string, escaped);
        QCOMPARE(PrometheusTextWriter::escapeLabelValue(value), escaped);
    }

    void escapesHelpButLeavesQuotes()
    {
        QCOMPARE(PrometheusTextWriter::escapeHelp("a \"b\" \\ c\nd"), std::string("a \"b\" \\\\ c\\nd"));
    }

    void formatsMillionthsExactly_data()
    {
        QTest::addColumn<qint64>("millionths");
        QTest::addColumn<std::string>("text");
        QTest::newRow("zero") << qint64(0) << std::string("0");
        QTest::newRow("one millionth") << qint64(1) << std::string("0.000001");
        QTest::newRow("a millisecond") << qint64(1'000) << std::string("0.001");
        QTest::newRow("2.5") << qint64(2'500'000) << std::string("2.5");
        QTest::newRow("whole") << qint64(120'000'000) << std::string("120");
        QTest::newRow("dollars and cents") << qint64(12'340'000) << std::string("12.34");
        QTest::newRow("negative") << qint64(-1'500'000) << std::string("-1.5");
        QTest::newRow("large") << qint64(9'007'199'254'740'993) << std::string("9007199254.740993");
    }

    void formatsMillionthsExactly()
    {
        QFETCH(qint64, millionths);
        QFETCH(std::string, text);
        QCOMPARE(PrometheusTextWriter::formatMillionths(millionths), text);
    }

    void writesHelpAndTypeBeforeTheSamples()
    {
        PrometheusTextWriter out;
        out.family("gatehouse_things_total", PrometheusTextWriter::Type::Counter, "Things.\nCounted \\ here.");
        out.sample("gatehouse_things_total", {{"tenant", "a\"b"}, {"model", ""}}, uint64_t(3));
        out.sample("gatehouse_things_total", {}, int64_t(-2));
        out.family("gatehouse_level", PrometheusTextWriter::Type::Gauge, "A level.");
        out.sampleText("gatehouse_level", {{"x", "y"}}, "0.5");
        QCOMPARE(lines(out.text()), QStringList({
                                        "# HELP gatehouse_things_total Things.\\nCounted \\\\ here.",
                                        "# TYPE gatehouse_things_total counter",
                                        "gatehouse_things_total{tenant=\"a\\\"b\",model=\"\"} 3",
                                        "gatehouse_things_total -2",
                                        "# HELP gatehouse_level A level.",
                                        "# TYPE gatehouse_level gauge",
                                        R"(gatehouse_level{x="y"} 0.5)",
                                    }));
    }

    void writesAHistogramAsCumulativeBucketsWithInfSumAndCount()
    {
        DurationHistogram histogram;
        for (const auto micros : {500, 1'000, 2'000, 40'000, 40'000, 3'000'000, 200'000'000})
            histogram.observe(microseconds(micros));
        PrometheusTextWriter out;
        out.family("gatehouse_request_duration_seconds", PrometheusTextWriter::Type::Histogram, "Durations.");
        out.histogram("gatehouse_request_duration_seconds", {{"tenant", "t"}}, histogram);

        const auto all = lines(out.text());
        QCOMPARE(all[1], QString("# TYPE gatehouse_request_duration_seconds histogram"));
        const QStringList expectedBuckets{
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.001"} 2)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.0025"} 3)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.005"} 3)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.01"} 3)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.025"} 3)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.05"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.1"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.25"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="0.5"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="1"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="2.5"} 5)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="5"} 6)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="10"} 6)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="30"} 6)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="60"} 6)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="120"} 6)",
            R"(gatehouse_request_duration_seconds_bucket{tenant="t",le="+Inf"} 7)",
            R"(gatehouse_request_duration_seconds_sum{tenant="t"} 203.0835)",
            R"(gatehouse_request_duration_seconds_count{tenant="t"} 7)",
        };
        QCOMPARE(all.mid(2), expectedBuckets);
    }

    void anEmptyHistogramHasZeroBucketsAndCount()
    {
        PrometheusTextWriter out;
        out.histogram("h_seconds", {}, DurationHistogram{});
        const auto all = lines(out.text());
        QCOMPARE(all.size(), qsizetype(DurationHistogram::kBucketCount + 2));
        QCOMPARE(all.first(), QString(R"(h_seconds_bucket{le="0.001"} 0)"));
        QCOMPARE(all[all.size() - 3], QString(R"(h_seconds_bucket{le="+Inf"} 0)"));
        QCOMPARE(all[all.size() - 2], QString("h_seconds_sum 0"));
        QCOMPARE(all.last(), QString("h_seconds_count 0"));
    }
};

QTEST_GUILESS_MAIN(PrometheusTextWriterTest)
#include "PrometheusTextWriterTest.moc"
