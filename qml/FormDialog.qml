// A small modal form (create, rename, a decision with a note) or a confirmation. submit() sends its
// request; the dialog closes only when the admin API accepted it, and otherwise stays open with
// everything typed and the API's error underneath.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Governance.js" as Governance

Dialog {
    id: dialog

    // A sentence above the fields ("Delete tenant acme? ...").
    property string message
    property string confirmText: qsTr("Save")
    // Red confirm button: the action deletes or revokes something.
    property bool destructive: false
    property bool canConfirm: true
    // Set by the page for work of its own; submit() has its own flag, so a binding here stays.
    property bool busy: false
    // A problem the page reports; submit() shows the API's answer in `submitError` instead.
    property string errorText
    property bool submitting: false
    property string submitError
    // The field the API's refusal names (its `error.param`), for a form that marks it; "" for none.
    property string submitParam
    readonly property bool working: busy || submitting
    readonly property string shownError: submitError.length > 0 ? submitError : errorText
    default property alias fields: body.data
    // The field to type into first.
    property Item initialFocus: null

    // The confirm button was pressed (or Enter in a field): the page calls submit().
    signal confirmed()

    // Sends one admin request for this dialog. On success the dialog closes and `done(reply)` runs;
    // on failure it shows the API's message and keeps the form as it is.
    function submit(client, method, target, requestBody, done) {
        submitting = true
        submitError = ""
        submitParam = ""
        client.request(method, target, requestBody, reply => {
            submitting = false
            if (!reply.ok) {
                submitError = Governance.errorOf(reply)
                const error = reply.body && reply.body.error ? reply.body.error : null
                submitParam = error && error.param ? error.param : ""
                return
            }
            close()
            if (done)
                done(reply)
        })
    }

    function confirm() {
        if (canConfirm && !working)
            confirmed()
    }

    // Centred on the page that owns it (Overlay.overlay is not in the Basic style's imports).
    x: parent ? Math.round((parent.width - width) / 2) : 0
    y: parent ? Math.round((parent.height - height) / 3) : 0
    width: Math.min(480, parent ? parent.width - 2 * Theme.spacingLarge : 480)
    modal: true
    padding: Theme.spacingLarge
    closePolicy: working ? Popup.NoAutoClose : Popup.CloseOnEscape
    onAboutToShow: {
        submitError = ""
        submitParam = ""
    }
    onOpened: if (initialFocus) initialFocus.forceActiveFocus()

    // The title is drawn in the content, in the console's type; the style's own header would repeat it.
    header: null
    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius
        border.color: Theme.border
    }

    contentItem: ColumnLayout {
        spacing: Theme.spacing

        Label {
            Layout.fillWidth: true
            text: dialog.title
            color: Theme.text
            font.pixelSize: Theme.fontSizeHeading
            font.bold: true
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            visible: dialog.message.length > 0
            text: dialog.message
            color: Theme.text
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
        ColumnLayout {
            id: body
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
        }
        Label {
            objectName: "dialogError"
            Layout.fillWidth: true
            visible: dialog.shownError.length > 0
            text: dialog.shownError
            color: Theme.danger
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: Theme.spacingSmall
            spacing: Theme.spacingSmall

            Item {
                Layout.fillWidth: true
            }
            ActionButton {
                objectName: "dialogCancel"
                text: qsTr("Cancel")
                enabled: !dialog.working
                onClicked: dialog.close()
            }
            ActionButton {
                id: confirmButton
                objectName: "dialogConfirm"
                primary: true
                text: dialog.working ? qsTr("Working…") : dialog.confirmText
                enabled: dialog.canConfirm && !dialog.working
                onClicked: dialog.confirm()
                background: Rectangle {
                    implicitHeight: 32
                    radius: 6
                    color: !confirmButton.enabled ? Theme.neutralSoft
                        : dialog.destructive ? (confirmButton.down || confirmButton.hovered ? Qt.darker(Theme.danger, 1.15) : Theme.danger)
                        : confirmButton.down || confirmButton.hovered ? Theme.accentHover : Theme.accent
                }
            }
        }
    }
}
