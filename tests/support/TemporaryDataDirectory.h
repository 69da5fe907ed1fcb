// A fresh data directory for one test, removed afterwards.
#pragma once

#include <QTemporaryDir>

#include <string>

class TemporaryDataDirectory {
public:
    TemporaryDataDirectory() { m_dir.setAutoRemove(true); }
    bool isValid() const { return m_dir.isValid(); }
    std::string path() const { return m_dir.path().toStdString(); }
    std::string databasePath() const { return path() + "/gatehouse.db"; }

private:
    QTemporaryDir m_dir;
};
