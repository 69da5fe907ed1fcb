// ConnectGatewayDialog: URL and a masked token; Connect asks the AdminConnection; a failure is shown
// in plain words and keeps what was typed; a success closes the dialog and forgets the token.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1000
    height: 700

    // The properties and calls of AdminConnection that the dialog uses.
    QtObject {
        id: connection

        property bool remote: false
        property string location: "this console's gateway"
        property string errorText
        property bool connecting: false
        property var calls: []

        signal connectFinished(bool ok)

        function connectToGateway(url, token) {
            calls = calls.concat([{ url: url, token: token }])
            connecting = true
        }
        // Ends the attempt as AdminConnection does: errorText first, then connecting, then the signal.
        function finish(error) {
            errorText = error
            if (error.length === 0) {
                remote = true
                location = calls[calls.length - 1].url
            }
            connecting = false
            connectFinished(error.length === 0)
        }
    }

    Component {
        id: dialogComponent
        ConnectGatewayDialog {
            admin: connection
        }
    }

    GovernanceTestCase {
        name: "ConnectGatewayDialog"

        function init() {
            connection.remote = false
            connection.location = "this console's gateway"
            connection.errorText = ""
            connection.connecting = false
            connection.calls = []
        }
        function openDialog() {
            const dialog = createTemporaryObject(dialogComponent, root)
            verify(dialog)
            dialog.open()
            tryCompare(dialog, "opened", true)
            return dialog
        }

        function test_theTokenIsMasked() {
            const dialog = openDialog()
            const token = findOne(dialog.contentItem, "gatewayToken")
            compare(token.echoMode, TextInput.Password)
            typeInto(token, "gat-secret")
            verify(token.displayText.indexOf("gat-secret") < 0, token.displayText)
        }

        function test_connectNeedsBoth() {
            const dialog = openDialog()
            verify(!button(dialog.contentItem, "Connect").enabled)
            typeInto(findOne(dialog.contentItem, "gatewayUrl"), "http://127.0.0.1:8089")
            verify(!button(dialog.contentItem, "Connect").enabled)
            typeInto(findOne(dialog.contentItem, "gatewayToken"), "gat-abc")
            verify(button(dialog.contentItem, "Connect").enabled)
        }

        function test_aFailureIsShownAndKeepsTheFields() {
            const dialog = openDialog()
            typeInto(findOne(dialog.contentItem, "gatewayUrl"), "http://127.0.0.1:8089")
            typeInto(findOne(dialog.contentItem, "gatewayToken"), "gat-wrong")
            click(dialog.contentItem, "Connect")
            compare(connection.calls.length, 1)
            compare(connection.calls[0].url, "http://127.0.0.1:8089")
            compare(connection.calls[0].token, "gat-wrong")
            verify(button(dialog.contentItem, "Working…"))
            connection.finish("the admin API at http://127.0.0.1:8089 refused the token (HTTP 401): unknown admin token")
            tryCompare(findOne(dialog.contentItem, "dialogError"), "text",
                "Could not connect: the admin API at http://127.0.0.1:8089 refused the token (HTTP 401): unknown admin token")
            verify(dialog.visible)
            compare(findOne(dialog.contentItem, "gatewayUrl").text, "http://127.0.0.1:8089")
            compare(findOne(dialog.contentItem, "gatewayToken").text, "gat-wrong")
            // The same error again after a second try still shows.
            click(dialog.contentItem, "Connect")
            connection.finish("the admin API at http://127.0.0.1:8089 refused the token (HTTP 401): unknown admin token")
            verify(findOne(dialog.contentItem, "dialogError").visible)
        }

        function test_aSuccessClosesAndForgetsTheToken() {
            const dialog = openDialog()
            typeInto(findOne(dialog.contentItem, "gatewayUrl"), "http://10.0.0.5:8089")
            typeInto(findOne(dialog.contentItem, "gatewayToken"), "gat-right")
            click(dialog.contentItem, "Connect")
            connection.finish("")
            tryCompare(dialog, "visible", false)
            compare(findOne(dialog.contentItem, "gatewayToken").text, "")
            // An earlier error is not shown when the dialog opens again.
            connection.errorText = "old problem"
            dialog.open()
            tryCompare(dialog, "opened", true)
            verify(!findOne(dialog.contentItem, "dialogError").visible)
            verify(hasText(dialog.contentItem, "Connected now to http://10.0.0.5:8089."))
        }
    }
}
