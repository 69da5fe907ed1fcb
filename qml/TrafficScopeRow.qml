// One row of the Traffic page's rate limits or budgets: the scope on the left (its kind as a pill,
// its id, a note under it), then cells of equal width, `cellWidth` each (TrafficMeters, texts). With
// `captions` it is the header row instead, drawn like AdminTable's.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Traffic.js" as Traffic

Item {
    id: row

    // "key", "consumer", "tenant" or "model", and the id the configuration names it by.
    property string scope
    property string scopeId
    // Under the id, muted: a budget's period.
    property string note
    // For the header: the scope column's caption, then each cell's.
    property var captions: []
    // The cells, side by side; each sets its width to `cellWidth`.
    default property alias cells: cellRow.data

    readonly property bool header: captions.length > 0
    readonly property int cellCount: header ? captions.length - 1 : cellRow.children.length
    readonly property int scopeWidth: 220
    readonly property real cellWidth: Math.floor((width - 2 * Theme.spacing - scopeWidth - cellCount * Theme.spacingLarge) / Math.max(1, cellCount))

    implicitHeight: header ? 30 : Math.max(scopeColumn.implicitHeight, cellRow.y - Theme.spacing + cellRow.implicitHeight) + 2 * Theme.spacing

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
        elide: Text.ElideRight
    }

    Rectangle {
        anchors.fill: parent
        visible: row.header
        color: Theme.surfaceAlternate
        radius: 4
    }
    Rectangle {
        visible: !row.header
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }

    Row {
        visible: row.header
        x: Theme.spacing
        anchors.verticalCenter: parent.verticalCenter
        spacing: Theme.spacingLarge

        Repeater {
            model: row.captions

            Caption {
                required property string modelData
                required property int index
                width: index === 0 ? row.scopeWidth : row.cellWidth
                text: modelData
            }
        }
    }

    ColumnLayout {
        id: scopeColumn
        visible: !row.header
        x: Theme.spacing
        y: Theme.spacing
        width: row.scopeWidth
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall

            StatusPill {
                text: Traffic.scopeText(row.scope)
            }
            Label {
                id: idLabel
                Layout.fillWidth: true
                text: row.scopeId
                color: Theme.text
                font.bold: true
                font.family: row.scope === "key" ? Theme.monospaceFamily : Qt.application.font.family
                elide: Text.ElideRight
                textFormat: Text.PlainText

                HoverHandler {
                    id: idHover
                }
                ToolTip.visible: idHover.hovered && idLabel.truncated
                ToolTip.text: idLabel.text
                ToolTip.delay: 500
            }
        }
        Label {
            Layout.fillWidth: true
            visible: row.note.length > 0
            text: row.note
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            elide: Text.ElideRight
        }
    }

    Row {
        id: cellRow
        visible: !row.header
        // Top-aligned with the scope: the cells' first lines (the values) sit next to its id.
        x: Theme.spacing + row.scopeWidth + Theme.spacingLarge
        y: Theme.spacing + 3
        spacing: Theme.spacingLarge
    }
}
