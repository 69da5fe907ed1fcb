// A prompt's labels: which version (or weighted split) each one serves, set, moved or deleted —
// each change a deploy, confirmed as one.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts

ColumnLayout {
    id: labels

    property var client: null
    property string promptName
    // As GET /admin/v1/prompts/{name} gives them.
    property var labelList: []
    property var versions: []
    property int latestVersion: 0
    // Where the dialogs open (the page, so they are centred on it).
    property Item dialogParent: labels

    function fillRows() {
        rows.clear()
        for (const label of labelList)
            rows.append({ item: Object.assign({ id: label.label }, label) })
    }

    onLabelListChanged: fillRows()
    spacing: Theme.spacing

    ListModel {
        id: rows
        property bool loading: false
    }

    RowLayout {
        Layout.fillWidth: true

        Label {
            Layout.fillWidth: true
            text: qsTr("Applications call a label (production when they name none): moving it is the deploy, moving it back the rollback. Several versions split the calls by weight.")
            color: Theme.textMuted
            wrapMode: Text.Wrap
        }
        ActionButton {
            objectName: "setLabelButton"
            primary: true
            enabled: labels.versions.length > 0
            text: qsTr("Set label…")
            onClicked: labelDialog.openFor(null, labels.latestVersion)
        }
    }
    AdminTable {
        objectName: "labelsTable"
        Layout.fillWidth: true
        model: rows
        emptyText: labels.versions.length > 0 ? qsTr("No labels yet: calls without a label or a version find nothing until production is set.")
            : qsTr("Save a version first, then point a label at it.")
        columns: [
            TableColumn { title: qsTr("Label"); share: 1; monospace: true; value: label => label.label },
            TableColumn { title: qsTr("Serves"); share: 2; value: label => Prompts.splitText(label.split) },
            TableColumn { title: qsTr("Since"); width: 120; muted: true; value: label => Governance.dateTime(label.updated_at_ms) },
            TableColumn {
                width: 150
                actions: [
                    TableAction {
                        text: qsTr("Move…")
                        onTriggered: label => labelDialog.openFor(label, labels.latestVersion)
                    },
                    TableAction {
                        text: qsTr("Delete…")
                        onTriggered: label => deleteDialog.openFor(label)
                    }
                ]
            }
        ]
    }

    PromptLabelDialog {
        id: labelDialog
        objectName: "labelDialog"
        parent: labels.dialogParent
        client: labels.client
        promptName: labels.promptName
        versions: labels.versions.map(v => v.version)
    }

    FormDialog {
        id: deleteDialog
        objectName: "deleteLabelDialog"
        parent: labels.dialogParent

        property var label: null

        function openFor(label) {
            deleteDialog.label = label
            open()
        }

        title: qsTr("Delete label")
        message: !label ? "" : label.label === "production"
            ? qsTr("Delete the label production of %1 (%2)? This is a deploy: calls that name no label or version are refused (404) from now on.")
                .arg(labels.promptName).arg(Prompts.splitText(label.split))
            : qsTr("Delete the label %1 of %2 (%3)? This is a deploy: calls with this label are refused (404) from now on.")
                .arg(label.label).arg(labels.promptName).arg(Prompts.splitText(label.split))
        confirmText: qsTr("Delete")
        destructive: true
        canConfirm: label !== null
        onConfirmed: submit(labels.client, "DELETE", Prompts.labelPath(labels.promptName, label.label), {})
    }
}
