// TokenPrice: a call's cost in micro-dollars from its usage, as a table: plain, cached and
// cache-write prompt tokens at their prices, reasoning tokens as completion tokens, counts that
// disagree never giving a negative or inflated cost, and the budget's worst case.
#include "pricing/TokenPrice.h"

#include <QtTest>

using namespace gatehouse;

Q_DECLARE_METATYPE(TokenPrice)
Q_DECLARE_METATYPE(TokenUsage)

class TokenPriceTest : public QObject {
    Q_OBJECT

private slots:
    void costOfAUsage_data()
    {
        QTest::addColumn<TokenPrice>("price");
        QTest::addColumn<TokenUsage>("usage");
        QTest::addColumn<qint64>("micros");

        const TokenPrice gpt4o{2.5, 10.0, 1.25, std::nullopt};
        const TokenPrice sonnet{3.0, 15.0, 0.30, 3.75};
        const TokenPrice noCachePrices{1.0, 2.0, std::nullopt, std::nullopt};
        // USD per million tokens = micro-dollars per token.
        QTest::newRow("plain") << gpt4o << TokenUsage{1000, 500, 0, 0, 0} << qint64(1000 * 2.5 + 500 * 10);
        QTest::newRow("cached part of the prompt") << gpt4o << TokenUsage{1000, 500, 800, 0, 0}
                                                    << qint64(200 * 2.5 + 800 * 1.25 + 500 * 10);
        QTest::newRow("reasoning is part of completion") << gpt4o << TokenUsage{100, 1000, 0, 900, 0} << qint64(100 * 2.5 + 1000 * 10);
        QTest::newRow("anthropic read and write") << sonnet << TokenUsage{10000, 100, 6000, 0, 3000}
                                                   << qint64(1000 * 3.0 + 6000 * 0.30 + 3000 * 3.75 + 100 * 15);
        QTest::newRow("no cache prices: input price") << noCachePrices << TokenUsage{100, 10, 50, 0, 20} << qint64(100 * 1 + 10 * 2);
        QTest::newRow("cached above the prompt is capped") << gpt4o << TokenUsage{100, 0, 500, 0, 0} << qint64(100 * 1.25);
        QTest::newRow("negative counts cost nothing") << gpt4o << TokenUsage{-5, -5, -5, 0, -5} << qint64(0);
        QTest::newRow("rounds to the nearest micro-dollar") << TokenPrice{0.15, 0.6} << TokenUsage{3, 1, 0, 0, 0}
                                                             << qint64(1); // 0.45 + 0.6 = 1.05
        QTest::newRow("free model") << TokenPrice{} << TokenUsage{100000, 100000, 0, 0, 0} << qint64(0);
    }

    void costOfAUsage()
    {
        QFETCH(TokenPrice, price);
        QFETCH(TokenUsage, usage);
        QFETCH(qint64, micros);
        QCOMPARE(price.costMicros(usage), int64_t(micros));
    }

    void worstCaseIsNeverBelowTheRealCost()
    {
        // Writing to the cache costs more than plain input: the worst case prices every prompt
        // token as a write.
        const TokenPrice price{3.0, 15.0, 0.30, 3.75};
        QCOMPARE(price.costMicros(1000, 200), int64_t(3750 + 3000)); // TokenUsage: prompt, completion, cached, reasoning, cache write
        for (const int64_t read : {0, 100, 1000}) {
            for (const int64_t written : {int64_t(0), 1000 - read}) {
                const TokenUsage usage{1000, 200, read, 0, written};
                QVERIFY(price.costMicros(1000, 200) >= price.costMicros(usage));
            }
        }
        QCOMPARE((TokenPrice{2.5, 10.0, 1.25, std::nullopt}.costMicros(1000, 200)), int64_t(2500 + 2000));
    }
};

QTEST_APPLESS_MAIN(TokenPriceTest)
#include "TokenPriceTest.moc"
