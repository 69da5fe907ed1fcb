// The console's own API key: kept in a file next to the database so the console can show it on every run.
#include "ConsoleDeveloperKey.h"

#include "GatewayServer.h"
#include "auth/ApiKey.h"
#include "store/Database.h"
#include "store/KeyStore.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <algorithm>
#include <stdexcept>

namespace {

bool storeAccepts(const std::string& databasePath, const std::string& key)
{
    // A second connection, like `gatehouse key create` uses: the server keeps its own to itself.
    gatehouse::Database database(databasePath);
    gatehouse::KeyStore keys(database);
    const auto hash = gatehouse::hashApiKey(key);
    const auto active = keys.activeKeys();
    return std::any_of(active.begin(), active.end(), [&](const auto& stored) { return stored.hash == hash; });
}

QString readKeyFile(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return {};
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot read " + path.toStdString() + ": " + file.errorString().toStdString());
    return QString::fromUtf8(file.readAll()).trimmed();
}

void writeKeyFile(const QString& path, const QString& key)
{
    QSaveFile file(path);
    // Restricted before anything is written, so the key never sits in a file others can read.
    const bool ok = file.open(QIODevice::WriteOnly)
        && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(key.toUtf8() + '\n') >= 0
        && file.commit();
    if (!ok)
        throw std::runtime_error("cannot write " + path.toStdString() + ": " + file.errorString().toStdString());
}

} // namespace

QString ConsoleDeveloperKey::filePath(const QString& dataDirectory)
{
    return QDir(dataDirectory).filePath(QString::fromLatin1(kFileName));
}

QString ConsoleDeveloperKey::loadOrCreate(gatehouse::GatewayServer& server, const QString& dataDirectory)
{
    const auto path = filePath(dataDirectory);
    if (const auto existing = readKeyFile(path); !existing.isEmpty() && storeAccepts(server.databasePath(), existing.toStdString()))
        return existing;
    const auto key = QString::fromStdString(server.createKey(kKeyName, "default", gatehouse::kLocalKeySource));
    writeKeyFile(path, key);
    return key;
}
