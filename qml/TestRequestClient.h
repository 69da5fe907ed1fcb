// Sends one chat completion to the gateway over HTTP, exactly as any OpenAI client would.
#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

// Lets a user see a call go through the whole data plane (and appear in the call log) without curl.
class TestRequestClient : public QObject {
    Q_OBJECT

public:
    explicit TestRequestClient(QObject* parent = nullptr);

    // `baseUrl` is the data plane, e.g. http://127.0.0.1:8088. Answers with `finished`.
    void send(const QUrl& baseUrl, const QString& apiKey, const QString& model, bool stream);
    int inFlight() const { return m_inFlight; }

signals:
    // `summary` is one line for people: "HTTP 200 · mock-chat · 12 tokens · 3 ms", or what went wrong.
    void finished(bool ok, int httpStatus, const QString& summary);
    void inFlightChanged();

private:
    QNetworkAccessManager m_network;
    int m_inFlight = 0;
};
