// Where the console keeps the GitLab access token of each GitLab instance: the OS keychain
// (qtkeychain: Secret Service, KWallet, macOS Keychain, Windows Credential Manager) where there is
// one, else the 0600 token file that `gatehouse gitlab push|pull` also read (GitLabTokenFile).
#pragma once

#include "gitlab/GitLabKeychain.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <functional>

namespace QKeychain {
class Job;
}

// Follows one repository URL (setRepository); the token is per GitLab instance (scheme://host[:port]),
// under service "gatehouse", key "gitlab:<instance>" in the keychain and the instance in the file.
// QML sees only whether a token is stored and where, never the token: store() takes it once, and
// only C++ (GitLabSync, for a git or REST call) reads it back, through read().
//
// Every operation asks the keychain first. When the keychain job fails because there is none
// (NoBackendAvailable, or OtherError: a headless machine without a Secret Service on D-Bus), the
// token goes to the file instead and `note` says so; any other refusal (access denied by the user)
// is an error, not a reason to write the token to disk. qtkeychain's own "insecure fallback" (a
// plain QSettings file) is never used. Nothing here logs or returns a token in a message.
class GitLabTokenStore : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("GitLabSync owns the token store.")
    // "https://gitlab.example.com": the GitLab the token is for; empty while the URL is not one.
    Q_PROPERTY(QString instance READ instance NOTIFY stateChanged)
    // A keychain or file operation is on its way (or a check is due): `stored` is not known yet.
    Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)
    Q_PROPERTY(bool stored READ stored NOTIFY stateChanged)
    // "keychain", "file", or "" when nothing is stored.
    Q_PROPERTY(QString location READ location NOTIFY stateChanged)
    // Where the token is, in a sentence for the page.
    Q_PROPERTY(QString note READ note NOTIFY stateChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY stateChanged)

public:
    // The keychain entry's service and key: the ones `gatehouse gitlab push|pull` read (GitLabKeychain.h).
    static constexpr const char* kService = gatehouse::kGitLabKeychainService;

    // Called once with the token, or with an empty token and either an empty error (none is
    // stored) or the reason it could not be read.
    using TokenCallback = std::function<void(const QString& token, const QString& error)>;

    explicit GitLabTokenStore(QObject* parent = nullptr);

    // The repository the page works on; a change of instance checks (soon, not on every keystroke)
    // whether a token is stored for it.
    void setRepository(const QString& repositoryUrl);
    QString repository() const { return m_repository; }

    // "https://host[:port]" of an http(s) URL with a host; empty for anything else.
    static QString instanceOf(const QString& repositoryUrl);
    // "gitlab:https://gitlab.example.com"
    static QString keychainKey(const QString& instance);

    Q_INVOKABLE void store(const QString& token);
    Q_INVOKABLE void forget();
    // Asks again whether a token is stored (after the file was edited by hand, for instance).
    Q_INVOKABLE void check();
    // For C++ only: the stored token of the current instance.
    void read(TokenCallback done);

    QString instance() const { return m_instance; }
    bool busy() const { return m_busy > 0 || m_checkDue.isActive(); }
    bool stored() const { return !m_location.isEmpty(); }
    QString location() const { return m_location; }
    QString note() const;
    QString errorText() const { return m_errorText; }

signals:
    void stateChanged();

private:
    // Why the keychain job failed means "there is no keychain here" (use the file), rather than a
    // refusal to respect.
    static bool keychainMissing(const QKeychain::Job* job);
    static QString fileForPeople();
    // The token in the file for `repository`; empty when none. Throws std::runtime_error.
    static QString fileToken(const QString& repository);
    void readFromFile(const QString& repository, const TokenCallback& done);
    void setState(const QString& location, const QString& error);
    void begin();
    void end();

    QString m_repository;
    QString m_instance;
    QString m_location;
    QString m_errorText;
    bool m_keychainMissing = false;
    int m_busy = 0;
    // Bumped by every change of instance and every store/forget: an older check's answer is stale.
    int m_serial = 0;
    QTimer m_checkDue;
};
