// The public models of the running gateway's configuration and where each sends its traffic.
#include "ModelDeploymentsModel.h"

#include "config/GatewayConfig.h"

#include <utility>

ModelDeploymentsModel::ModelDeploymentsModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

void ModelDeploymentsModel::setConfig(const gatehouse::GatewayConfig& config)
{
    std::vector<Row> rows;
    for (const auto& model : config.models) {
        int totalWeight = 0;
        for (const auto& deployment : model.deployments)
            totalWeight += deployment.weight;
        bool first = true;
        for (const auto& deployment : model.deployments) {
            Row row;
            row.model = QString::fromStdString(model.name);
            row.provider = QString::fromStdString(deployment.provider);
            row.upstreamModel = QString::fromStdString(deployment.upstreamModel);
            row.weight = deployment.weight;
            row.sharePercent = totalWeight > 0 ? 100.0 * deployment.weight / totalWeight : 0;
            row.firstOfModel = std::exchange(first, false);
            rows.push_back(std::move(row));
        }
    }
    replaceRows(std::move(rows), static_cast<int>(config.models.size()));
}

void ModelDeploymentsModel::clear()
{
    replaceRows({}, 0);
}

void ModelDeploymentsModel::replaceRows(std::vector<Row> rows, int models)
{
    const int before = count();
    const int modelsBefore = m_modelCount;
    beginResetModel();
    m_rows = std::move(rows);
    m_modelCount = models;
    endResetModel();
    if (count() != before || m_modelCount != modelsBefore)
        emit countChanged();
}

int ModelDeploymentsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant ModelDeploymentsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case ModelRole: return row.model;
    case ProviderRole: return row.provider;
    case UpstreamModelRole: return row.upstreamModel;
    case WeightRole: return row.weight;
    case SharePercentRole: return row.sharePercent;
    case FirstOfModelRole: return row.firstOfModel;
    default: return {};
    }
}

QHash<int, QByteArray> ModelDeploymentsModel::roleNames() const
{
    return {
        {ModelRole, "model"},
        {ProviderRole, "provider"},
        {UpstreamModelRole, "upstreamModel"},
        {WeightRole, "weight"},
        {SharePercentRole, "sharePercent"},
        {FirstOfModelRole, "firstOfModel"},
    };
}
