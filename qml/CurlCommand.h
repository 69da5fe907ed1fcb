// "Copy as curl" of the Call log: a curl command that sends a logged call again through this gateway.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

// The command never holds a key: it reads $GATEHOUSE_API_KEY (double quotes, so the shell expands
// it), and is built from the call's endpoint and its captured request body, shell-quoted. Without a
// body to send as captured (capture off, the body cut at capture.max_bytes) it sends a minimal
// body naming the model, and says so.
class CurlCommand : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    struct Result {
        QString command;
        // Empty when the captured body is sent as it was; else why the command differs from the call.
        QString note;
    };

    using QObject::QObject;

    // `baseUrl` is the gateway's data plane ("http://127.0.0.1:8088"); `call` a call as the admin
    // API gives it (`endpoint`, `model`, `stream`, `payload` with `request` and `request_truncated`).
    static Result build(const QString& baseUrl, const QJsonObject& call);

    // For QML: {command, note}.
    Q_INVOKABLE QVariantMap forCall(const QString& baseUrl, const QVariantMap& call) const;

    // `text` as one shell word: unchanged when it has only characters no shell treats specially,
    // else in single quotes, each ' written as '\''.
    static QString shellWord(const QString& text);
    // The smallest request the endpoint accepts for `model`, compact JSON.
    static QString minimalBody(const QString& endpoint, const QString& model);
};
