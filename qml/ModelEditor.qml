// Adds a public model on one of the gateway's providers through the admin API.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

FormDialog {
    id: editor

    property var client: null
    // The names of the providers to choose from.
    property var providerNames: []

    function openNew() {
        modelName.text = ""
        upstreamModel.text = ""
        providerChoice.currentIndex = 0
        open()
    }

    title: qsTr("Add a model")
    confirmText: qsTr("Add model")
    initialFocus: modelName
    canConfirm: modelName.text.trim().length > 0 && providerNames.length > 0
    onConfirmed: {
        const upstream = upstreamModel.text.trim()
        submit(client, "POST", "/admin/v1/models", {
            model: modelName.text.trim(),
            deployments: [{ provider: providerNames[providerChoice.currentIndex],
                            model: upstream.length > 0 ? upstream : modelName.text.trim() }]
        })
    }

    FieldCaption { text: qsTr("Public name (what clients send as \"model\")") }
    InputField {
        id: modelName
        objectName: "modelName"
        Layout.fillWidth: true
        placeholderText: qsTr("team-gpt")
    }
    FieldCaption { text: qsTr("Provider") }
    ChoiceBox {
        id: providerChoice
        objectName: "modelProvider"
        Layout.fillWidth: true
        model: editor.providerNames
    }
    FieldCaption { text: qsTr("Model at the provider (empty: the same name)") }
    InputField {
        id: upstreamModel
        objectName: "upstreamModel"
        Layout.fillWidth: true
        placeholderText: qsTr("gpt-4o-mini")
    }
}
