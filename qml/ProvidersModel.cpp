// The providers of the running gateway's configuration, each with its last "Test connection" result.
#include "ProvidersModel.h"

#include "GatewayServer.h"
#include "gateway/ProviderProbe.h"

#include <QMetaObject>

#include <exception>
#include <mutex>

struct ProvidersModel::Inbox {
    std::mutex mutex;
    ProvidersModel* model = nullptr; // null once the model is gone
};

namespace {

QString qs(const std::string& text)
{
    return QString::fromStdString(text);
}

// A provider's key is never shown; should an upstream echo it in an error, it is cut out here too.
QString withoutSecret(QString message, const std::string& secret)
{
    if (!secret.empty())
        message.replace(qs(secret), QStringLiteral("[credential]"));
    return message;
}

} // namespace

ProvidersModel::ProvidersModel(QObject* parent)
    : QAbstractListModel(parent)
    , m_inbox(std::make_shared<Inbox>())
{
    m_inbox->model = this;
}

ProvidersModel::~ProvidersModel()
{
    // A test finishing on a worker thread right now posts while holding the lock, so after this
    // no worker can post to the model; events already posted are discarded with it.
    const std::lock_guard lock(m_inbox->mutex);
    m_inbox->model = nullptr;
}

void ProvidersModel::setServer(gatehouse::GatewayServer* server)
{
    const int before = count();
    // The same gateway shown again after an admin change: a provider that is still there keeps its
    // last test result, and a test still running will report to it.
    std::vector<Row> previous;
    if (server == m_server)
        previous = std::move(m_rows);
    beginResetModel();
    if (server != m_server)
        ++m_generation;
    m_server = server;
    m_rows.clear();
    if (server) {
        const auto serving = server->servingConfig();
        const auto& config = *serving;
        for (const auto& provider : config.providers) {
            Row row;
            row.name = qs(provider.name);
            row.kind = QString::fromLatin1(gatehouse::providerKindInfo(provider.kind).name);
            row.baseUrl = provider.kind == gatehouse::ProviderKind::Mock ? QStringLiteral("in-process") : qs(provider.baseUrl.toString());
            row.credential = !provider.apiKeyReference.empty() ? qs(provider.apiKeyReference)
                : provider.apiKey.empty()                       ? QStringLiteral("none")
                                                                : QStringLiteral("set (not shown)");
            QStringList models;
            for (const auto& model : config.models) {
                for (const auto& deployment : model.deployments) {
                    if (deployment.provider != provider.name)
                        continue;
                    models.append(deployment.upstreamModel == model.name ? qs(model.name)
                                                                         : qs(model.name) + QStringLiteral(" → ") + qs(deployment.upstreamModel));
                }
            }
            row.models = models.join(QStringLiteral(", "));
            row.modelCount = static_cast<int>(models.size());
            row.editable = provider.definedIn == gatehouse::DefinedIn::Store;
            row.problem = qs(provider.unavailable);
            for (const auto& earlier : previous) {
                if (earlier.name == row.name) {
                    row.state = earlier.state;
                    row.httpStatus = earlier.httpStatus;
                    row.latencyMs = earlier.latencyMs;
                    row.message = earlier.message;
                    row.testedModel = earlier.testedModel;
                }
            }
            m_rows.push_back(std::move(row));
        }
    }
    endResetModel();
    if (count() != before)
        emit countChanged();
}

void ProvidersModel::testConnection(const QString& provider)
{
    const int row = rowOf(provider);
    if (row < 0 || m_rows[row].state == Testing)
        return;
    if (!m_server) {
        setResult(row, Failed, 0, -1, tr("The gateway is not running."), {});
        emit testFinished(provider, false);
        return;
    }
    setResult(row, Testing, 0, -1, {}, {});
    const quint64 generation = m_generation;
    try {
        // `done` runs on a gateway worker thread: only a queued call to the GUI thread happens there.
        m_server->testProvider(provider.toStdString(), [inbox = m_inbox, generation, provider](gatehouse::ProviderTestResult result) {
            const std::lock_guard lock(inbox->mutex);
            if (!inbox->model)
                return;
            ProvidersModel* model = inbox->model;
            QMetaObject::invokeMethod(
                model, [model, generation, provider, result = std::move(result)] { model->finishTest(generation, provider, result); },
                Qt::QueuedConnection);
        });
    } catch (const std::exception& error) {
        // An unknown provider, one no model is deployed on, or a gateway that is not running.
        setResult(row, Failed, 0, -1, qs(error.what()), {});
        emit testFinished(provider, false);
    }
}

void ProvidersModel::finishTest(quint64 generation, const QString& provider, const gatehouse::ProviderTestResult& result)
{
    const int row = rowOf(provider);
    if (generation != m_generation || row < 0 || !m_server)
        return; // the gateway was restarted meanwhile: this row is a new provider
    const auto* config = m_server->config().findProvider(provider.toStdString());
    const QString message = withoutSecret(qs(result.message), config ? config->apiKey : std::string());
    setResult(row, result.ok ? Succeeded : Failed, result.status, result.latency.count(), message, qs(result.model));
    emit testFinished(provider, result.ok);
}

void ProvidersModel::setResult(int row, TestState state, int httpStatus, qint64 latencyMs, const QString& message, const QString& testedModel)
{
    Row& entry = m_rows[row];
    entry.state = state;
    entry.httpStatus = httpStatus;
    entry.latencyMs = latencyMs;
    entry.message = message;
    entry.testedModel = testedModel;
    const QModelIndex changed = index(row);
    emit dataChanged(changed, changed, {TestStateRole, HttpStatusRole, LatencyMsRole, MessageRole, TestedModelRole});
}

int ProvidersModel::rowOf(const QString& provider) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].name == provider)
            return static_cast<int>(i);
    }
    return -1;
}

int ProvidersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant ProvidersModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return row.name;
    case KindRole: return row.kind;
    case BaseUrlRole: return row.baseUrl;
    case CredentialRole: return row.credential;
    case ModelsRole: return row.models;
    case ModelCountRole: return row.modelCount;
    case TestStateRole: return static_cast<int>(row.state);
    case HttpStatusRole: return row.httpStatus;
    case LatencyMsRole: return static_cast<int>(row.latencyMs);
    case MessageRole: return row.message;
    case TestedModelRole: return row.testedModel;
    case EditableRole: return row.editable;
    case ProblemRole: return row.problem;
    default: return {};
    }
}

QHash<int, QByteArray> ProvidersModel::roleNames() const
{
    return {
        {NameRole, "name"},
        {KindRole, "kind"},
        {BaseUrlRole, "baseUrl"},
        {CredentialRole, "credential"},
        {ModelsRole, "models"},
        {ModelCountRole, "modelCount"},
        {TestStateRole, "testState"},
        {HttpStatusRole, "httpStatus"},
        {LatencyMsRole, "latencyMs"},
        {MessageRole, "message"},
        {TestedModelRole, "testedModel"},
        {EditableRole, "editable"},
        {ProblemRole, "problem"},
    };
}
