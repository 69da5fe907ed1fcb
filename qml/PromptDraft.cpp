// A prompt version being edited in the console, checked as the gateway checks it before anything is sent.
#include "PromptDraft.h"

#include "prompts/PromptVersion.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>
#include <optional>

namespace {

constexpr double kLargestExactInteger = 9007199254740992.0; // 2^53: past it a double skips integers

// `text` as one JSON value, or nothing.
std::optional<QJsonValue> parseJson(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("\n]"), &error);
    if (error.error != QJsonParseError::NoError || !document.isArray() || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

} // namespace

PromptValue PromptValue::fromText(const QString& type, const QString& text)
{
    if (type == QLatin1String("string") || type.isEmpty())
        return {QJsonValue(text), {}};
    const QString trimmed = text.trimmed();
    if (type == QLatin1String("boolean")) {
        if (trimmed == QLatin1String("true") || trimmed == QLatin1String("false"))
            return {QJsonValue(trimmed == QLatin1String("true")), {}};
        return {{}, QObject::tr("true or false")};
    }
    if (type == QLatin1String("json")) {
        if (const auto value = parseJson(trimmed); value && !trimmed.isEmpty())
            return {*value, {}};
        return {{}, QObject::tr("a JSON value: a number, \"a string\", true, null, [1, 2], {\"a\": 1}")};
    }
    if (type == QLatin1String("number") || type == QLatin1String("integer")) {
        const bool integer = type == QLatin1String("integer");
        static const QRegularExpression whole(QStringLiteral("^-?(0|[1-9][0-9]*)$"));
        const auto value = parseJson(trimmed);
        if (!value || !value->isDouble() || trimmed.isEmpty())
            return {{}, integer ? QObject::tr("a whole number, such as 3 or -7") : QObject::tr("a number, such as 3, 2.5 or 1e3")};
        if (integer && !whole.match(trimmed).hasMatch())
            return {{}, QObject::tr("a whole number written without a decimal point or exponent (3, not 3.0)")};
        if (integer && std::abs(value->toDouble()) > kLargestExactInteger)
            return {{}, QObject::tr("a whole number between -2^53 and 2^53: larger ones cannot be sent exactly")};
        return {*value, {}};
    }
    return {{}, QObject::tr("'%1' is not a type; use string, number, integer, boolean or json").arg(type)};
}

QString PromptValue::toText(const QJsonValue& value, const QString& type)
{
    if (value.isUndefined())
        return {};
    if (value.isString() && (type == QLatin1String("string") || type.isEmpty()))
        return value.toString();
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2)); // without the array's brackets
}

QVariantMap PromptDraft::problemOf(const QJsonObject& version)
{
    try {
        gatehouse::readPromptVersion(gatehouse::Json::parse(QJsonDocument(version).toJson(QJsonDocument::Compact).toStdString()));
        return {};
    } catch (const gatehouse::PromptDefinitionError& error) {
        return {{QStringLiteral("param"), QString::fromStdString(error.field)}, {QStringLiteral("code"), QString::fromStdString(error.code)},
            {QStringLiteral("message"), QString::fromUtf8(error.what())}};
    } catch (const std::exception& error) {
        return {{QStringLiteral("param"), QStringLiteral("body")}, {QStringLiteral("code"), QStringLiteral("invalid_value")},
            {QStringLiteral("message"), QString::fromUtf8(error.what())}};
    }
}

QVariantMap PromptDraft::renderedOf(const QJsonObject& version, const QJsonObject& values)
{
    const auto json = [](const QJsonObject& object) {
        return gatehouse::Json::parse(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString());
    };
    const auto problem = [](const QString& param, const std::string& code, const char* message) {
        return QVariantMap{{QStringLiteral("param"), param}, {QStringLiteral("code"), QString::fromStdString(code)},
            {QStringLiteral("message"), QString::fromUtf8(message)}};
    };
    try {
        // Only what rendering reads: a version as the API lists it also has its number and author.
        const auto saved = gatehouse::readPromptVersion(json(QJsonObject{
            {"model", version.value("model")}, {"messages", version.value("messages")}, {"variables", version.value("variables")}}));
        QVariantList messages;
        for (const auto& message : gatehouse::renderPrompt(saved.messages, saved.variables, json(values)))
            messages.append(QVariantMap{{QStringLiteral("role"), QString::fromStdString(message.role)},
                {QStringLiteral("content"), QString::fromStdString(message.content)}});
        return {{QStringLiteral("messages"), messages}};
    } catch (const gatehouse::PromptTemplateError& error) {
        // The data plane's param for it (server/gateway/PromptStage).
        return problem(error.variable.empty() ? QStringLiteral("variables") : QStringLiteral("variables.") + QString::fromStdString(error.variable),
            error.code, error.what());
    } catch (const gatehouse::PromptDefinitionError& error) {
        return problem(QString::fromStdString(error.field), error.code, error.what());
    }
}

QVariantMap PromptDraft::parseValue(const QString& type, const QString& text) const
{
    const PromptValue parsed = PromptValue::fromText(type, text);
    return {{QStringLiteral("ok"), parsed.ok()}, {QStringLiteral("value"), parsed.value.toVariant()}, {QStringLiteral("error"), parsed.error}};
}
