// Reading a TestResponse's JSON body in Qt tests: the object, its "error" object, and a one-line
// description for failure messages.
#pragma once

#include "TestHttpClient.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

inline QJsonObject objectOf(const TestResponse& response)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(response.body)).object();
}

inline QJsonObject errorOf(const TestResponse& response)
{
    return objectOf(response)["error"].toObject();
}

inline QString describe(const TestResponse& response)
{
    return QString("status %1: %2").arg(response.status).arg(QString::fromStdString(response.body));
}
