// Each request stage alone, with a fake request: the status it returns and the error it sets.
#include "auth/ApiKey.h"
#include "gateway/RequestStages.h"

#include <QtTest>

using namespace gatehouse;

namespace {

struct Fixture {
    std::string key = generateApiKey();
    SnapshotPtr snapshot;
    IncomingRequest request;

    Fixture()
    {
        GatewayConfig config;
        config.providers.push_back({.name = "p"});
        config.models.push_back({"allowed", {{"p", "up-allowed", 1}}});
        config.models.push_back({"other", {{"p", "up-other", 1}}});
        snapshot = std::make_shared<const GatewaySnapshot>(
            config, std::vector<StoredKey>{{1, "k", visibleKeyPrefix(key), hashApiKey(key), "team", {"allowed"}, "config", 0}});
        request.message.method(http::verb::post);
        request.message.target("/v1/chat/completions");
    }

    RequestContext context() { return RequestContext(request, snapshot, "req_test"); }
};

} // namespace

class RequestStagesTest : public QObject {
    Q_OBJECT

private slots:
    void authenticateAcceptsBearerAndXApiKey_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("bearer") << "authorization" << "Bearer ";
        QTest::newRow("bearer lower-case") << "authorization" << "bearer ";
        QTest::newRow("x-api-key") << "x-api-key" << "";
    }

    void authenticateAcceptsBearerAndXApiKey()
    {
        QFETCH(QString, header);
        QFETCH(QString, prefix);
        Fixture fixture;
        fixture.request.message.set(header.toStdString(), prefix.toStdString() + fixture.key);
        auto context = fixture.context();
        QCOMPARE(AuthenticateStage().run(context), StageStatus::Continue);
        QVERIFY(context.caller);
        QCOMPARE(context.record.tenant, std::string("team"));
        QCOMPARE(context.record.keyPrefix, fixture.key.substr(0, 10));
    }

    void authenticateRejectsMissingAndWrongKeys()
    {
        Fixture fixture;
        auto missing = fixture.context();
        QCOMPARE(AuthenticateStage().run(missing), StageStatus::Stop);
        QCOMPARE(missing.error->status, 401);
        QCOMPARE(missing.error->code, std::string("missing_api_key"));

        fixture.request.message.set(http::field::authorization, "Bearer " + fixture.key + "x");
        auto wrong = fixture.context();
        QCOMPARE(AuthenticateStage().run(wrong), StageStatus::Stop);
        QCOMPARE(wrong.error->status, 401);
        QCOMPARE(wrong.error->code, std::string("invalid_api_key"));
        QVERIFY2(wrong.error->message.find(fixture.key) == std::string::npos, "the message must not echo the key");
    }

    void parseStageNamesTheField()
    {
        Fixture fixture;
        fixture.request.message.body() = R"({"messages":[{}]})";
        auto context = fixture.context();
        QCOMPARE(ParseChatRequestStage().run(context), StageStatus::Stop);
        QCOMPARE(context.error->param, std::string("model"));

        fixture.request.message.body() = R"({"model":"allowed","stream":true,"messages":[{}]})";
        auto ok = fixture.context();
        QCOMPARE(ParseChatRequestStage().run(ok), StageStatus::Continue);
        QCOMPARE(ok.record.model, std::string("allowed"));
        QVERIFY(ok.record.stream);
    }

    void resolveHidesModelsTheKeyMayNotUse_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("found");
        QTest::newRow("allowed") << "allowed" << true;
        QTest::newRow("not allowed for this key") << "other" << false;
        QTest::newRow("unknown") << "nothing" << false;
    }

    void resolveHidesModelsTheKeyMayNotUse()
    {
        QFETCH(QString, model);
        QFETCH(bool, found);
        Fixture fixture;
        auto context = fixture.context();
        context.caller = fixture.snapshot->authenticate(fixture.key);
        context.chat.model = model.toStdString();
        const auto status = ResolveRouteStage().run(context);
        QCOMPARE(status, found ? StageStatus::Continue : StageStatus::Stop);
        if (!found) {
            QCOMPARE(context.error->status, 404);
            QCOMPARE(context.error->code, std::string("model_not_found"));
        }
    }

    void runStagesStopsAtTheFirstStop()
    {
        Fixture fixture; // no key: authentication stops, parsing never runs
        fixture.request.message.body() = "not json";
        auto context = fixture.context();
        const AuthenticateStage authenticate;
        const ParseChatRequestStage parse;
        QCOMPARE(runStages({&authenticate, &parse}, context), StageStatus::Stop);
        QCOMPARE(context.error->status, 401);
    }
};

QTEST_GUILESS_MAIN(RequestStagesTest)
#include "RequestStagesTest.moc"
