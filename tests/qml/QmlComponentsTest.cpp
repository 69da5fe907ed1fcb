// Runs the Qt Quick Test cases in quick/ against the console's QML module.
#include "CallLogFeeder.h"

#include <QApplication>
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

// QUICK_TEST_MAIN_WITH_SETUP, but in a QApplication, as the console runs: Qt Charts (the Analytics
// page, the Overview's dashboard) draw through Graphics View and crash without one.
int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    // Test-only types: the Call log page's tests fill a real CallLogModel through it.
    qmlRegisterType<CallLogFeeder>("Gatehouse.ConsoleTest", 1, 0, "CallLogFeeder");
    QTEST_SET_MAIN_SOURCE_PATH
    QmlComponentsTestSetup setup;
    return quick_test_main_with_setup(argc, argv, "QmlComponentsTest", QUICK_TEST_SOURCE_DIR, &setup);
}
#include "QmlComponentsTest.moc"
