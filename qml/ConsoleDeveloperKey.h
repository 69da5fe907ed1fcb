// The console's own API key: kept in a file next to the database so the console can show it on every run.
#pragma once

#include <QString>

namespace gatehouse {
class GatewayServer;
}

// The store keeps only hashes of keys, so a key shown once by `gatehouse key create` cannot be shown
// again. The console needs one it can show and copy at any time (and use for "Send test request"),
// so it keeps its own plaintext key in <data directory>/console-developer.key, readable by the user
// only (0600, in a 0700 directory). The file is reused while the store still accepts its key;
// otherwise (first run, key revoked, database replaced) a new key is created and the file rewritten.
class ConsoleDeveloperKey {
public:
    static constexpr auto kFileName = "console-developer.key";
    static constexpr auto kKeyName = "console-developer";

    // Call before server.start(). Throws std::runtime_error (or StoreError) naming the file or store problem.
    static QString loadOrCreate(gatehouse::GatewayServer& server, const QString& dataDirectory);

    static QString filePath(const QString& dataDirectory);
};
