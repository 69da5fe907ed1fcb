// Writes and reads text files the user chose (the Audit page's export, the Prices page's import)
// for QML, which has no file API.
#pragma once

#include <QObject>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

class TextFile : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit TextFile(QObject* parent = nullptr);

    // Writes `text` as UTF-8 to the local file `fileUrl`, replacing it whole or not at all (written
    // to a temporary file beside it, then renamed). Returns "" on success, else why it failed,
    // naming the path ("cannot write /tmp/x/audit.csv: No such file or directory").
    Q_INVOKABLE QString save(const QUrl& fileUrl, const QString& text) const;

    // Files larger than this are not read: nothing the console imports comes near it.
    static constexpr qint64 kMaxReadBytes = 64 * 1024 * 1024;

    // Reads the local file `fileUrl` as UTF-8: {text, error}, `error` "" on success, else why it
    // failed, naming the path ("cannot read /tmp/prices.json: No such file or directory").
    Q_INVOKABLE QVariantMap read(const QUrl& fileUrl) const;
};
