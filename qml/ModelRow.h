// One row of a list model as a map of its role names to values: what a model's get(row) gives QML and tests.
#pragma once

#include <QAbstractItemModel>
#include <QVariantMap>

// `row`'s values under the model's role names; an empty map for a row it does not have.
inline QVariantMap modelRow(const QAbstractItemModel& model, int row)
{
    QVariantMap values;
    if (row < 0 || row >= model.rowCount())
        return values;
    const QModelIndex index = model.index(row, 0);
    const auto names = model.roleNames();
    for (auto role = names.begin(); role != names.end(); ++role)
        values.insert(QString::fromLatin1(role.value()), model.data(index, role.key()));
    return values;
}
