// Loads the console's Main.qml into an engine with the controller it shows: the app and its tests share it.
#include "MainWindowLoader.h"

#include "GatewayController.h"

#include <QQmlApplicationEngine>
#include <QQuickWindow>

QUrl MainWindowLoader::mainUrl()
{
    return QUrl(QStringLiteral("qrc:/qt/qml/Gatehouse/Console/Main.qml"));
}

QQuickWindow* MainWindowLoader::load(QQmlApplicationEngine& engine, GatewayController& controller)
{
    // Qt 6.4 does not search the module resource prefix by default (6.5 does).
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.setInitialProperties({{QStringLiteral("controller"), QVariant::fromValue(&controller)}});
    engine.load(mainUrl());
    const auto roots = engine.rootObjects();
    return roots.isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(roots.constFirst());
}
