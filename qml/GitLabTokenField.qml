// The GitLab access token of the page's repository: typed once and stored (keychain, else a private
// file), never shown again. Once stored it reads "stored" with Replace and Forget.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: field

    // GitLabTokenStore, or a stand-in with the same properties in tests.
    required property var store
    property bool replacing: false
    readonly property bool checking: store.busy && !store.stored && !replacing
    readonly property bool editing: (!store.stored || replacing) && !checking

    // Hands the typed token to the store and empties the field at once: from here on only the
    // store has it, and nothing on the page can show it again.
    function save() {
        const token = tokenInput.text.trim()
        if (token.length === 0 || store.instance.length === 0 || store.busy)
            return
        tokenInput.text = ""
        replacing = false
        store.store(token)
    }

    spacing: Theme.spacingSmall

    // A new repository of another GitLab: its own token, or none yet.
    Connections {
        target: field.store
        function onStateChanged() {
            if (field.store.instance.length === 0)
                field.replacing = false
        }
    }

    RowLayout {
        Layout.fillWidth: true
        visible: field.editing
        spacing: Theme.spacingSmall

        InputField {
            id: tokenInput
            objectName: "tokenInput"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            // Not in the clipboard's undo history or an input method's dictionary.
            inputMethodHints: Qt.ImhHiddenText | Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            enabled: field.store.instance.length > 0 && !field.store.busy
            placeholderText: field.store.instance.length > 0 ? qsTr("glpat-… (api and write_repository scopes)")
                : qsTr("Type the repository URL first")
            onAccepted: field.save()
        }
        ActionButton {
            objectName: "storeTokenButton"
            primary: true
            text: qsTr("Store")
            enabled: tokenInput.text.trim().length > 0 && field.store.instance.length > 0 && !field.store.busy
            onClicked: field.save()
        }
        ActionButton {
            objectName: "cancelReplaceButton"
            visible: field.replacing
            text: qsTr("Cancel")
            onClicked: {
                tokenInput.text = ""
                field.replacing = false
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        visible: !field.editing
        spacing: Theme.spacingSmall

        // Looks like the field it replaces, but holds no token: only the word.
        Rectangle {
            objectName: "tokenStored"
            Layout.fillWidth: true
            implicitHeight: 32
            radius: 6
            color: Theme.surfaceAlternate
            border.color: Theme.border

            Label {
                anchors.fill: parent
                anchors.leftMargin: 10
                verticalAlignment: Text.AlignVCenter
                text: field.checking ? qsTr("checking…") : qsTr("stored")
                color: field.checking ? Theme.textMuted : Theme.success
                font.bold: !field.checking
            }
        }
        ActionButton {
            objectName: "replaceTokenButton"
            text: qsTr("Replace")
            enabled: !field.store.busy
            onClicked: {
                field.replacing = true
                tokenInput.forceActiveFocus()
            }
        }
        ActionButton {
            objectName: "forgetTokenButton"
            text: qsTr("Forget")
            enabled: !field.store.busy
            onClicked: field.store.forget()
        }
    }
    Label {
        objectName: "tokenNote"
        Layout.fillWidth: true
        visible: text.length > 0
        text: field.store.errorText.length > 0 ? field.store.errorText : field.store.stored ? field.store.note : ""
        color: field.store.errorText.length > 0 ? Theme.danger : Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }
}
