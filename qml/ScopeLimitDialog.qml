// Sets the rate limits of one scope (a key, a consumer or a tenant) with PUT /admin/v1/limits:
// requests and tokens per minute and concurrent requests, each optional. The form is checked before
// it is sent; a refusal keeps it open, with the API's message and the field its `param` names in red.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "ScopePolicy.js" as ScopePolicy

FormDialog {
    id: dialog

    property var client: null
    // The scope as the API names it ("key", "consumer", "tenant") and its id, and how people read it.
    property string scope
    property string scopeId
    property string scopeLabel
    // The form's own check: {param: message}.
    property var problems: ({})

    // Opens with the scope's current limits (null: none yet).
    function openFor(limit) {
        const form = ScopePolicy.limitForm(limit)
        requests.text = form.requests
        tokens.text = form.tokens
        concurrent.text = form.concurrent
        reason.text = ""
        problems = {}
        errorText = ""
        open()
    }
    function marks(param) {
        return ScopePolicy.marks(problems, submitParam, param)
    }

    title: qsTr("Rate limits of %1").arg(scopeLabel)
    message: qsTr("Per minute, refilled continuously; a call is refused while any limit of its key, consumer, tenant or model is used up. 0 pauses the scope; empty: no limit of that kind.")
    confirmText: qsTr("Save limits")
    initialFocus: requests
    width: Math.min(560, parent ? parent.width - 2 * Theme.spacingLarge : 560)
    onConfirmed: {
        submitError = ""
        submitParam = ""
        const form = { requests: requests.text, tokens: tokens.text, concurrent: concurrent.text }
        problems = ScopePolicy.limitProblems(form)
        const params = Object.keys(problems)
        if (params.length > 0) {
            errorText = problems[params[0]]
            return
        }
        errorText = ""
        submit(client, "PUT", "/admin/v1/limits", ScopePolicy.limitBody(scope, scopeId, form, reason.text))
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 3
        columnSpacing: Theme.spacing
        rowSpacing: 2

        // Three equal columns.
        Repeater {
            model: ScopePolicy.dimensions
            FieldCaption {
                required property var modelData
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                text: modelData.caption
                elide: Text.ElideRight
            }
        }
        RouteInput {
            id: requests
            objectName: "limitRequests"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "requests_per_minute"
            invalid: dialog.marks(param)
            placeholderText: qsTr("no limit")
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: tokens
            objectName: "limitTokens"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "tokens_per_minute"
            invalid: dialog.marks(param)
            placeholderText: qsTr("no limit")
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: concurrent
            objectName: "limitConcurrent"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "concurrent"
            invalid: dialog.marks(param)
            placeholderText: qsTr("no limit")
            onAccepted: dialog.confirm()
        }
    }
    FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
    InputField {
        id: reason
        objectName: "limitReason"
        Layout.fillWidth: true
        onAccepted: dialog.confirm()
    }
}
