// The GitLab page's controller: exports the gateway's configuration to a GitLab branch (a preview
// of the diff first, then the push and an optional merge request) and imports a branch, tag or
// commit from one (the plan first, then the apply), as `gatehouse gitlab push|pull` do.
#pragma once

#include "AdminClient.h"
#include "ConfigPlanModel.h"
#include "ExportHistoryModel.h"
#include "GitLabTokenStore.h"
#include "UnifiedDiffModel.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace gatehouse {
class ConfigPush;
}

// The admin API parts (export, plan, apply) go through `client`, on the GUI thread like every admin
// call of the console. The git and GitLab parts block for as long as a clone or a push takes, so
// they run on Qt's thread pool (QtConcurrent) and come back through a QFutureWatcher; the token is
// read from the store just before and handed to that one job only. One job at a time (`busy`);
// each job carries a serial, so discarding a preview or a plan while a job runs drops its answer.
//
// A preview keeps its prepared ConfigPush (the clone with the export staged): push() pushes exactly
// what the preview showed. After a push, or a failed one, it is gone: the next push needs a new
// preview, since the branch may have moved. A plan keeps the files it planned: apply() applies
// those, not what the ref points at by then, to the same client (a change of client drops the plan).
class GitLabSync : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(AdminClient* client READ client WRITE setClient NOTIFY clientChanged)
    // Where the admin calls go, for people ("this console's gateway", a URL).
    Q_PROPERTY(QString location READ location NOTIFY clientChanged)
    Q_PROPERTY(QString repository READ repository WRITE setRepository NOTIFY repositoryChanged)
    Q_PROPERTY(GitLabTokenStore* token READ token CONSTANT)
    Q_PROPERTY(ExportHistoryModel* history READ history CONSTANT)
    Q_PROPERTY(UnifiedDiffModel* diff READ diff CONSTANT)
    Q_PROPERTY(ConfigPlanModel* plan READ plan CONSTANT)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    // What the running job does now, in a few words ("Cloning config/console…").
    Q_PROPERTY(QString activity READ activity NOTIFY busyChanged)
    // The last failure, for the page's banner: what failed and why (the git or API message as is).
    Q_PROPERTY(QString errorTitle READ errorTitle NOTIFY errorChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)
    // Export: the preview is shown (changed files and diff) ...
    Q_PROPERTY(bool previewReady READ previewReady NOTIFY previewChanged)
    // ... and can still be pushed.
    Q_PROPERTY(bool canPush READ canPush NOTIFY previewChanged)
    // [{path, status}]: status "A", "M" or "D".
    Q_PROPERTY(QVariantList changedFiles READ changedFiles NOTIFY previewChanged)
    // The preview's branch and options, as it was made.
    Q_PROPERTY(QVariantMap previewOptions READ previewOptions NOTIFY previewChanged)
    // The last push: {repository, branch, sha, filesChanged, mergeRequestUrl, mergeRequestIid,
    // mergeRequestReused}; empty before one.
    Q_PROPERTY(QVariantMap lastPush READ lastPush NOTIFY lastPushChanged)
    // Import: a plan of `planRef` is shown (the plan model), and can be applied.
    Q_PROPERTY(bool planReady READ planReady NOTIFY planStateChanged)
    Q_PROPERTY(bool canApply READ canApply NOTIFY planStateChanged)
    Q_PROPERTY(QString planRef READ planRef NOTIFY planStateChanged)
    Q_PROPERTY(bool planPrune READ planPrune NOTIFY planStateChanged)
    // What the apply did, in a sentence; empty before one.
    Q_PROPERTY(QString importOutcome READ importOutcome NOTIFY planStateChanged)

public:
    // `historyPath`: the export history's file (tests); empty for ExportHistoryModel::defaultPath().
    explicit GitLabSync(QObject* parent = nullptr);
    GitLabSync(const QString& historyPath, QObject* parent);
    ~GitLabSync() override;

    AdminClient* client() const { return m_client; }
    void setClient(AdminClient* client);
    QString location() const;
    QString repository() const { return m_repository; }
    void setRepository(const QString& repository);
    GitLabTokenStore* token() const { return m_token; }
    ExportHistoryModel* history() const { return m_history; }
    UnifiedDiffModel* diff() const { return m_diff; }
    ConfigPlanModel* plan() const { return m_plan; }
    bool busy() const { return !m_activity.isEmpty(); }
    QString activity() const { return m_activity; }
    QString errorTitle() const { return m_errorTitle; }
    QString errorText() const { return m_errorText; }
    bool previewReady() const { return m_previewReady; }
    bool canPush() const { return m_pending != nullptr && !busy(); }
    QVariantList changedFiles() const { return m_changedFiles; }
    QVariantMap previewOptions() const { return m_previewOptions; }
    QVariantMap lastPush() const { return m_lastPush; }
    bool planReady() const;
    bool canApply() const;
    QString planRef() const { return m_planRef; }
    bool planPrune() const { return m_planPrune; }
    QString importOutcome() const { return m_importOutcome; }

    // `options`: {branch, includeKeys, mergeRequest, target, title}. Exports, clones the branch
    // and stages the export; the changed files and the diff show when it is done.
    Q_INVOKABLE void preview(const QVariantMap& options);
    // Commits and pushes the preview, opens the merge request if asked; lastPush and the history
    // show the result.
    Q_INVOKABLE void push();
    Q_INVOKABLE void discardPreview();
    // Fetches `ref` of the repository and plans it against the client's gateway.
    // `importKeys`: key files the gateway lacks are imported by their hash (a trusted gateway's export only).
    Q_INVOKABLE void planImport(const QString& ref, bool prune, bool importKeys = false);
    // Applies the files the plan was made of.
    Q_INVOKABLE void applyImport();
    Q_INVOKABLE void discardPlan();
    Q_INVOKABLE void dismissError();

signals:
    void clientChanged();
    void repositoryChanged();
    void busyChanged();
    void errorChanged();
    void previewChanged();
    void lastPushChanged();
    void planStateChanged();
    // A job ended: for tests and the screenshot (`ok` false: errorText says why).
    void previewFinished(bool ok);
    void pushFinished(bool ok);
    void planFinished(bool ok);
    void applyFinished(bool ok);

private:
    using Files = std::map<std::string, std::string>;
    enum class Job { None, Preview, Push, Plan, Apply };

    void start(Job job, const QString& activity);
    void setActivity(const QString& activity);
    // Ends the job: emits its *Finished signal, with the banner's title and text on failure.
    void finish(Job job, bool ok, const QString& errorTitle = {}, const QString& errorText = {});
    // What every job needs (no other job, a client, a repository URL); false (and finished with the
    // reason) otherwise.
    bool ready(Job job, const QString& title);
    void fail(const QString& title, const QString& message);
    void clearError();
    // Starts an admin request whose answer counts only while `serial` is the current job.
    void sendAdmin(int serial, const QString& method, const QString& target, const QJsonObject& body,
        std::function<void(const AdminReply&)> done);
    // The token of the repository's GitLab for `next`, or why there is none for `failed`.
    void withToken(int serial, std::function<void(const QString& token)> next, std::function<void(const QString& error)> failed);
    void startPrepare(int serial, const QString& token, Files files);
    void startFetch(int serial, const QString& token);
    QJsonObject importBody() const;
    void dropPlan();

    QPointer<AdminClient> m_client;
    QString m_repository;
    GitLabTokenStore* m_token;
    ExportHistoryModel* m_history;
    UnifiedDiffModel* m_diff;
    ConfigPlanModel* m_plan;

    Job m_job = Job::None;
    int m_serial = 0; // the current job's; bumped by every new job and every discard
    QString m_activity;
    QString m_errorTitle;
    QString m_errorText;

    std::shared_ptr<gatehouse::ConfigPush> m_pending;
    bool m_previewReady = false;
    QVariantList m_changedFiles;
    QVariantMap m_previewOptions;
    QVariantMap m_lastPush;

    Files m_importFiles;
    QString m_planRef;
    bool m_planPrune = false;
    bool m_planImportKeys = false;
    QString m_planBase; // the plan's base: the apply insists on it
    QString m_importOutcome;
};
