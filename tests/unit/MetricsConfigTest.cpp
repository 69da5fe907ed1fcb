// The `metrics:` section of the configuration file: off by default, its token only from the
// environment, its cap within bounds, and every mistake reported with file, line and field.
#include "config/ConfigError.h"
#include "config/ConfigLoader.h"

#include <QtTest>

#include <map>

using namespace gatehouse;

namespace {

ConfigLoader loaderWith(std::map<std::string, std::string> variables)
{
    return ConfigLoader([variables](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    });
}

} // namespace

class MetricsConfigTest : public QObject {
    Q_OBJECT

private slots:
    void metricsAreOffByDefault()
    {
        const auto config = loaderWith({}).loadText("server:\n  threads: 1\n", "cfg.yaml");
        QVERIFY(!config.metrics.enabled);
        QVERIFY(config.metrics.bearerToken.empty());
        QCOMPARE(config.metrics.maxLabelSets, std::size_t(1000));
    }

    void readsEverySetting()
    {
        const auto config = loaderWith({{"SCRAPE_TOKEN", "s3cret-token"}})
                                .loadText("metrics:\n  enabled: true\n  bearer_token: env:SCRAPE_TOKEN\n  max_label_sets: 50\n", "cfg.yaml");
        QVERIFY(config.metrics.enabled);
        QCOMPARE(config.metrics.bearerToken, std::string("s3cret-token"));
        QCOMPARE(config.metrics.bearerTokenReference, std::string("env:SCRAPE_TOKEN"));
        QCOMPARE(config.metrics.maxLabelSets, std::size_t(50));
    }

    void rejectsWithFileLineAndField_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown setting") << "metrics:\n  enabled: true\n  port: 9090\n"
                                         << "cfg.yaml:3: metrics.port: unknown setting (expected one of: bearer_token, enabled, max_label_sets)";
        QTest::newRow("not a boolean") << "metrics:\n  enabled: sometimes\n" << "cfg.yaml:2: metrics.enabled: expected true or false";
        QTest::newRow("token in the file") << "metrics:\n  enabled: true\n  bearer_token: hunter2\n"
                                           << "cfg.yaml:3: metrics.bearer_token: secrets are given as env:VARIABLE_NAME";
        QTest::newRow("token variable unset") << "metrics:\n  bearer_token: env:NOT_SET\n"
                                              << "cfg.yaml:2: metrics.bearer_token: environment variable NOT_SET is not set";
        QTest::newRow("cap of zero") << "metrics:\n  max_label_sets: 0\n" << "cfg.yaml:2: metrics.max_label_sets: must be between 1 and 100000";
        QTest::newRow("not a mapping") << "metrics: yes\n" << "cfg.yaml:1: metrics: expected a mapping";
    }

    void rejectsWithFileLineAndField()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        try {
            loaderWith({}).loadText(yaml.toStdString(), "cfg.yaml");
            QFAIL("expected a ConfigError");
        } catch (const ConfigError& error) {
            const QString message = QString::fromStdString(error.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(MetricsConfigTest)
#include "MetricsConfigTest.moc"
