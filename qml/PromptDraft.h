// A prompt version being edited in the console, checked as the gateway checks it before anything is sent.
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QString>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

// What a typed input of a prompt variable holds: its JSON value, or why it is not one of its type
// (docs/prompts.md "Variables"). `type` is the API's name: string, number, integer, boolean, json.
struct PromptValue {
    QJsonValue value;
    QString error; // "" when `value` is the input's value

    bool ok() const { return error.isEmpty(); }

    // `text` as a value of `type`: a string as it is; a number, an integer (no decimal point or
    // exponent: 3.0 is refused, as the gateway refuses it), true or false, or any JSON text.
    static PromptValue fromText(const QString& type, const QString& text);
    // The inverse, for an input: a string as it is, any other value as compact JSON.
    static QString toText(const QJsonValue& value, const QString& type);
};

// For QML (a singleton): the editor's live check and the variables' typed inputs. The check is the
// gateway's own (core/prompts readPromptVersion, validatePromptTemplate), so the editor says
// "message 2, line 3, column 14" before the version is saved, in the words the API would use.
class PromptDraft : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;

    // The first problem of a version body ({model, messages, variables, parameters, overridable,
    // note}) as the admin API would name it: {param, code, message}; an empty map when there is none.
    // Only what the body shows: whether the model is served is the gateway's to say.
    static QVariantMap problemOf(const QJsonObject& version);
    Q_INVOKABLE QVariantMap check(const QJsonObject& version) const { return problemOf(version); }

    // A saved version's messages rendered with `values` ({name: value}) by the gateway's own
    // renderPrompt, as a call of the prompt renders them: {messages: [{role, content}]}, or
    // {param, code, message} as the data plane would refuse the call (missing_variable, ...).
    static QVariantMap renderedOf(const QJsonObject& version, const QJsonObject& values);
    Q_INVOKABLE QVariantMap render(const QJsonObject& version, const QJsonObject& values) const { return renderedOf(version, values); }

    // {ok, value, error} of PromptValue::fromText.
    Q_INVOKABLE QVariantMap parseValue(const QString& type, const QString& text) const;
    Q_INVOKABLE QString valueText(const QJsonValue& value, const QString& type) const { return PromptValue::toText(value, type); }
};
