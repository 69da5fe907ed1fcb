// The console's one way to the admin API (tenants, consumers, keys, access requests, audit).
// Two implementations: InProcessAdminClient calls the AdminService of the gateway the console
// embeds; RemoteAdminClient speaks HTTP to the admin API of another `gatehouse serve`. Pages and
// view-models only ever see this interface, so they work the same against either.
#pragma once

#include <QByteArray>
#include <QJSValue>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <functional>

// One answer of the admin API, exactly as it gave it (docs/admin-api.md).
struct AdminReply {
    int status = 0;       // the HTTP status; 0 when the admin API could not be reached at all
    QJsonValue body;      // the parsed JSON answer; Null when there was none or it was not JSON
    QString errorMessage; // empty on success; else error.message from the body, or what failed on the way
    QString text;         // the answer as text when it was not JSON (the audit log's CSV export); else empty

    bool ok() const { return status >= 200 && status < 300; }

    // An answer the admin API gave: `bytes` parsed as JSON when they are JSON; a failure's message
    // taken from its `error.message`.
    static AdminReply fromAnswer(int status, const QByteArray& bytes);
    // The admin API was not reached; `why` says so for people.
    static AdminReply unreachable(const QString& why);
};

class AdminClient : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The console creates its admin clients; QML gets them from the AdminConnection.")
    Q_PROPERTY(QString location READ location CONSTANT)

public:
    using Callback = std::function<void(const AdminReply&)>;

    using QObject::QObject;

    // Sends one request: `method` "GET"|"POST"|"PATCH"|"PUT"|"DELETE"; `target` the path and query
    // ("/admin/v1/consumers?tenant_id=2"); `body` the JSON body (empty: none). `done` runs exactly
    // once, always later on this object's thread (never inside send()), unless the client is
    // destroyed first. After a successful non-GET request the client emits changed() once `done` ran.
    virtual void send(const QString& method, const QString& target, const QJsonObject& body, Callback done) = 0;

    // Where requests go, for people: "this console's gateway" or "http://127.0.0.1:8089".
    virtual QString location() const = 0;

    // send() for QML: `callback` gets one object {status, ok, body, error, text} (the fields of
    // AdminReply; `error` is errorMessage). `body` may be {}, null or undefined for none.
    Q_INVOKABLE void request(const QString& method, const QString& target, const QJsonObject& body, const QJSValue& callback);

signals:
    // Lists showing admin data should reload: a change was committed through this client, or what
    // the client reaches was replaced (the embedded gateway started or stopped).
    void changed();

protected:
    // For implementations, on this object's thread: runs `done`, then emits changed() when the
    // request committed a change.
    void deliver(const Callback& done, const AdminReply& reply, bool committedChange);
};
