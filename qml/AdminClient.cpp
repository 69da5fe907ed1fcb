// The console's one way to the admin API: the reply's parsing and the bridge to QML callbacks.
#include "AdminClient.h"

#include <QJSEngine>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

AdminReply AdminReply::fromAnswer(int status, const QByteArray& bytes)
{
    AdminReply reply;
    reply.status = status;
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error == QJsonParseError::NoError && !document.isNull())
        reply.body = document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    else
        reply.text = QString::fromUtf8(bytes);
    if (!reply.ok()) {
        reply.errorMessage = reply.body.toObject().value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString();
        if (reply.errorMessage.isEmpty())
            reply.errorMessage = QStringLiteral("HTTP %1 without an admin API error message").arg(status);
    }
    return reply;
}

AdminReply AdminReply::unreachable(const QString& why)
{
    AdminReply reply;
    reply.errorMessage = why;
    return reply;
}

void AdminClient::deliver(const Callback& done, const AdminReply& reply, bool committedChange)
{
    const QPointer<AdminClient> self(this); // `done` may end this client's life (a page switching clients)
    if (done)
        done(reply);
    if (committedChange && self)
        emit changed();
}

void AdminClient::request(const QString& method, const QString& target, const QJsonObject& body, const QJSValue& callback)
{
    // The engine is taken now, while JavaScript is calling us and so holds a wrapper of this object:
    // qjsEngine() finds the engine through that wrapper, which the garbage collector may drop before
    // the reply arrives (this object is owned by C++). QJSValue has no public engine() in Qt 6.
    const QPointer<QJSEngine> engine = qjsEngine(this);
    if (!engine) {
        qWarning("AdminClient.request(%s %s): no JavaScript engine to call back into", qPrintable(method), qPrintable(target));
        return;
    }
    if (!callback.isCallable())
        qWarning("AdminClient.request(%s %s): the callback is not a function; the reply is dropped", qPrintable(method), qPrintable(target));

    send(method, target, body, [engine, callback](const AdminReply& reply) {
        if (!engine || !callback.isCallable())
            return; // the QML engine went away with its window
        auto answer = engine->newObject();
        answer.setProperty(QStringLiteral("status"), reply.status);
        answer.setProperty(QStringLiteral("ok"), reply.ok());
        answer.setProperty(QStringLiteral("body"), engine->toScriptValue(reply.body));
        answer.setProperty(QStringLiteral("error"), reply.errorMessage);
        answer.setProperty(QStringLiteral("text"), reply.text);
        const auto result = callback.call({answer});
        if (result.isError())
            qWarning("AdminClient.request callback failed: %s", qPrintable(result.toString()));
    });
}
