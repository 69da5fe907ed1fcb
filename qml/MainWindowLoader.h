// Loads the console's Main.qml into an engine with the controller it shows: the app and its tests share it.
#pragma once

#include <QUrl>

class GatewayController;
class QQmlApplicationEngine;
class QQuickWindow;

class MainWindowLoader {
public:
    // Where qt_add_qml_module (RESOURCE_PREFIX /qt/qml, as Qt 6.5+ defaults to) puts the module's files.
    static QUrl mainUrl();

    // Returns the console window, or nullptr when Main.qml failed to load (the engine has logged why).
    // The controller must outlive the engine.
    static QQuickWindow* load(QQmlApplicationEngine& engine, GatewayController& controller);
};
