// Adds a provider to the embedded gateway, or edits one added before, through the admin API. The
// credential is typed once: a stored secret is never read back (the API does not give it), so an
// edit shows "stored" and keeps it unless a new one is typed.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

FormDialog {
    id: editor

    // The admin client of the gateway the page shows (controller.admin.embeddedClient).
    property var client: null
    // The provider being edited (ProvidersModel row: name, kind, baseUrl, credential); null: a new one.
    property var provider: null
    readonly property var kinds: ["openai", "openai-compatible", "azure-openai", "anthropic", "gemini", "mock"]
    readonly property var credentialSources: ["stored", "env", "none"]
    readonly property string kind: kinds[kindChoice.currentIndex]
    readonly property string credentialSource: credentialSources[credentialChoice.currentIndex]
    readonly property bool editing: provider !== null

    function openFor(row) {
        provider = row
        nameField.text = row ? row.name : ""
        kindChoice.currentIndex = Math.max(0, kinds.indexOf(row ? row.kind : "openai"))
        baseUrlField.text = row && row.baseUrl !== "in-process" ? row.baseUrl : ""
        const reference = row ? row.credential : ""
        credentialChoice.currentIndex = reference.startsWith("env:") ? 1 : reference === "none" ? 2 : 0
        envField.text = reference.startsWith("env:") ? reference.substring(4) : ""
        secretField.text = ""
        open()
    }

    // The request body: only what the admin typed; the API applies the kind's defaults.
    function body() {
        const result = { kind: kind }
        if (!editing)
            result.name = nameField.text.trim()
        if (kind !== "mock")
            result.base_url = baseUrlField.text.trim().length > 0 ? baseUrlField.text.trim() : null
        if (credentialSource === "env")
            result.credential = { source: "env", name: envField.text.trim() }
        else if (credentialSource === "none")
            result.credential = { source: "none" }
        else if (secretField.text.length > 0)
            result.credential = { source: "stored", secret: secretField.text }
        else if (!editing)
            result.credential = { source: "none" }
        return result
    }

    title: editing ? qsTr("Edit provider %1").arg(provider.name) : qsTr("Add a provider")
    confirmText: editing ? qsTr("Save") : qsTr("Add provider")
    initialFocus: editing ? baseUrlField : nameField
    canConfirm: (editing || nameField.text.trim().length > 0)
        && (credentialSource !== "env" || envField.text.trim().length > 0)
    onConfirmed: {
        if (editing)
            submit(client, "PATCH", "/admin/v1/providers/" + encodeURIComponent(provider.name), body())
        else
            submit(client, "POST", "/admin/v1/providers", body())
    }

    FieldCaption { text: qsTr("Name"); visible: !editor.editing }
    InputField {
        id: nameField
        objectName: "providerName"
        visible: !editor.editing
        Layout.fillWidth: true
        placeholderText: qsTr("team-openai")
    }
    FieldCaption { text: qsTr("Kind") }
    ChoiceBox {
        id: kindChoice
        objectName: "providerKind"
        Layout.fillWidth: true
        model: editor.kinds
    }
    FieldCaption {
        text: qsTr("Base URL (empty: the kind's default)")
        visible: editor.kind !== "mock"
    }
    InputField {
        id: baseUrlField
        objectName: "providerBaseUrl"
        visible: editor.kind !== "mock"
        Layout.fillWidth: true
        placeholderText: qsTr("https://api.openai.com/v1")
    }
    FieldCaption { text: qsTr("Credential") }
    ChoiceBox {
        id: credentialChoice
        objectName: "credentialSource"
        Layout.fillWidth: true
        model: [qsTr("A secret stored by the gateway"), qsTr("An environment variable"), qsTr("None")]
    }
    InputField {
        id: secretField
        objectName: "providerSecret"
        visible: editor.credentialSource === "stored"
        Layout.fillWidth: true
        echoMode: TextInput.Password
        placeholderText: editor.editing && editor.provider.credential === "stored"
            ? qsTr("stored — type a new one to replace it") : qsTr("the API key, shown never again")
    }
    InputField {
        id: envField
        objectName: "providerEnv"
        visible: editor.credentialSource === "env"
        Layout.fillWidth: true
        placeholderText: qsTr("OPENAI_API_KEY")
    }
}
