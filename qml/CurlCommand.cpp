// "Copy as curl" of the Call log: a curl command that sends a logged call again through this gateway.
#include "CurlCommand.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace {

// Characters that mean nothing to sh, bash or zsh in a word (URLs without a query, header-free paths).
bool isPlainWordCharacter(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || QStringLiteral("-_./:@%+,").contains(c);
}

// The gateway as a client on this machine reaches it: a wildcard listen address becomes loopback.
QString reachableBase(const QString& baseUrl)
{
    QUrl url(baseUrl.trimmed());
    if (url.host() == QLatin1String("0.0.0.0"))
        url.setHost(QStringLiteral("127.0.0.1"));
    else if (url.host() == QLatin1String("::"))
        url.setHost(QStringLiteral("::1"));
    QString text = url.toString();
    while (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

} // namespace

QString CurlCommand::shellWord(const QString& text)
{
    bool plain = !text.isEmpty();
    for (const QChar c : text)
        plain = plain && isPlainWordCharacter(c);
    if (plain)
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString CurlCommand::minimalBody(const QString& endpoint, const QString& model)
{
    // Written by hand, so "model" comes first as people write it (QJsonObject sorts its keys); the
    // name itself is escaped by QJsonDocument.
    const QByteArray quoted = QJsonDocument(QJsonArray{model}).toJson(QJsonDocument::Compact);
    const QString name = QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
    const QString hello = QStringLiteral("\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]");
    if (endpoint == QLatin1String("/v1/chat/completions"))
        return QStringLiteral("{\"model\":%1,%2}").arg(name, hello);
    if (endpoint == QLatin1String("/v1/messages")) // max_tokens is required by the Messages API
        return QStringLiteral("{\"model\":%1,\"max_tokens\":256,%2}").arg(name, hello);
    if (endpoint == QLatin1String("/v1/embeddings"))
        return QStringLiteral("{\"model\":%1,\"input\":\"Hello\"}").arg(name);
    return QStringLiteral("{\"model\":%1}").arg(name);
}

CurlCommand::Result CurlCommand::build(const QString& baseUrl, const QJsonObject& call)
{
    const QString endpoint = call.value(QLatin1String("endpoint")).toString();
    const QString model = call.value(QLatin1String("model")).toString();
    const QJsonValue payload = call.value(QLatin1String("payload"));
    const QJsonObject captured = payload.toObject();
    const QString capturedBody = captured.value(QLatin1String("request")).toString();
    const bool cut = captured.value(QLatin1String("request_truncated")).toBool();
    const bool isGet = endpoint == QLatin1String("/v1/models");

    Result result;
    QString body;
    if (isGet) {
        // Listing the models takes no body.
    } else if (!call.contains(QLatin1String("payload"))) {
        body = minimalBody(endpoint, model);
        result.note = QObject::tr("The captured payload could not be read: the command sends a minimal body naming the model.");
    } else if (!payload.isObject()) {
        body = minimalBody(endpoint, model);
        result.note = QObject::tr("Payload capture is off for this model: the command sends a minimal body naming the model, not the call's own.");
    } else if (cut) {
        body = minimalBody(endpoint, model);
        result.note = QObject::tr("The captured body was cut at capture.max_bytes, so it is not whole JSON: the command sends a minimal body naming the model instead.");
    } else if (capturedBody.isEmpty()) {
        body = minimalBody(endpoint, model);
        result.note = QObject::tr("The call's request had no body: the command sends a minimal body naming the model.");
    } else {
        body = capturedBody;
        if (body.contains(QLatin1String("[REDACTED]")))
            result.note = QObject::tr("Parts of the captured body were redacted ([REDACTED]): put them back before sending it.");
    }

    QStringList lines;
    // -N: a streamed answer shows as it comes instead of all at the end.
    lines << QStringLiteral("curl ") + (call.value(QLatin1String("stream")).toBool() ? QStringLiteral("-N ") : QString())
            + shellWord(reachableBase(baseUrl) + endpoint);
    // Double quotes: the shell puts the key in; the command itself never holds one.
    lines << QStringLiteral("-H \"Authorization: Bearer $GATEHOUSE_API_KEY\"");
    if (!isGet) {
        lines << QStringLiteral("-H 'Content-Type: application/json'");
        lines << QStringLiteral("-d ") + shellWord(body);
    }
    result.command = lines.join(QStringLiteral(" \\\n  "));
    return result;
}

QVariantMap CurlCommand::forCall(const QString& baseUrl, const QVariantMap& call) const
{
    const Result result = build(baseUrl, QJsonObject::fromVariantMap(call));
    return {{QStringLiteral("command"), result.command}, {QStringLiteral("note"), result.note}};
}
