// Writes and reads text files the user chose (the Audit page's export, the Prices page's import).
#include "TextFile.h"

#include <QFile>
#include <QSaveFile>

TextFile::TextFile(QObject* parent)
    : QObject(parent)
{
}

QString TextFile::save(const QUrl& fileUrl, const QString& text) const
{
    if (!fileUrl.isLocalFile())
        return tr("cannot write %1: only local files can be written").arg(fileUrl.toString());
    const QString path = fileUrl.toLocalFile();
    QSaveFile file(path);
    const QByteArray bytes = text.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return tr("cannot write %1: %2").arg(path, file.errorString());
    return {};
}

QVariantMap TextFile::read(const QUrl& fileUrl) const
{
    const auto failed = [](const QString& why) { return QVariantMap{{QStringLiteral("text"), QString()}, {QStringLiteral("error"), why}}; };
    if (!fileUrl.isLocalFile())
        return failed(tr("cannot read %1: only local files can be read").arg(fileUrl.toString()));
    const QString path = fileUrl.toLocalFile();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failed(tr("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxReadBytes)
        return failed(tr("cannot read %1: it is larger than %2 MiB").arg(path).arg(kMaxReadBytes / (1024 * 1024)));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return failed(tr("cannot read %1: %2").arg(path, file.errorString()));
    return {{QStringLiteral("text"), QString::fromUtf8(bytes)}, {QStringLiteral("error"), QString()}};
}
