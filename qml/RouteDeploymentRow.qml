// One deployment of the model in the routes editor: provider, model at the provider, weight,
// priority, an optional price (USD per 1M input and output tokens) and the deployment's own quota
// (requests and tokens per minute; docs/traffic-policy.md "Deployment limits"). It edits `entry`,
// an object of the editor's `deployments`, in place; the columns line up with RouteDeploymentHeader.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

RowLayout {
    id: row

    // The ModelEditor: its providers, whether it is read-only, which params are marked.
    required property var editor
    required property var entry
    required property int index

    readonly property string param: "deployments[" + index + "]"

    objectName: "routeDeployment"
    spacing: Theme.spacingSmall

    ChoiceBox {
        objectName: "modelProvider"
        Layout.preferredWidth: 150
        enabled: !row.editor.readOnly
        model: row.editor.providerNames
        currentIndex: row.editor.providerNames.indexOf(row.entry.provider)
        displayText: row.entry.provider.length > 0 ? row.entry.provider : qsTr("Provider")
        onActivated: index => {
            row.entry.provider = row.editor.providerNames[index]
            row.editor.touch()
        }
        onCurrentIndexChanged: if (currentIndex >= 0 && row.editor.providerNames[currentIndex] !== row.entry.provider) {
            row.entry.provider = row.editor.providerNames[currentIndex]
            row.editor.touch()
        }
    }
    RouteInput {
        objectName: "upstreamModel"
        Layout.fillWidth: true
        readOnly: row.editor.readOnly
        param: row.param + ".model"
        invalid: row.editor.marks(param)
        placeholderText: qsTr("gpt-4o-mini")
        text: row.entry.model
        onTextChanged: if (text !== row.entry.model) { row.entry.model = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentWeight"
        Layout.preferredWidth: 64
        readOnly: row.editor.readOnly
        param: row.param + ".weight"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        text: row.entry.weight
        onTextChanged: if (text !== row.entry.weight) { row.entry.weight = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentPriority"
        Layout.preferredWidth: 64
        readOnly: row.editor.readOnly
        param: row.param + ".priority"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        text: row.entry.priority
        onTextChanged: if (text !== row.entry.priority) { row.entry.priority = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentPriceIn"
        Layout.preferredWidth: 84
        readOnly: row.editor.readOnly
        param: row.param + ".price.input_per_million"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        placeholderText: qsTr("in $")
        text: row.entry.priceIn
        onTextChanged: if (text !== row.entry.priceIn) { row.entry.priceIn = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentPriceOut"
        Layout.preferredWidth: 84
        readOnly: row.editor.readOnly
        param: row.param + ".price.output_per_million"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        placeholderText: qsTr("out $")
        text: row.entry.priceOut
        onTextChanged: if (text !== row.entry.priceOut) { row.entry.priceOut = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentRpm"
        Layout.preferredWidth: 72
        readOnly: row.editor.readOnly
        param: row.param + ".limits.requests_per_minute"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        placeholderText: qsTr("RPM")
        text: row.entry.rpm
        onTextChanged: if (text !== row.entry.rpm) { row.entry.rpm = text; row.editor.touch() }
    }
    RouteInput {
        objectName: "deploymentTpm"
        Layout.preferredWidth: 84
        readOnly: row.editor.readOnly
        param: row.param + ".limits.tokens_per_minute"
        invalid: row.editor.marks(param)
        horizontalAlignment: Text.AlignRight
        placeholderText: qsTr("TPM")
        text: row.entry.tpm
        onTextChanged: if (text !== row.entry.tpm) { row.entry.tpm = text; row.editor.touch() }
    }
    ActionButton {
        objectName: "removeDeployment"
        Layout.preferredWidth: 36
        visible: !row.editor.readOnly
        enabled: row.editor.deployments.length > 1
        leftPadding: 0
        rightPadding: 0
        text: "✕"
        ToolTip.visible: hovered
        ToolTip.text: qsTr("Remove this deployment")
        onClicked: row.editor.removeDeployment(row.index)
    }
}
