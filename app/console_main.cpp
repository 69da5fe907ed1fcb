// `gatehouse-console`: the desktop console. Starts the embedded gateway and shows the QML console.
#include "DemoScreenshot.h"
#include "GatewayController.h"
#include "MainWindowLoader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>

// The QML module is a static library: this pulls its plugin (and so its types) into the binary.
Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

int main(int argc, char** argv)
{
    // QApplication, not QGuiApplication: Qt Charts draws through Graphics View, which needs widgets.
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("gatehouse-console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Gatehouse Console"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
    QApplication::setDesktopFileName(QStringLiteral("gatehouse-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Gatehouse Console: an AI gateway with its desktop console. "
                                                    "With no options it serves the built-in mock models; no API key needed."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption(QStringLiteral("config"), QStringLiteral("YAML config file (default: the built-in mock setup)."), QStringLiteral("FILE"));
    const QCommandLineOption dataOption(QStringLiteral("data"), QStringLiteral("Data directory (default: $XDG_DATA_HOME/gatehouse)."), QStringLiteral("DIR"));
    const QCommandLineOption listenOption(QStringLiteral("listen"), QStringLiteral("Data plane HOST:PORT (default 127.0.0.1:8088; port 0 = any free port)."), QStringLiteral("HOST:PORT"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"), QStringLiteral("Send some demo calls, save a picture of the window to FILE (PNG) and exit."), QStringLiteral("FILE"));
    const QCommandLineOption screenshotCallsOption(QStringLiteral("screenshot-calls"), QStringLiteral("Demo calls to send for --screenshot (default 24)."), QStringLiteral("N"), QStringLiteral("24"));
    parser.addOptions({configOption, dataOption, listenOption, screenshotOption, screenshotCallsOption});
    parser.process(app);

    // Declared before the engine so it outlives the QML that refers to it; its destructor drains the gateway.
    GatewayController controller;
    controller.setConfigPath(parser.value(configOption));
    controller.setDataDirectory(parser.value(dataOption));
    controller.setListen(parser.value(listenOption));

    QQmlApplicationEngine engine;
    QQuickWindow* window = MainWindowLoader::load(engine, controller);
    if (!window) {
        std::fprintf(stderr, "gatehouse-console: error: cannot load the console UI from %s (the QML errors are above)\n",
            qPrintable(MainWindowLoader::mainUrl().toString()));
        return 1;
    }

    std::unique_ptr<DemoScreenshot> screenshot;
    if (parser.isSet(screenshotOption)) {
        bool validCount = false;
        const int calls = parser.value(screenshotCallsOption).toInt(&validCount);
        if (!validCount || calls < 1) {
            std::fprintf(stderr, "gatehouse-console: error: --screenshot-calls needs a positive number\n");
            return 2;
        }
        screenshot = std::make_unique<DemoScreenshot>(window, &controller, parser.value(screenshotOption), calls);
        QObject::connect(screenshot.get(), &DemoScreenshot::finished, &app, [](bool ok, const QString& message) {
            std::fprintf(ok ? stdout : stderr, "gatehouse-console: %s%s\n", ok ? "" : "error: ", qPrintable(message));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        screenshot->start(); // before start(), so it sees the state change
    }

    // A failure is shown in the window (state Failed, with the reason), not as an exit.
    controller.start();
    return app.exec();
}
