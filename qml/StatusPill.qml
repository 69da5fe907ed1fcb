// A state as a coloured pill (an access request's, an API key's): the text and a tone that colours it.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: pill

    property string text
    // "success", "warning", "danger", "accent" or "neutral".
    property string tone: "neutral"

    readonly property color foreground: tone === "success" ? Theme.success : tone === "warning" ? Theme.warning
        : tone === "danger" ? Theme.danger : tone === "accent" ? Theme.accent : Theme.textMuted

    implicitWidth: label.implicitWidth + 2 * 10
    implicitHeight: 22
    radius: height / 2
    color: tone === "success" ? Theme.successSoft : tone === "warning" ? Theme.warningSoft
        : tone === "danger" ? Theme.dangerSoft : tone === "accent" ? Theme.accentSoft : Theme.neutralSoft

    Label {
        id: label
        anchors.centerIn: parent
        text: pill.text
        color: pill.foreground
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
    }
}
