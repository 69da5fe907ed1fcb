// For Qt Quick Tests of the Call log: a real CallLogModel that QML fills with calls it describes.
#include "CallLogFeeder.h"

#include <QDateTime>

#include <cmath>

namespace {

std::optional<int64_t> optionalInteger(const QVariantMap& call, const char* name)
{
    const QVariant value = call.value(QLatin1String(name));
    return value.isValid() && !value.isNull() ? std::optional<int64_t>(value.toLongLong()) : std::nullopt;
}

std::string text(const QVariantMap& call, const char* name, const char* fallback = "")
{
    return call.contains(QLatin1String(name)) ? call.value(QLatin1String(name)).toString().toStdString() : std::string(fallback);
}

} // namespace

CallLogFeeder::CallLogFeeder(QObject* parent)
    : QObject(parent)
    , m_calls(new CallLogModel(this))
{
    m_calls->setFlushInterval(std::chrono::milliseconds(0));
}

void CallLogFeeder::add(const QVariantList& calls)
{
    std::vector<gatehouse::CallRecord> batch;
    for (const QVariant& item : calls) {
        const QVariantMap call = item.toMap();
        gatehouse::CallRecord record;
        record.startedAt = std::chrono::system_clock::time_point(std::chrono::milliseconds(
            call.value(QStringLiteral("started_at_ms"), QDateTime::currentMSecsSinceEpoch()).toLongLong()));
        record.requestId = text(call, "request_id");
        record.endpoint = text(call, "endpoint", "/v1/chat/completions");
        record.model = text(call, "model", "gpt-4o");
        record.route = record.model;
        record.provider = text(call, "provider", "openai");
        record.deployment = text(call, "deployment", record.model.c_str());
        record.tenant = text(call, "tenant");
        record.consumer = text(call, "consumer");
        record.keyPrefix = text(call, "key_prefix");
        record.status = call.value(QStringLiteral("status"), 200).toInt();
        record.errorCode = text(call, "error_code");
        record.stream = call.value(QStringLiteral("stream")).toBool();
        record.latency = std::chrono::microseconds(call.value(QStringLiteral("latency_us"), 1500).toLongLong());
        if (const auto ttfb = optionalInteger(call, "ttfb_us"))
            record.timeToFirstByte = std::chrono::microseconds(*ttfb);
        record.promptTokens = optionalInteger(call, "prompt_tokens");
        record.completionTokens = optionalInteger(call, "completion_tokens");
        if (call.contains(QStringLiteral("cost_usd")))
            record.costMicros = std::llround(call.value(QStringLiteral("cost_usd")).toDouble() * 1e6);
        record.attempts = 1;
        batch.push_back(std::move(record));
    }
    m_calls->enqueue(batch);
    m_calls->flushPending();
}
