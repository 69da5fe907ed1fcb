// Puts text on the system clipboard for QML, which has no clipboard API of its own.
#include "Clipboard.h"

#include <QClipboard>
#include <QGuiApplication>

Clipboard::Clipboard(QObject* parent)
    : QObject(parent)
{
}

void Clipboard::setText(const QString& text)
{
    QGuiApplication::clipboard()->setText(text);
}

QString Clipboard::text() const
{
    return QGuiApplication::clipboard()->text();
}
