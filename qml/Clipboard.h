// Puts text on the system clipboard for QML, which has no clipboard API of its own.
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

class Clipboard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit Clipboard(QObject* parent = nullptr);

    Q_INVOKABLE void setText(const QString& text);
    Q_INVOKABLE QString text() const;
};
