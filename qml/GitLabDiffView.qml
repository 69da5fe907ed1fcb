// A unified diff in monospace, one row per line: added lines green, removed red, hunks blue, file
// headers grey (UnifiedDiffModel's `kind`). Long lines wrap rather than hide past the edge.
import QtQuick
import QtQuick.Controls.Basic
import Gatehouse.Console

Rectangle {
    id: view

    // UnifiedDiffModel, or a stand-in with the roles text and kind and rowOfFile(path).
    required property var model

    // The height of all its lines, for a page that sizes the view to them (up to a limit).
    readonly property real contentHeight: lines.contentHeight + 8

    // Scrolls to the file's first line.
    function showFile(path) {
        const row = model.rowOfFile(path)
        if (row >= 0)
            lines.positionViewAtIndex(row, ListView.Beginning)
    }

    radius: 6
    color: Theme.surface
    border.color: Theme.border
    clip: true

    ListView {
        id: lines
        objectName: "diffLines"
        anchors.fill: parent
        anchors.margins: 1
        model: view.model
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: lines.contentHeight > lines.height + 0.5
        }

        delegate: Rectangle {
            id: row

            required property string text
            required property string kind

            objectName: "diffLine"
            width: ListView.view.width - 10
            height: line.implicitHeight + 2
            color: kind === "added" ? Theme.successSoft : kind === "removed" ? Theme.dangerSoft
                : kind === "hunk" ? Theme.accentSoft : kind === "header" ? Theme.neutralSoft : "transparent"

            Text {
                id: line
                x: 8
                y: 1
                width: parent.width - 16
                text: row.text.length > 0 ? row.text : " "
                color: row.kind === "added" ? Theme.success : row.kind === "removed" ? Theme.danger
                    : row.kind === "hunk" ? Theme.accent : row.kind === "header" || row.kind === "note" ? Theme.textMuted : Theme.text
                font.family: Theme.monospaceFamily
                font.pixelSize: Theme.fontSizeSmall
                font.bold: row.kind === "header" && row.text.startsWith("diff --git")
                wrapMode: Text.WrapAnywhere
                textFormat: Text.PlainText
            }
        }
        footer: Label {
            width: ListView.view.width
            visible: view.model && view.model.omittedLines > 0
            height: visible ? implicitHeight + 2 * Theme.spacingSmall : 0
            leftPadding: 8
            verticalAlignment: Text.AlignVCenter
            text: visible ? qsTr("… and %1 more lines, not shown here").arg(view.model.omittedLines) : ""
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }
    Label {
        anchors.centerIn: parent
        visible: lines.count === 0
        text: qsTr("No differences.")
        color: Theme.textMuted
    }
}
