// parseChatRequest and spliceModel: validation with the named field, and byte-exact splicing.
#include "openai/ChatRequest.h"

#include <QtTest>

using namespace gatehouse;

class ChatRequestTest : public QObject {
    Q_OBJECT

private slots:
    void readsModelAndStream_data();
    void readsModelAndStream();
    void rejectsWithTheFieldNamed_data();
    void rejectsWithTheFieldNamed();
    void spliceReplacesOnlyTheModelValue_data();
    void spliceReplacesOnlyTheModelValue();
};

void ChatRequestTest::readsModelAndStream_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("model");
    QTest::addColumn<bool>("stream");
    QTest::newRow("plain") << R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})" << "gpt-4o" << false;
    QTest::newRow("stream") << R"({"stream":true,"model":"m","messages":[{"role":"user","content":"hi"}]})" << "m" << true;
    QTest::newRow("stream null") << R"({"model":"m","stream":null,"messages":[{}]})" << "m" << false;
    QTest::newRow("spaces") << "{ \"model\" :\n \"m x\" , \"messages\" : [ { } ] }" << "m x" << false;
    QTest::newRow("escaped value") << R"({"model":"a\"b","messages":[{}]})" << "a\"b" << false;
    QTest::newRow("model text in content") << R"({"messages":[{"content":"\"model\":\"evil\""}],"model":"good"})" << "good" << false;
    QTest::newRow("unicode") << R"({"model":"模型","messages":[{}]})" << "模型" << false;
}

void ChatRequestTest::readsModelAndStream()
{
    QFETCH(QString, body);
    QFETCH(QString, model);
    QFETCH(bool, stream);
    auto text = body.toStdString();
    const auto parsed = parseChatRequest(text);
    const auto* fields = std::get_if<ChatRequestFields>(&parsed);
    QVERIFY2(fields, std::get_if<ApiError>(&parsed) ? std::get<ApiError>(parsed).message.c_str() : "");
    QCOMPARE(QString::fromStdString(fields->model), model);
    QCOMPARE(fields->stream, stream);
}

void ChatRequestTest::rejectsWithTheFieldNamed_data()
{
    QTest::addColumn<QByteArray>("body"); // bytes: QString would repair invalid UTF-8
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("code");
    QTest::newRow("not json") << QByteArray("{\"model\":") << "" << "invalid_json";
    QTest::newRow("broken deep inside") << QByteArray(R"({"model":"m","messages":[{"content":[1,,2]}]})") << "" << "invalid_json";
    QTest::newRow("trailing garbage") << QByteArray(R"({"model":"m","messages":[{}]} x)") << "" << "invalid_json";
    QTest::newRow("bad utf8") << QByteArray("{\"model\":\"\xff\",\"messages\":[{}]}") << "" << "invalid_json";
    QTest::newRow("array") << QByteArray("[1,2]") << "" << "invalid_json";
    QTest::newRow("missing model") << QByteArray(R"({"messages":[{}]})") << "model" << "missing_required_parameter";
    QTest::newRow("model number") << QByteArray(R"({"model":4,"messages":[{}]})") << "model" << "";
    QTest::newRow("model empty") << QByteArray(R"({"model":"","messages":[{}]})") << "model" << "";
    QTest::newRow("model twice") << QByteArray(R"({"model":"cheap","messages":[{}],"model":"expensive"})") << "model" << "";
    QTest::newRow("missing messages") << QByteArray(R"({"model":"m"})") << "messages" << "missing_required_parameter";
    QTest::newRow("messages not array") << QByteArray(R"({"model":"m","messages":"hi"})") << "messages" << "";
    QTest::newRow("messages empty") << QByteArray(R"({"model":"m","messages":[]})") << "messages" << "";
    QTest::newRow("message not object") << QByteArray(R"({"model":"m","messages":["hi"]})") << "messages" << "";
    QTest::newRow("stream not bool") << QByteArray(R"({"model":"m","messages":[{}],"stream":"yes"})") << "stream" << "";
}

void ChatRequestTest::rejectsWithTheFieldNamed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    QFETCH(QString, code);
    auto text = body.toStdString();
    const auto parsed = parseChatRequest(text);
    const auto* error = std::get_if<ApiError>(&parsed);
    QVERIFY(error);
    QCOMPARE(error->status, 400);
    QCOMPARE(error->type, std::string("invalid_request_error"));
    QCOMPARE(QString::fromStdString(error->param), param);
    QCOMPARE(QString::fromStdString(error->code), code);
    QVERIFY(!error->message.empty());
}

void ChatRequestTest::spliceReplacesOnlyTheModelValue_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("replacement");
    QTest::addColumn<QString>("expected");
    QTest::newRow("first") << R"({"model":"public","messages":[{}]})" << "upstream-1" << R"({"model":"upstream-1","messages":[{}]})";
    QTest::newRow("last, spaced") << "{\"messages\":[{}], \"model\" : \"p\" }" << "u" << "{\"messages\":[{}], \"model\" : \"u\" }";
    QTest::newRow("escaped new name") << R"({"model":"p","messages":[{}]})" << "a\"b" << R"({"model":"a\"b","messages":[{}]})";
    QTest::newRow("nested model key untouched")
        << R"({"tools":[{"model":"x"}],"model":"p","messages":[{}]})" << "u" << R"({"tools":[{"model":"x"}],"model":"u","messages":[{}]})";
}

void ChatRequestTest::spliceReplacesOnlyTheModelValue()
{
    QFETCH(QString, body);
    QFETCH(QString, replacement);
    QFETCH(QString, expected);
    auto text = body.toStdString();
    const auto parsed = parseChatRequest(text);
    const auto& fields = std::get<ChatRequestFields>(parsed);
    const auto spliced = spliceModel(text, fields, replacement.toStdString());
    QCOMPARE(QString::fromStdString(spliced.joined()), expected);
    QCOMPARE(spliced.size(), spliced.joined().size());
}

QTEST_GUILESS_MAIN(ChatRequestTest)
#include "ChatRequestTest.moc"
