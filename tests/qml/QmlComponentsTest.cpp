// Runs the Qt Quick Test cases in quick/ against the console's QML module.
#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

class QmlComponentsTestSetup : public QObject {
    Q_OBJECT

public slots:
    void qmlEngineAvailable(QQmlEngine* engine)
    {
        engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
    }
};

QUICK_TEST_MAIN_WITH_SETUP(QmlComponentsTest, QmlComponentsTestSetup)
#include "QmlComponentsTest.moc"
