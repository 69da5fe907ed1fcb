// The console's colours, spacing and type sizes, in one place so every page looks the same.
pragma Singleton
import QtQuick

QtObject {
    readonly property color window: "#f3f5f8"
    readonly property color surface: "#ffffff"
    readonly property color surfaceAlternate: "#f8f9fb"
    readonly property color border: "#e1e5eb"
    readonly property color text: "#1c2430"
    readonly property color textMuted: "#667085"
    readonly property color accent: "#2f64d8"
    readonly property color accentHover: "#2552b5"
    readonly property color accentSoft: "#e8effc"

    readonly property color sidebar: "#17202b"
    readonly property color sidebarText: "#c5ced8"
    readonly property color sidebarTextMuted: "#7d8a99"
    readonly property color sidebarHover: "#1f2a37"
    readonly property color sidebarSelected: "#263445"

    readonly property color success: "#1b7f4b"
    readonly property color successSoft: "#e2f4ea"
    readonly property color warning: "#9a5b07"
    readonly property color warningSoft: "#fdf1dc"
    readonly property color danger: "#c23434"
    readonly property color dangerSoft: "#fce8e8"
    readonly property color neutralSoft: "#eceff3"

    readonly property int spacingSmall: 6
    readonly property int spacing: 12
    readonly property int spacingLarge: 20
    readonly property int radius: 8

    readonly property int fontSize: 13
    readonly property int fontSizeSmall: 12
    readonly property int fontSizeTitle: 20
    readonly property int fontSizeHeading: 15
    readonly property int fontSizeStat: 22
    // Resolved by the platform's font configuration (DejaVu Sans Mono, Menlo, Consolas...).
    readonly property string monospaceFamily: "monospace"

    // Colours for an HTTP status: green for success, amber for client errors, red for the rest.
    function statusColor(status) {
        return status >= 200 && status < 300 ? success : status >= 400 && status < 500 ? warning : danger
    }
    function statusBackground(status) {
        return status >= 200 && status < 300 ? successSoft : status >= 400 && status < 500 ? warningSoft : dangerSoft
    }
}
