// Runs one version of a managed prompt through the data plane, streamed, for the Prompts page's test run.
#include "PromptStreamClient.h"

#include "AdminClient.h"

#include "sse/SseParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <utility>

namespace {

QByteArray requestBody(int version, const QJsonObject& variables)
{
    // Tagged as the admin API tags its test runs, for the call log. The prompt's stats still count it
    // (they leave out only calls made through the admin API: a client's tag must not hide its calls).
    return QJsonDocument(QJsonObject{{"version", version}, {"variables", variables}, {"stream", true},
                             {"stream_options", QJsonObject{{"include_usage", true}}},
                             {"metadata", QJsonObject{{"gatehouse_test_run", "true"}}}})
        .toJson(QJsonDocument::Compact);
}

bool succeeded(int status)
{
    return status >= 200 && status < 300;
}

} // namespace

PromptStreamClient::PromptStreamClient(QObject* parent)
    : QObject(parent)
{
    // The gateway is a direct local address: an http_proxy from the environment must not be used for it.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

PromptStreamClient::~PromptStreamClient()
{
    cancel();
}

void PromptStreamClient::setAdmin(AdminClient* admin)
{
    if (admin == m_admin)
        return;
    m_admin = admin;
    emit adminChanged();
}

void PromptStreamClient::start(const QUrl& baseUrl, const QString& apiKey, const QString& prompt, int version, const QJsonObject& variables)
{
    cancel();
    ++m_run;
    m_answer.clear();
    m_status = 0;
    m_requestId.clear();
    m_usage = QVariant();
    m_firstTokenMs = -1;
    m_latencyMs = -1;
    m_errorCode.clear();
    m_errorText.clear();
    m_events = std::make_unique<gatehouse::SseParser>();
    emit answerChanged();
    emit progressed();
    setCost(QVariant(), false);

    QUrl url = baseUrl;
    url.setPath(QStringLiteral("/v1/prompts/%1/chat/completions").arg(QString::fromUtf8(QUrl::toPercentEncoding(prompt))));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    request.setTransferTimeout(kTransferTimeoutMs);
    m_elapsed.start();
    m_reply = m_network.post(request, requestBody(version, variables));
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        m_requestId = QString::fromLatin1(m_reply->rawHeader("x-gatehouse-request-id"));
        emit progressed();
    });
    connect(m_reply, &QNetworkReply::readyRead, this, &PromptStreamClient::readEvents);
    connect(m_reply, &QNetworkReply::finished, this, &PromptStreamClient::end);
    emit runningChanged();
}

void PromptStreamClient::cancel()
{
    if (!m_reply)
        return;
    QNetworkReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    emit runningChanged();
}

void PromptStreamClient::readEvents()
{
    // A refusal's body is one JSON error, read whole at the end.
    if (!succeeded(m_status))
        return;
    const QByteArray bytes = m_reply->readAll();
    const QString before = m_answer;
    for (const auto& event : m_events->feed(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())))) {
        if (event.data == "[DONE]")
            continue;
        takeEvent(QJsonDocument::fromJson(QByteArray::fromStdString(event.data)).object());
    }
    if (m_answer != before) {
        if (m_firstTokenMs < 0)
            m_firstTokenMs = static_cast<int>(m_elapsed.elapsed());
        emit answerChanged();
    }
    emit progressed();
}

void PromptStreamClient::takeEvent(const QJsonObject& event)
{
    if (const QJsonObject error = event.value("error").toObject(); !error.isEmpty()) {
        // The stream failed midway: what OpenAI sends then, an event holding the error.
        m_errorCode = error.value("code").toString();
        m_errorText = error.value("message").toString();
        return;
    }
    for (const QJsonValue& choice : event.value("choices").toArray())
        m_answer += choice.toObject().value("delta").toObject().value("content").toString();
    if (const QJsonValue usage = event.value("usage"); usage.isObject())
        m_usage = usage.toObject().toVariantMap();
}

void PromptStreamClient::end()
{
    QNetworkReply* reply = std::exchange(m_reply, nullptr);
    reply->deleteLater();
    m_latencyMs = static_cast<int>(m_elapsed.elapsed());
    m_status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_status == 0) {
        m_errorText = tr("No answer from the gateway: %1").arg(reply->errorString());
    } else if (!succeeded(m_status)) {
        const QJsonObject error = QJsonDocument::fromJson(reply->readAll()).object().value("error").toObject();
        m_errorCode = error.value("code").toString();
        m_errorText = error.value("message").toString(reply->errorString());
    } else if (reply->error() != QNetworkReply::NoError && m_errorText.isEmpty()) {
        m_errorText = tr("The stream broke off: %1").arg(reply->errorString());
    }
    emit progressed();
    emit runningChanged();
    emit finished();
    if (!m_requestId.isEmpty())
        fetchCost(true);
}

void PromptStreamClient::fetchCost(bool retry)
{
    if (!m_admin)
        return;
    setCost(QVariant(), true);
    const quint64 run = m_run;
    QPointer<PromptStreamClient> self(this);
    m_admin->send(QStringLiteral("GET"), QStringLiteral("/admin/v1/calls/") + QString::fromUtf8(QUrl::toPercentEncoding(m_requestId)), {},
        [self, run, retry](const AdminReply& reply) {
            if (!self || run != self->m_run)
                return;
            if (reply.status == 404 && retry) {
                QTimer::singleShot(kRecordRetryDelayMs, self.data(), [self, run] {
                    if (run == self->m_run)
                        self->fetchCost(false);
                });
                return;
            }
            const QJsonValue cost = reply.ok() ? reply.body.toObject().value("cost_usd") : QJsonValue();
            self->setCost(cost.isDouble() ? QVariant(cost.toDouble()) : QVariant(), false);
        });
}

void PromptStreamClient::setCost(const QVariant& usd, bool pending)
{
    m_costUsd = usd;
    m_costPending = pending;
    emit costChanged();
}
