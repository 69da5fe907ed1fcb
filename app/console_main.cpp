// `gatehouse-console`: the desktop console. Starts the embedded gateway and shows the QML console.
#include "DemoScreenshot.h"
#include "GatewayController.h"
#include "MainWindowLoader.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSize>
#include <QSocketNotifier>
#include <QtQml/qqmlextensionplugin.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

// The QML module is a static library: this pulls its plugin (and so its types) into the binary.
Q_IMPORT_QML_PLUGIN(Gatehouse_ConsolePlugin)

namespace {

struct ConsoleOptions {
    QCommandLineOption config{QStringLiteral("config"), QStringLiteral("YAML config file (default: the built-in mock setup)."), QStringLiteral("FILE")};
    QCommandLineOption data{QStringLiteral("data"), QStringLiteral("Data directory (default: $XDG_DATA_HOME/gatehouse)."), QStringLiteral("DIR")};
    QCommandLineOption listen{QStringLiteral("listen"), QStringLiteral("Data plane HOST:PORT (default 127.0.0.1:8088; port 0 = any free port)."), QStringLiteral("HOST:PORT")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
        QStringLiteral("Send some demo calls (or test the providers), save a picture of the window to FILE (PNG) and exit."), QStringLiteral("FILE")};
    QCommandLineOption screenshotCalls{QStringLiteral("screenshot-calls"), QStringLiteral("Demo calls to send for --screenshot (default 24)."), QStringLiteral("N"), QStringLiteral("24")};
    QCommandLineOption screenshotPage{QStringLiteral("screenshot-page"),
        QStringLiteral("Page to picture for --screenshot: overview (default), providers (tests every provider first), calls, "
                       "traffic (circuits, rate limits and budgets after demo calls), analytics (30 generated days), "
                       "prices (prices set, a LiteLLM file imported), prompts (a prompt in the editor), prompts-diff (two versions side by side), "
                       "or a governance page with demo tenants, keys and requests: tenants, keys, approvals, audit."),
        QStringLiteral("PAGE"), QStringLiteral("overview")};
    QCommandLineOption screenshotSize{QStringLiteral("screenshot-size"),
        QStringLiteral("Window size for --screenshot, e.g. 1280x1000 (default 1280x800)."), QStringLiteral("WxH")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Gatehouse Console: an AI gateway with its desktop console. "
                                                        "With no options it serves the built-in mock models; no API key needed."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({config, data, listen, screenshot, screenshotCalls, screenshotPage, screenshotSize});
    }
};

void setApplicationNames()
{
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.1.0"));
}

// --help and --version print and exit; they must work without a display, before QApplication exists.
bool wantsHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char* flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
    }
    return false;
}

int stopSignalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(stopSignalPipe[1], &byte, 1); // async-signal-safe
}

// Ctrl+C or SIGTERM quits the event loop like closing the window does, so the embedded gateway
// drains its in-flight calls and writes every call record instead of dying mid-write.
void quitOnStopSignals(QCoreApplication& app)
{
    if (::pipe2(stopSignalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return; // then the default action (terminate) stays: no worse than without this
    auto* notifier = new QSocketNotifier(stopSignalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] { QCoreApplication::quit(); });
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace

int main(int argc, char** argv)
{
    const ConsoleOptions options;
    if (wantsHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        QCommandLineParser parser;
        options.addTo(parser);
        parser.process(app); // prints and exits
        return 0;
    }

    // QApplication, not QGuiApplication: Qt Charts draws through Graphics View, which needs widgets.
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Gatehouse Console"));
    QApplication::setDesktopFileName(QStringLiteral("gatehouse-console"));

    QCommandLineParser parser;
    options.addTo(parser);
    parser.process(app);
    quitOnStopSignals(app);

    int screenshotCalls = 0;
    if (parser.isSet(options.screenshot)) {
        bool valid = false;
        screenshotCalls = parser.value(options.screenshotCalls).toInt(&valid);
        if (!valid || screenshotCalls < DemoScreenshot::kMinimumCalls) {
            std::fprintf(stderr, "gatehouse-console: error: --screenshot-calls needs a number of at least %d\n", DemoScreenshot::kMinimumCalls);
            return 2;
        }
    }
    QSize screenshotWindowSize;
    if (parser.isSet(options.screenshotSize)) {
        const auto match = QRegularExpression(QStringLiteral("^(\\d{3,5})x(\\d{3,5})$")).match(parser.value(options.screenshotSize));
        if (!match.hasMatch()) {
            std::fprintf(stderr, "gatehouse-console: error: --screenshot-size needs WIDTHxHEIGHT, for example 1280x1000\n");
            return 2;
        }
        screenshotWindowSize = QSize(match.captured(1).toInt(), match.captured(2).toInt());
    }

    // Declared before the engine so it outlives the QML that refers to it; its destructor drains the gateway.
    GatewayController controller;
    controller.setConfigPath(parser.value(options.config));
    controller.setDataDirectory(parser.value(options.data));
    controller.setListen(parser.value(options.listen));

    QQmlApplicationEngine engine;
    QQuickWindow* window = MainWindowLoader::load(engine, controller);
    if (!window) {
        std::fprintf(stderr, "gatehouse-console: error: cannot load the console UI from %s (the QML errors are above)\n",
            qPrintable(MainWindowLoader::mainUrl().toString()));
        return 1;
    }

    std::unique_ptr<DemoScreenshot> screenshot;
    if (screenshotCalls > 0) {
        if (screenshotWindowSize.isValid())
            window->resize(screenshotWindowSize.expandedTo(window->minimumSize()));
        screenshot = std::make_unique<DemoScreenshot>(window, &controller, parser.value(options.screenshot), screenshotCalls,
            parser.value(options.screenshotPage));
        QObject::connect(screenshot.get(), &DemoScreenshot::finished, &app, [](bool ok, const QString& message) {
            std::fprintf(ok ? stdout : stderr, "gatehouse-console: %s%s\n", ok ? "" : "error: ", qPrintable(message));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        screenshot->start(); // before controller.start(), so it sees the state change
    }

    // A failure is shown in the window (state Failed, with the reason), not as an exit.
    controller.start();
    return app.exec();
}
