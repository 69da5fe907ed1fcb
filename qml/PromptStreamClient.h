// Runs one version of a managed prompt through the data plane, streamed, for the Prompts page's test run.
#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

#include <memory>

class AdminClient;
class QNetworkReply;
namespace gatehouse {
class SseParser;
}

// POSTs {gateway}/v1/prompts/{name}/chat/completions with {"version", "variables", "stream": true,
// "stream_options": {"include_usage": true}} and a key, as an application would, and grows `answer`
// with each delta as the events arrive. The usage comes with the last chunk; the request id with
// the head. Once the stream ended, the call's record is read from the admin API for its cost (the
// record is written a moment after the answer: a 404 is asked again once, a little later).
class PromptStreamClient : public QObject {
    Q_OBJECT
    QML_ELEMENT
    // Where the call's record is read; null: the cost stays unknown.
    Q_PROPERTY(AdminClient* admin READ admin WRITE setAdmin NOTIFY adminChanged)
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(QString answer READ answer NOTIFY answerChanged)
    Q_PROPERTY(int status READ status NOTIFY progressed)
    Q_PROPERTY(QString requestId READ requestId NOTIFY progressed)
    Q_PROPERTY(QVariant usage READ usage NOTIFY progressed)
    Q_PROPERTY(int firstTokenMs READ firstTokenMs NOTIFY progressed)
    Q_PROPERTY(int latencyMs READ latencyMs NOTIFY progressed)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY progressed)
    Q_PROPERTY(QString errorText READ errorText NOTIFY progressed)
    Q_PROPERTY(QVariant costUsd READ costUsd NOTIFY costChanged)
    Q_PROPERTY(bool costPending READ costPending NOTIFY costChanged)

public:
    static constexpr int kTransferTimeoutMs = 60000; // without a byte for this long, the run is given up
    static constexpr int kRecordRetryDelayMs = 500;  // the call-record writer commits within ~50 ms

    explicit PromptStreamClient(QObject* parent = nullptr);
    ~PromptStreamClient() override;

    // Starts a run, abandoning the one before. `baseUrl` is the data plane (http://127.0.0.1:8088).
    Q_INVOKABLE void start(const QUrl& baseUrl, const QString& apiKey, const QString& prompt, int version, const QJsonObject& variables);
    Q_INVOKABLE void cancel();

    AdminClient* admin() const { return m_admin; }
    void setAdmin(AdminClient* admin);
    bool running() const { return m_reply != nullptr; }
    QString answer() const { return m_answer; }
    int status() const { return m_status; }                // 0 until the head came, or when there was no answer
    QString requestId() const { return m_requestId; }
    QVariant usage() const { return m_usage; }             // null until a chunk carried it
    int firstTokenMs() const { return m_firstTokenMs; }    // -1 until the first content arrived
    int latencyMs() const { return m_latencyMs; }          // -1 until the stream ended
    QString errorCode() const { return m_errorCode; }      // the API's error.code, or "" ...
    QString errorText() const { return m_errorText; }      // ... and its message, or what failed on the way
    QVariant costUsd() const { return m_costUsd; }         // null: not known (yet, or no price)
    bool costPending() const { return m_costPending; }

signals:
    void adminChanged();
    void runningChanged();
    void answerChanged();
    void progressed();
    void costChanged();
    // The stream ended (or failed); the cost may follow.
    void finished();

private:
    void readEvents();
    void takeEvent(const QJsonObject& event);
    void end();
    void fetchCost(bool retry);
    void setCost(const QVariant& usd, bool pending);

    QNetworkAccessManager m_network;
    QPointer<AdminClient> m_admin;
    QNetworkReply* m_reply = nullptr;
    std::unique_ptr<gatehouse::SseParser> m_events;
    QElapsedTimer m_elapsed;
    quint64 m_run = 0; // only the newest run's record answers count
    QString m_answer;
    int m_status = 0;
    QString m_requestId;
    QVariant m_usage;
    int m_firstTokenMs = -1;
    int m_latencyMs = -1;
    QString m_errorCode;
    QString m_errorText;
    QVariant m_costUsd;
    bool m_costPending = false;
};
