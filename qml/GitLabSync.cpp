#include "GitLabSync.h"

#include "gitlab/ConfigRepository.h"

#include <QDateTime>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

using gatehouse::ConfigPush;

namespace {

// A preview's outcome, made on the worker: the prepared push (its clone) and what it would change.
struct PrepareOutcome {
    std::shared_ptr<ConfigPush> push;
    QVariantList files;
    QString diff;
    QString error;
};

struct PushOutcome {
    gatehouse::ConfigPushResult result;
    QString error;
};

struct FetchOutcome {
    std::map<std::string, std::string> files;
    QString error;
};

// Runs `work` on Qt's thread pool and `done` with its result on `context`'s thread, unless
// `context` is gone by then (the work itself runs to its end: git cannot be stopped half-way
// without leaving a half-written clone, which the workspace removes when it ends anyway).
template <typename Result, typename Work, typename Done>
void runOnWorker(QObject* context, Work work, Done done)
{
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

// The messages of the GitLab side are written for people (GitError, GitLabError), and hold no token.
template <typename Outcome, typename Work>
Outcome catching(Work work)
{
    try {
        return work();
    } catch (const std::exception& error) {
        Outcome outcome;
        outcome.error = QString::fromStdString(error.what());
        return outcome;
    }
}

QString shortSha(const QString& sha)
{
    return sha.left(8);
}

} // namespace

GitLabSync::GitLabSync(QObject* parent)
    : GitLabSync(QString(), parent)
{
}

GitLabSync::GitLabSync(const QString& historyPath, QObject* parent)
    : QObject(parent)
    , m_token(new GitLabTokenStore(this))
    , m_history(new ExportHistoryModel(historyPath.isEmpty() ? ExportHistoryModel::defaultPath() : historyPath, this))
    , m_diff(new UnifiedDiffModel(this))
    , m_plan(new ConfigPlanModel(this))
{
    connect(m_plan, &ConfigPlanModel::planChanged, this, &GitLabSync::planStateChanged);
}

GitLabSync::~GitLabSync() = default;

QString GitLabSync::location() const
{
    return m_client ? m_client->location() : QString();
}

void GitLabSync::setClient(AdminClient* client)
{
    if (client == m_client)
        return;
    if (m_client)
        disconnect(m_client, nullptr, this, nullptr);
    m_client = client;
    if (m_client) {
        // A client that goes away never answers: the job waiting for it must not wait forever.
        connect(m_client, &QObject::destroyed, this, [this] { setClient(nullptr); });
    }
    // A plan is of one gateway and an export from one: neither carries over to another. A push on
    // its way is not stopped (it cannot be, half-way): it ends and is recorded.
    if (m_job != Job::Push) {
        if (m_job != Job::None) {
            const Job job = m_job;
            ++m_serial;
            finish(job, false, tr("The gateway changed"), tr("The console now manages another gateway: start again."));
        }
        discardPreview();
        dropPlan();
    }
    emit clientChanged();
}

void GitLabSync::setRepository(const QString& repository)
{
    const QString trimmed = repository.trimmed();
    if (trimmed == m_repository)
        return;
    // What was previewed or planned, or is being, is of the other repository (a push on its way
    // ends and is recorded: it cannot be stopped half-way).
    if (m_job != Job::Push) {
        if (m_job != Job::None) {
            const Job job = m_job;
            ++m_serial;
            finish(job, false, tr("The repository changed"), tr("The repository URL changed while this ran: start again."));
        }
        discardPreview();
        dropPlan();
    }
    m_repository = trimmed;
    m_token->setRepository(trimmed);
    emit repositoryChanged();
}

void GitLabSync::start(Job job, const QString& activity)
{
    m_job = job;
    setActivity(activity);
}

void GitLabSync::setActivity(const QString& activity)
{
    m_activity = activity;
    emit busyChanged();
    // canPush and canApply depend on it.
    emit previewChanged();
    emit planStateChanged();
}

void GitLabSync::finish(Job job, bool ok, const QString& errorTitle, const QString& errorText)
{
    m_job = Job::None;
    if (!ok)
        fail(errorTitle, errorText);
    setActivity({});
    switch (job) {
    case Job::Preview: emit previewFinished(ok); break;
    case Job::Push: emit pushFinished(ok); break;
    case Job::Plan: emit planFinished(ok); break;
    case Job::Apply: emit applyFinished(ok); break;
    case Job::None: break;
    }
}

void GitLabSync::fail(const QString& title, const QString& message)
{
    m_errorTitle = title;
    m_errorText = message;
    emit errorChanged();
}

void GitLabSync::clearError()
{
    if (m_errorTitle.isEmpty() && m_errorText.isEmpty())
        return;
    m_errorTitle.clear();
    m_errorText.clear();
    emit errorChanged();
}

void GitLabSync::dismissError()
{
    clearError();
}

bool GitLabSync::planReady() const
{
    return m_plan->loaded() && !m_importFiles.empty();
}

bool GitLabSync::canApply() const
{
    return planReady() && !busy() && !m_plan->applied() && m_plan->count() > 0 && m_plan->problems().isEmpty();
}

void GitLabSync::sendAdmin(int serial, const QString& method, const QString& target, const QJsonObject& body,
    std::function<void(const AdminReply&)> done)
{
    QPointer<GitLabSync> self(this);
    m_client->send(method, target, body, [self, serial, done](const AdminReply& reply) {
        if (!self || serial != self->m_serial)
            return;
        done(reply);
    });
}

void GitLabSync::withToken(int serial, std::function<void(const QString& token)> next, std::function<void(const QString& error)> failed)
{
    m_token->read([this, serial, next, failed](const QString& token, const QString& error) {
        if (serial != m_serial)
            return;
        if (!error.isEmpty())
            failed(error);
        else if (token.isEmpty())
            failed(tr("No GitLab token is stored for %1: paste one under Repository (a personal, project or group access token "
                      "with the api and write_repository scopes).")
                       .arg(m_token->instance()));
        else
            next(token);
    });
}

// Checks what every job needs; false (and the banner) when something is missing.
bool GitLabSync::ready(Job job, const QString& title)
{
    if (busy())
        return false;
    clearError();
    QString problem;
    if (!m_client)
        problem = tr("There is no admin API to work with: start the gateway on the Overview page.");
    else if (m_token->instance().isEmpty())
        problem = m_repository.isEmpty() ? tr("Type the repository's URL first (https://gitlab.example.com/group/project.git).")
                                         : tr("'%1' is not a repository URL (https://gitlab.example.com/group/project.git).").arg(m_repository);
    if (problem.isEmpty())
        return true;
    m_job = job;
    finish(job, false, title, problem);
    return false;
}

void GitLabSync::preview(const QVariantMap& options)
{
    const QString title = tr("The preview failed");
    if (busy())
        return;
    discardPreview();
    if (!m_lastPush.isEmpty()) {
        m_lastPush.clear();
        emit lastPushChanged();
    }
    if (!ready(Job::Preview, title))
        return;
    const QString branch = options.value(QStringLiteral("branch")).toString().trimmed();
    const bool includeKeys = options.value(QStringLiteral("includeKeys"), true).toBool();
    const bool mergeRequest = options.value(QStringLiteral("mergeRequest")).toBool();
    QString target = options.value(QStringLiteral("target")).toString().trimmed();
    QString mergeTitle = options.value(QStringLiteral("title")).toString().trimmed();
    if (target.isEmpty())
        target = QStringLiteral("main");
    if (mergeTitle.isEmpty())
        mergeTitle = QStringLiteral("Gatehouse configuration");
    if (branch.isEmpty()) {
        m_job = Job::Preview;
        finish(Job::Preview, false, title, tr("Name the branch to push to."));
        return;
    }

    const int serial = ++m_serial;
    m_previewOptions = {{QStringLiteral("repository"), m_repository}, {QStringLiteral("branch"), branch},
        {QStringLiteral("includeKeys"), includeKeys}, {QStringLiteral("mergeRequest"), mergeRequest}, {QStringLiteral("target"), target},
        {QStringLiteral("title"), mergeTitle}};
    start(Job::Preview, tr("Exporting the configuration of %1…").arg(location()));
    const QString target_ = QStringLiteral("/admin/v1/config/export?keys=") + (includeKeys ? QStringLiteral("include") : QStringLiteral("omit"));
    sendAdmin(serial, QStringLiteral("GET"), target_, {}, [this, serial, title](const AdminReply& reply) {
        const QJsonValue files = reply.body.toObject().value(QStringLiteral("files"));
        if (!reply.ok() || !files.isObject()) {
            finish(Job::Preview, false, title,
                reply.ok() ? tr("The admin API's export has no files.") : tr("The admin API did not export the configuration: %1").arg(reply.errorMessage));
            return;
        }
        Files exported;
        const QJsonObject object = files.toObject();
        for (auto file = object.begin(); file != object.end(); ++file)
            exported[file.key().toStdString()] = file.value().toString().toStdString();
        setActivity(tr("Reading the GitLab token…"));
        withToken(
            serial, [this, serial, exported](const QString& token) { startPrepare(serial, token, exported); },
            [this, title](const QString& error) { finish(Job::Preview, false, title, error); });
    });
}

void GitLabSync::startPrepare(int serial, const QString& token, Files files)
{
    gatehouse::ConfigPushTarget target;
    target.remote = {m_repository.toStdString(), token.toStdString()};
    target.branch = m_previewOptions.value(QStringLiteral("branch")).toString().toStdString();
    target.mergeRequest = m_previewOptions.value(QStringLiteral("mergeRequest")).toBool();
    target.target = m_previewOptions.value(QStringLiteral("target")).toString().toStdString();
    target.title = m_previewOptions.value(QStringLiteral("title")).toString().toStdString();
    const QString user = qEnvironmentVariable("USER");
    if (!user.isEmpty())
        target.authorName = user.toStdString() + " (gatehouse console)";
    setActivity(tr("Cloning %1 of %2…").arg(m_previewOptions.value(QStringLiteral("branch")).toString(), m_repository));

    runOnWorker<PrepareOutcome>(
        this,
        [target, files = std::move(files)]() {
            return catching<PrepareOutcome>([&] {
                PrepareOutcome outcome;
                outcome.push = std::make_shared<ConfigPush>(target, files);
                outcome.push->prepare();
                for (const auto& change : outcome.push->changes())
                    outcome.files.append(QVariantMap{{QStringLiteral("path"), QString::fromStdString(change.path)},
                        {QStringLiteral("status"), QString(QLatin1Char(change.status))}});
                outcome.diff = QString::fromStdString(outcome.push->diff());
                return outcome;
            });
        },
        [this, serial](const PrepareOutcome& outcome) {
            if (serial != m_serial)
                return;
            if (!outcome.error.isEmpty()) {
                finish(Job::Preview, false, tr("The preview failed"), outcome.error);
                return;
            }
            m_pending = outcome.push;
            m_changedFiles = outcome.files;
            m_diff->setText(outcome.diff);
            m_previewReady = true;
            emit previewChanged();
            finish(Job::Preview, true);
        });
}

void GitLabSync::discardPreview()
{
    if (m_job == Job::Push)
        return; // the push runs on the preview's clone
    if (m_job == Job::Preview) {
        ++m_serial;
        finish(Job::Preview, false, {}, {});
        clearError();
    }
    const bool had = m_previewReady || m_pending;
    m_pending.reset();
    m_previewReady = false;
    m_changedFiles.clear();
    if (m_diff->count() > 0)
        m_diff->clear();
    if (had)
        emit previewChanged();
}

void GitLabSync::push()
{
    if (!canPush())
        return;
    clearError();
    ++m_serial; // answers to anything before are stale
    const QString repository = m_previewOptions.value(QStringLiteral("repository")).toString();
    const QString branch = m_previewOptions.value(QStringLiteral("branch")).toString();
    const bool mergeRequest = m_previewOptions.value(QStringLiteral("mergeRequest")).toBool();
    start(Job::Push, mergeRequest ? tr("Pushing to %1 and opening the merge request…").arg(branch) : tr("Pushing to %1…").arg(branch));
    std::shared_ptr<ConfigPush> pending = m_pending;
    runOnWorker<PushOutcome>(
        this, [pending]() { return catching<PushOutcome>([&] { return PushOutcome{pending->push(), {}}; }); },
        // No serial check: a push that happened is shown and recorded, whatever changed meanwhile.
        [this, repository, branch](const PushOutcome& outcome) {
            // Pushed or not, this clone is used up: a new push needs a new preview (the branch may have moved).
            m_pending.reset();
            emit previewChanged();
            if (!outcome.error.isEmpty()) {
                finish(Job::Push, false, tr("The push failed"), outcome.error);
                return;
            }
            const auto& result = outcome.result;
            const QString sha = QString::fromStdString(result.sha);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            m_lastPush = {{QStringLiteral("timeMs"), now}, {QStringLiteral("repository"), repository}, {QStringLiteral("branch"), branch},
                {QStringLiteral("sha"), sha}, {QStringLiteral("shortSha"), shortSha(sha)},
                {QStringLiteral("filesChanged"), static_cast<int>(result.changes.size())}, {QStringLiteral("mergeRequestUrl"), QString()},
                {QStringLiteral("mergeRequestIid"), 0}, {QStringLiteral("mergeRequestReused"), false}};
            if (result.mergeRequest) {
                m_lastPush.insert(QStringLiteral("mergeRequestUrl"), QString::fromStdString(result.mergeRequest->webUrl));
                m_lastPush.insert(QStringLiteral("mergeRequestIid"), static_cast<qint64>(result.mergeRequest->iid));
                m_lastPush.insert(QStringLiteral("mergeRequestReused"), result.mergeRequest->reused);
            }
            emit lastPushChanged();
            // A push that committed nothing and opened no merge request did nothing worth a line.
            if (!result.changes.empty() || result.mergeRequest) {
                m_history->append({now, repository, branch, sha, static_cast<int>(result.changes.size()),
                    m_lastPush.value(QStringLiteral("mergeRequestUrl")).toString()});
            }
            finish(Job::Push, true);
        });
}

void GitLabSync::planImport(const QString& ref, bool prune, bool importKeys)
{
    const QString title = tr("The import could not be planned");
    if (busy())
        return;
    dropPlan();
    if (!ready(Job::Plan, title))
        return;
    const QString trimmed = ref.trimmed();
    if (trimmed.isEmpty()) {
        m_job = Job::Plan;
        finish(Job::Plan, false, title, tr("Name the branch, tag or commit to import."));
        return;
    }
    const int serial = ++m_serial;
    m_planRef = trimmed;
    m_planPrune = prune;
    m_planImportKeys = importKeys;
    start(Job::Plan, tr("Reading the GitLab token…"));
    withToken(
        serial, [this, serial](const QString& token) { startFetch(serial, token); },
        [this, title](const QString& error) { finish(Job::Plan, false, title, error); });
}

void GitLabSync::startFetch(int serial, const QString& token)
{
    const gatehouse::GitRemote remote{m_repository.toStdString(), token.toStdString()};
    const std::string ref = m_planRef.toStdString();
    setActivity(tr("Fetching %1 of %2…").arg(m_planRef, m_repository));
    runOnWorker<FetchOutcome>(
        this, [remote, ref]() { return catching<FetchOutcome>([&] { return FetchOutcome{gatehouse::fetchConfigFiles(remote, ref), {}}; }); },
        [this, serial](const FetchOutcome& outcome) {
            if (serial != m_serial)
                return;
            if (!outcome.error.isEmpty()) {
                finish(Job::Plan, false, tr("The import could not be planned"), outcome.error);
                return;
            }
            if (!m_client) {
                finish(Job::Plan, false, tr("The import could not be planned"), tr("There is no admin API to plan against."));
                return;
            }
            m_importFiles = outcome.files;
            setActivity(tr("Planning against %1…").arg(location()));
            sendAdmin(serial, QStringLiteral("POST"), QStringLiteral("/admin/v1/config/plan"), importBody(), [this](const AdminReply& reply) {
                const QJsonObject body = reply.body.toObject();
                if (!body.contains(QStringLiteral("changes"))) {
                    m_importFiles.clear();
                    finish(Job::Plan, false, tr("The import could not be planned"),
                        reply.ok() ? tr("The admin API's answer is not a plan.") : reply.errorMessage);
                    return;
                }
                if (!m_plan->setPlan(body)) {
                    m_importFiles.clear();
                    finish(Job::Plan, false, tr("The import could not be planned"), m_plan->invalidAnswer());
                    return;
                }
                m_planBase = body.value(QStringLiteral("base")).toString();
                emit planStateChanged();
                finish(Job::Plan, true);
            });
        });
}

QJsonObject GitLabSync::importBody() const
{
    QJsonObject files;
    for (const auto& [path, text] : m_importFiles)
        files.insert(QString::fromStdString(path), QString::fromStdString(text));
    return {{QStringLiteral("files"), files}, {QStringLiteral("prune"), m_planPrune}, {QStringLiteral("import_keys"), m_planImportKeys},
        {QStringLiteral("reason"), QStringLiteral("console: GitLab import of %1 from %2").arg(m_planRef, m_repository)}};
}

void GitLabSync::applyImport()
{
    if (!canApply() || !m_client)
        return;
    clearError();
    const int serial = ++m_serial;
    const QString title = tr("Nothing was applied");
    const int changes = m_plan->count();
    start(Job::Apply, tr("Applying %1 to %2…").arg(m_planRef, location()));
    // Exactly the plan shown: refused (409) when the gateway changed since it was made.
    auto body = importBody();
    body.insert(QStringLiteral("expected_base"), m_planBase);
    sendAdmin(serial, QStringLiteral("POST"), QStringLiteral("/admin/v1/config/apply"), body, [this, title, changes](const AdminReply& reply) {
        const QJsonObject body = reply.body.toObject();
        // A refused apply answers the plan with its problems: shown in place of the old plan.
        if (body.contains(QStringLiteral("changes")))
            m_plan->setPlan(body);
        if (!reply.ok() || !body.value(QStringLiteral("applied")).toBool()) {
            finish(Job::Apply, false, title, reply.errorMessage.isEmpty() ? tr("The admin API did not apply the plan.") : reply.errorMessage);
            return;
        }
        const QVariantMap summary = m_plan->summary();
        m_importOutcome = tr("Applied %1 from %2 to %3: %4 created, %5 updated, %6 deleted.")
                              .arg(changes == 1 ? tr("1 change") : tr("%1 changes").arg(changes), m_planRef, location())
                              .arg(summary.value(QStringLiteral("create")).toInt())
                              .arg(summary.value(QStringLiteral("update")).toInt())
                              .arg(summary.value(QStringLiteral("delete")).toInt());
        emit planStateChanged();
        finish(Job::Apply, true);
    });
}

void GitLabSync::discardPlan()
{
    if (m_job == Job::Plan) {
        ++m_serial;
        finish(Job::Plan, false, {}, {});
        clearError();
    }
    if (m_job == Job::None)
        dropPlan();
}

void GitLabSync::dropPlan()
{
    m_importFiles.clear();
    m_importOutcome.clear();
    m_plan->clear();
    emit planStateChanged();
}
