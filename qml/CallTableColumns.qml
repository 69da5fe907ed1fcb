// The call table's column widths, shared by its header and rows so they line up.
import QtQml

QtObject {
    // The width the columns have to fill; the model and detail columns take what the fixed ones leave.
    property real tableWidth

    readonly property int padding: 12
    readonly property int spacing: 12
    readonly property int timeWidth: 92
    readonly property int statusWidth: 52
    readonly property int providerWidth: 96
    readonly property int latencyWidth: 80
    readonly property int tokensInWidth: 70
    readonly property int tokensOutWidth: 78
    readonly property int keyWidth: 92

    readonly property int fixedWidth: timeWidth + statusWidth + providerWidth + latencyWidth + tokensInWidth
        + tokensOutWidth + keyWidth + 8 * spacing + 2 * padding
    readonly property real flexibleWidth: Math.max(tableWidth - fixedWidth, 260)
    readonly property int modelWidth: Math.round(flexibleWidth * 0.55)
    readonly property int detailWidth: Math.floor(flexibleWidth - modelWidth)
}
