// "Connect to gateway…": points the governance pages at the admin API of another `gatehouse serve`
// (its URL and an admin token), or back at this console's own gateway. A failed attempt keeps the
// current connection and says why in plain words.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

FormDialog {
    id: dialog

    // controller.admin: AdminConnection, or a stand-in with the same properties in tests.
    required property var admin

    // True between Connect and the end of that attempt: only then is admin.errorText this dialog's.
    property bool attempted: false

    function plainError(text) {
        if (text.length === 0)
            return ""
        return qsTr("Could not connect: %1").arg(text)
    }

    title: qsTr("Connect to a gateway")
    message: qsTr("The governance pages can manage another Gatehouse gateway through its admin API (gatehouse serve --admin-listen). The call log and overview stay on this console's gateway.")
    confirmText: qsTr("Connect")
    initialFocus: urlField
    canConfirm: urlField.text.trim().length > 0 && tokenField.text.trim().length > 0
    busy: attempted && admin.connecting
    errorText: attempted ? plainError(admin.errorText) : ""
    onConfirmed: {
        attempted = true
        admin.connectToGateway(urlField.text.trim(), tokenField.text.trim())
    }
    onAboutToShow: attempted = false

    Connections {
        target: dialog.admin
        function onConnectFinished(ok) {
            if (ok && dialog.attempted) {
                tokenField.text = ""
                dialog.close()
            }
        }
    }

    FieldCaption { text: qsTr("Admin API URL") }
    InputField {
        id: urlField
        objectName: "gatewayUrl"
        Layout.fillWidth: true
        placeholderText: "http://127.0.0.1:8089"
        onAccepted: dialog.confirm()
    }
    FieldCaption { text: qsTr("Admin token") }
    InputField {
        id: tokenField
        objectName: "gatewayToken"
        Layout.fillWidth: true
        echoMode: TextInput.Password
        placeholderText: qsTr("gat-… (gatehouse admin-token create)")
        onAccepted: dialog.confirm()
    }
    Label {
        Layout.fillWidth: true
        visible: dialog.admin.remote
        text: qsTr("Connected now to %1.").arg(dialog.admin.location)
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }
}
