#include "GitLabTokenStore.h"

#include "gitlab/GitLabTokenFile.h"

#include <QDir>
#include <QUrl>
#include <qt6keychain/keychain.h>

#include <stdexcept>

namespace {

// Typing a URL changes the instance with every key of the host name: wait until the typing pauses,
// so a keychain that asks to be unlocked asks once.
constexpr int kCheckDelayMs = 300;

} // namespace

GitLabTokenStore::GitLabTokenStore(QObject* parent)
    : QObject(parent)
{
    m_checkDue.setSingleShot(true);
    m_checkDue.setInterval(kCheckDelayMs);
    connect(&m_checkDue, &QTimer::timeout, this, &GitLabTokenStore::check);
}

QString GitLabTokenStore::instanceOf(const QString& repositoryUrl)
{
    const QUrl url(repositoryUrl.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) || url.host().isEmpty()
        || !url.userInfo().isEmpty())
        return {};
    // The same key the token file and the CLI use (gitLabInstanceOf), so both find the same token.
    try {
        return QString::fromStdString(gatehouse::gitLabInstanceOf(repositoryUrl.trimmed().toStdString()));
    } catch (const std::exception&) {
        return {};
    }
}

QString GitLabTokenStore::keychainKey(const QString& instance)
{
    return QString::fromStdString(gatehouse::gitLabKeychainKey(instance.toStdString()));
}

QString GitLabTokenStore::fileForPeople()
{
    QString path = QString::fromStdString(gatehouse::gitLabTokenFilePath());
    const QString home = QDir::homePath();
    if (!home.isEmpty() && home != QLatin1String("/") && path.startsWith(home + QLatin1Char('/')))
        path = QStringLiteral("~") + path.mid(home.size());
    return path;
}

QString GitLabTokenStore::note() const
{
    if (m_location == QLatin1String("keychain"))
        return tr("Stored in the system keychain (service %1, %2).").arg(QLatin1String(kService), keychainKey(m_instance));
    if (m_location == QLatin1String("file"))
        return m_keychainMissing ? tr("Stored in %1 (readable only by you): no keychain here.").arg(fileForPeople())
                                 : tr("Stored in %1 (readable only by you).").arg(fileForPeople());
    return {};
}

bool GitLabTokenStore::keychainMissing(const QKeychain::Job* job)
{
    return job->error() == QKeychain::NoBackendAvailable || job->error() == QKeychain::OtherError
        || job->error() == QKeychain::NotImplemented;
}

QString GitLabTokenStore::fileToken(const QString& repository)
{
    const auto token = gatehouse::readGitLabToken(repository.trimmed().toStdString());
    return token ? QString::fromStdString(*token) : QString();
}

void GitLabTokenStore::begin()
{
    ++m_busy;
    emit stateChanged();
}

void GitLabTokenStore::end()
{
    --m_busy;
    emit stateChanged();
}

void GitLabTokenStore::setState(const QString& location, const QString& error)
{
    m_location = location;
    m_errorText = error;
    emit stateChanged();
}

void GitLabTokenStore::setRepository(const QString& repositoryUrl)
{
    m_repository = repositoryUrl.trimmed();
    const QString instance = instanceOf(m_repository);
    if (instance == m_instance)
        return;
    m_instance = instance;
    ++m_serial;
    m_location.clear();
    m_errorText.clear();
    if (m_instance.isEmpty())
        m_checkDue.stop();
    else
        m_checkDue.start();
    emit stateChanged();
}

void GitLabTokenStore::read(TokenCallback done)
{
    if (m_instance.isEmpty()) {
        done({}, tr("'%1' is not a repository URL (https://gitlab.example.com/group/project.git).").arg(m_repository));
        return;
    }
    const QString repository = m_repository;
    auto* job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setKey(keychainKey(m_instance));
    connect(job, &QKeychain::Job::finished, this, [this, job, repository, done] {
        if (job->error() == QKeychain::NoError) {
            done(job->textData(), {});
            return;
        }
        if (job->error() == QKeychain::EntryNotFound) {
            readFromFile(repository, done);
            return;
        }
        if (keychainMissing(job)) {
            m_keychainMissing = true;
            readFromFile(repository, done);
            return;
        }
        done({}, tr("The keychain did not give the GitLab token: %1").arg(job->errorString()));
    });
    job->start();
}

void GitLabTokenStore::readFromFile(const QString& repository, const TokenCallback& done)
{
    try {
        done(fileToken(repository), {});
    } catch (const std::exception& error) {
        done({}, QString::fromStdString(error.what()));
    }
}

void GitLabTokenStore::check()
{
    m_checkDue.stop();
    if (m_instance.isEmpty()) {
        emit stateChanged();
        return;
    }
    const int serial = m_serial;
    begin();
    // Read from the keychain first: a token there wins over one left in the file.
    auto* job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setKey(keychainKey(m_instance));
    const QString repository = m_repository;
    connect(job, &QKeychain::Job::finished, this, [this, job, repository, serial] {
        end();
        if (serial != m_serial)
            return;
        if (job->error() == QKeychain::NoError) {
            setState(QStringLiteral("keychain"), {});
            return;
        }
        if (job->error() != QKeychain::EntryNotFound && !keychainMissing(job)) {
            setState({}, tr("The keychain did not say whether a token is stored: %1").arg(job->errorString()));
            return;
        }
        if (keychainMissing(job))
            m_keychainMissing = true;
        try {
            setState(fileToken(repository).isEmpty() ? QString() : QStringLiteral("file"), {});
        } catch (const std::exception& error) {
            setState({}, QString::fromStdString(error.what()));
        }
    });
    job->start();
}

void GitLabTokenStore::store(const QString& token)
{
    const QString trimmed = token.trimmed();
    if (m_instance.isEmpty() || trimmed.isEmpty()) {
        setState(m_location, m_instance.isEmpty() ? tr("Type the repository's URL first: the token is kept for its GitLab.")
                                                  : tr("Paste the token first."));
        return;
    }
    const int serial = ++m_serial;
    m_checkDue.stop();
    begin();
    const QString repository = m_repository;
    auto* job = new QKeychain::WritePasswordJob(QLatin1String(kService), this);
    job->setKey(keychainKey(m_instance));
    job->setTextData(trimmed);
    connect(job, &QKeychain::Job::finished, this, [this, job, repository, trimmed, serial] {
        end();
        QString location;
        QString error;
        if (job->error() == QKeychain::NoError) {
            location = QStringLiteral("keychain");
            // A token left in the file from before the keychain was there would be an older copy on
            // disk, and the one `gatehouse gitlab` reads: it goes.
            try {
                if (!fileToken(repository).isEmpty())
                    gatehouse::storeGitLabToken(repository.toStdString(), {});
            } catch (const std::exception&) {
                // The keychain has the token; the file is the user's to fix (check() says why).
            }
        } else if (keychainMissing(job)) {
            m_keychainMissing = true;
            try {
                gatehouse::storeGitLabToken(repository.toStdString(), trimmed.toStdString());
                location = QStringLiteral("file");
            } catch (const std::exception& failure) {
                error = tr("The token could not be stored: %1").arg(QString::fromStdString(failure.what()));
            }
        } else {
            error = tr("The keychain did not store the token: %1").arg(job->errorString());
        }
        if (serial == m_serial)
            setState(location.isEmpty() ? m_location : location, error);
    });
    job->start();
}

void GitLabTokenStore::forget()
{
    if (m_instance.isEmpty())
        return;
    const int serial = ++m_serial;
    m_checkDue.stop();
    begin();
    const QString repository = m_repository;
    auto* job = new QKeychain::DeletePasswordJob(QLatin1String(kService), this);
    job->setKey(keychainKey(m_instance));
    connect(job, &QKeychain::Job::finished, this, [this, job, repository, serial] {
        end();
        QString error;
        if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound) {
            if (keychainMissing(job))
                m_keychainMissing = true;
            else
                error = tr("The keychain did not forget the token: %1").arg(job->errorString());
        }
        // From both places: a copy in the file would otherwise come back as "stored".
        try {
            if (!fileToken(repository).isEmpty())
                gatehouse::storeGitLabToken(repository.toStdString(), {});
        } catch (const std::exception& failure) {
            error = QString::fromStdString(failure.what());
        }
        if (serial == m_serial)
            setState(error.isEmpty() ? QString() : m_location, error);
    });
    job->start();
}
