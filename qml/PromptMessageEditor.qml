// One message of the prompt editor: its role, its content with the placeholders coloured
// (PlaceholderHighlighter: {{name}} in blue, a malformed one in red), and buttons to move or remove it.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Prompts.js" as Prompts

Rectangle {
    id: editor

    // The message's place (0-based) and how many there are.
    required property int index
    property int messageCount: 1
    // The API (or the check) names this message: the frame and the text below turn red.
    property bool invalid: false
    property string errorText
    readonly property alias contentArea: area
    readonly property alias roleBox: roleChoice

    signal roleEdited(string role)
    signal contentEdited(string content)
    signal moveRequested(int to)
    signal removeRequested()

    // Fills the editor once (the model's later changes come from it, so it never binds to them).
    function show(role, content) {
        roleChoice.currentIndex = Math.max(0, Prompts.roles.indexOf(role))
        area.text = content
    }

    component Small: ActionButton {
        implicitHeight: 26
        padding: 2
        leftPadding: 8
        rightPadding: 8
        font.pixelSize: Theme.fontSizeSmall
    }

    objectName: "promptMessage"
    implicitHeight: column.implicitHeight + 2 * Theme.spacingSmall
    radius: 6
    color: Theme.surface
    border.color: invalid ? Theme.danger : Theme.border
    border.width: invalid ? 2 : 1

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacingSmall
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall

            Label {
                text: qsTr("Message %1").arg(editor.index + 1)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.bold: true
            }
            ChoiceBox {
                id: roleChoice
                objectName: "messageRole"
                Layout.preferredWidth: 120
                implicitHeight: 28
                model: Prompts.roles
                onActivated: index => editor.roleEdited(Prompts.roles[index])
            }
            Item {
                Layout.fillWidth: true
            }
            Small {
                objectName: "moveUp"
                text: qsTr("Up")
                enabled: editor.index > 0
                onClicked: editor.moveRequested(editor.index - 1)
            }
            Small {
                objectName: "moveDown"
                text: qsTr("Down")
                enabled: editor.index < editor.messageCount - 1
                onClicked: editor.moveRequested(editor.index + 1)
            }
            Small {
                objectName: "removeMessage"
                text: qsTr("Remove")
                enabled: editor.messageCount > 1
                onClicked: editor.removeRequested()
            }
        }
        TextArea {
            id: area
            objectName: "messageContent"
            Layout.fillWidth: true
            Layout.minimumHeight: 60
            wrapMode: TextEdit.Wrap
            selectByMouse: true
            textFormat: TextEdit.PlainText
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            color: Theme.text
            placeholderText: qsTr("Text with {{variables}}; write \\{{ for a literal {{")
            placeholderTextColor: Theme.textMuted
            onTextChanged: editor.contentEdited(text)
            background: Rectangle {
                radius: 4
                color: Theme.surfaceAlternate
                border.color: area.activeFocus ? Theme.accent : "transparent"
            }
        }
        PlaceholderHighlighter {
            document: area.textDocument
            placeholderColor: Theme.accent
            placeholderBackground: Theme.accentSoft
            malformedColor: Theme.danger
            malformedBackground: Theme.dangerSoft
        }
        Label {
            objectName: "messageError"
            Layout.fillWidth: true
            visible: editor.invalid && editor.errorText.length > 0
            text: editor.errorText
            color: Theme.danger
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
        }
    }
}
