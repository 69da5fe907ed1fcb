// The public models of the running gateway's configuration and where each sends its traffic.
#pragma once

#include <QAbstractListModel>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace gatehouse {
struct GatewayConfig;
}

// One row per deployment, grouped by model in config order: a flat table the page can draw without
// nested lists. `firstOfModel` marks the row that starts a model's group.
class ModelDeploymentsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The model list belongs to the GatewayController: use controller.modelDeployments.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int modelCount READ modelCount NOTIFY countChanged)

public:
    enum Role {
        ModelRole = Qt::UserRole + 1, // the public name clients ask for
        ProviderRole,
        UpstreamModelRole,            // the name sent to the provider
        WeightRole,
        SharePercentRole,             // weight / the model's total weight, in percent
        FirstOfModelRole,
    };
    Q_ENUM(Role)

    explicit ModelDeploymentsModel(QObject* parent = nullptr);

    void setConfig(const gatehouse::GatewayConfig& config);
    void clear();

    int count() const { return static_cast<int>(m_rows.size()); }
    int modelCount() const { return m_modelCount; }
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();

private:
    struct Row {
        QString model;
        QString provider;
        QString upstreamModel;
        int weight = 1;
        double sharePercent = 100;
        bool firstOfModel = false;
    };
    void replaceRows(std::vector<Row> rows, int models);

    std::vector<Row> m_rows;
    int m_modelCount = 0;
};
