// Every message Qt logs while a QtMessageLog is installed (warnings of Qt and its modules included),
// passed on to the handler before it: what tests check for a leaked secret or a QML warning.
#pragma once

#include <QMutex>
#include <QMutexLocker>
#include <QStringList>
#include <QtGlobal>

namespace gatehouse::test {

class QtMessageLog {
public:
    // One at a time: the handler is process-wide.
    QtMessageLog() { s_previous = qInstallMessageHandler(&QtMessageLog::record); }
    ~QtMessageLog() { qInstallMessageHandler(s_previous); }
    QtMessageLog(const QtMessageLog&) = delete;
    QtMessageLog& operator=(const QtMessageLog&) = delete;

    // What was logged so far, oldest first.
    QStringList messages() const
    {
        QMutexLocker lock(&s_mutex);
        return s_messages;
    }

private:
    static void record(QtMsgType type, const QMessageLogContext& context, const QString& message)
    {
        {
            QMutexLocker lock(&s_mutex);
            s_messages.append(message);
        }
        if (s_previous)
            s_previous(type, context, message);
    }

    static inline QMutex s_mutex;
    static inline QStringList s_messages;
    static inline QtMessageHandler s_previous = nullptr;
};

} // namespace gatehouse::test
