// Sends one chat completion to the gateway over HTTP, exactly as any OpenAI client would.
#include "TestRequestClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <chrono>
#include <memory>

namespace {

constexpr std::chrono::seconds kTransferTimeout{60};

QByteArray requestBody(const QString& model, bool stream)
{
    const QJsonObject message{{"role", "user"}, {"content", "Hello from the Gatehouse console"}};
    return QJsonDocument(QJsonObject{{"model", model}, {"messages", QJsonArray{message}}, {"stream", stream}})
        .toJson(QJsonDocument::Compact);
}

// The gateway answers errors in the OpenAI shape: {"error": {"message": ...}}.
QString errorMessage(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object().value("error").toObject().value("message").toString();
}

QString usageText(const QByteArray& body)
{
    const auto total = QJsonDocument::fromJson(body).object().value("usage").toObject().value("total_tokens");
    return total.isDouble() ? QStringLiteral(" · %1 tokens").arg(total.toInteger()) : QString();
}

} // namespace

TestRequestClient::TestRequestClient(QObject* parent)
    : QObject(parent)
{
    // The gateway is a direct local address: an http_proxy from the environment must not be used for it.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

void TestRequestClient::send(const QUrl& baseUrl, const QString& apiKey, const QString& model, bool stream)
{
    QUrl url = baseUrl;
    url.setPath(QStringLiteral("/v1/chat/completions"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + apiKey.toUtf8());
    request.setTransferTimeout(static_cast<int>(std::chrono::milliseconds(kTransferTimeout).count()));

    auto elapsed = std::make_shared<QElapsedTimer>();
    elapsed->start();
    QNetworkReply* reply = m_network.post(request, requestBody(model, stream));
    ++m_inFlight;
    emit inFlightChanged();

    connect(reply, &QNetworkReply::finished, this, [this, reply, elapsed, model, stream] {
        reply->deleteLater();
        --m_inFlight;
        emit inFlightChanged();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QString took = QStringLiteral(" · %1 ms").arg(elapsed->elapsed());
        if (status == 0) {
            emit finished(false, 0, tr("No answer from the gateway: %1").arg(reply->errorString()));
            return;
        }
        if (status >= 200 && status < 300) {
            const QString detail = stream ? tr(" · streamed") : usageText(body);
            emit finished(true, status, QStringLiteral("HTTP %1 · %2").arg(status).arg(model) + detail + took);
            return;
        }
        const QString message = errorMessage(body);
        emit finished(false, status, QStringLiteral("HTTP %1 · ").arg(status) + (message.isEmpty() ? reply->errorString() : message) + took);
    });
}
