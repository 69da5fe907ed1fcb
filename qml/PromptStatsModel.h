// How each version of a prompt did over a range: the admin API's prompt stats, one row per version.
#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <vector>

// QML hands it the answer of GET /admin/v1/prompts/{name}/stats (setAnswer) and draws one bar row
// per version, oldest first. The API answers a row per version (label null: all its calls) and one
// per label and version; a version's own row gives its numbers, its labels' rows the labels its
// calls came through ("by number" when some named the version). An answer without a version's own
// row is summed from its labels' rows: requests, errors, tokens and cost add up, the error rate is
// errors over requests, the mean latency and feedback are weighted by requests and by entries, and
// the p95 is the highest of the labels' (`p95OfSeveral`: a p95 of several groups cannot be told
// from theirs). `versions` adds rows for versions without calls, so every version is compared.
class PromptStatsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY answerChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY answerChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY answerChanged)
    // Version numbers shown even without calls.
    Q_PROPERTY(QVariantList versions READ versions WRITE setVersions NOTIFY versionsChanged)
    // Requests of every version together.
    Q_PROPERTY(double requests READ requests NOTIFY answerChanged)

public:
    enum Role {
        VersionRole = Qt::UserRole + 1,
        LabelsRole,           // the labels its calls came through, "production, staging, by number"
        RequestsRole,
        ErrorsRole,
        ErrorRateRole,        // errors / requests; NaN without requests
        LatencyMeanRole,      // ms; NaN without requests
        LatencyP95Role,       // ms; NaN without requests
        P95OfSeveralRole,     // the p95 is the highest of several labels'
        CostUsdRole,
        CostPerCallRole,      // USD per request; NaN without requests
        PromptTokensRole,
        CompletionTokensRole,
        FeedbackCountRole,
        FeedbackMeanRole,     // NaN without feedback
    };
    Q_ENUM(Role)

    explicit PromptStatsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Shows a stats answer ({data: [...]}); one that is not empties the model and says why.
    Q_INVOKABLE void setAnswer(const QJsonObject& answer);
    Q_INVOKABLE void clear();
    Q_INVOKABLE QVariantMap get(int row) const;
    // The largest absolute value of a role ("requests", "errorRate", "latencyP95", "costPerCall",
    // "feedbackMean") over the rows, NaN ignored; 0 when there is none: a bar's full length.
    Q_INVOKABLE double maxOf(const QString& roleName) const;

    int count() const { return static_cast<int>(m_rows.size()); }
    bool loaded() const { return m_loaded; }
    QString errorText() const { return m_errorText; }
    QVariantList versions() const { return m_versions; }
    void setVersions(const QVariantList& versions);
    double requests() const;

signals:
    void answerChanged();
    void versionsChanged();

private:
    struct Row {
        int version = 0;
        QStringList labels;
        double requests = 0;
        double errors = 0;
        double latencyWeighted = 0; // mean × requests, summed
        double latencyP95 = -1;     // < 0: none
        int p95Groups = 0;
        double costUsd = 0;
        double promptTokens = 0;
        double completionTokens = 0;
        double feedbackCount = 0;
        double feedbackWeighted = 0; // mean × count, summed
    };
    void rebuild();

    QJsonObject m_answer;
    QVariantList m_versions;
    std::vector<Row> m_rows;
    bool m_loaded = false;
    QString m_errorText;
};
