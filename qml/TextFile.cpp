#include "TextFile.h"

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
