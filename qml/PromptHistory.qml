// A prompt's versions, newest first (number, note, author, time), and two of them side by side
// from the admin API's diff (GET /admin/v1/prompts/{name}/diff?from=A&to=B).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance
import "Prompts.js" as Prompts

ColumnLayout {
    id: history

    property var client: null
    property string promptName
    // The prompt's versions as GET /admin/v1/prompts/{name} gives them, oldest first.
    property var versions: []
    // The two compared: `fromVersion` on the left, `toVersion` on the right (0: none chosen).
    property int fromVersion: 0
    property int toVersion: 0
    property bool busy: false
    property double updatedAt: NaN
    property string loadError
    readonly property alias diff: diffModel
    readonly property var numbers: versions.map(v => v.version)
    property var lifetime: ({ alive: true, serial: 0 })
    Component.onDestruction: lifetime.alive = false

    // "Edit from this version" was chosen.
    signal editRequested(var version)

    // The latest version against the one before it, once the versions are known.
    function compareLatest() {
        const count = versions.length
        choose(count > 1 ? versions[count - 2].version : 0, count > 0 ? versions[count - 1].version : 0)
    }
    function choose(from, to) {
        fromVersion = from
        toVersion = to
        Qt.callLater(history.refresh)
    }
    function refresh() {
        const lifetime = history.lifetime
        const serial = ++lifetime.serial
        if (!client || promptName.length === 0 || fromVersion <= 0 || toVersion <= 0 || fromVersion === toVersion) {
            diffModel.clear()
            loadError = ""
            busy = false
            return
        }
        busy = true
        client.request("GET", Prompts.diffTarget(promptName, fromVersion, toVersion), {}, reply => {
            if (!lifetime.alive || serial !== lifetime.serial)
                return
            busy = false
            updatedAt = Date.now()
            if (!reply.ok) {
                diffModel.clear()
                loadError = Governance.errorOf(reply)
                return
            }
            diffModel.setAnswer(reply.body || {})
            loadError = diffModel.errorText
        })
    }

    // A click on a version shows it on the right, against the version on the left (the one before
    // it when the left would be itself).
    function pickTo(version) {
        const other = fromVersion > 0 && fromVersion !== version ? fromVersion
            : version > 1 ? version - 1 : numbers.find(n => n !== version) || 0
        choose(other, version)
    }
    // Newest first, each with the `id` AdminTable selects by.
    function fillRows() {
        rows.clear()
        for (let i = versions.length - 1; i >= 0; --i)
            rows.append({ item: Object.assign({ id: versions[i].version }, versions[i]) })
    }

    onVersionsChanged: {
        fillRows()
        // A new prompt, or a version added: compare the newest two unless both chosen still exist.
        if (numbers.indexOf(fromVersion) < 0 || numbers.indexOf(toVersion) < 0)
            compareLatest()
    }
    // Later: the versions of the new prompt arrive in the same change.
    onPromptNameChanged: Qt.callLater(history.compareLatest)
    spacing: Theme.spacing

    SideBySideDiffModel {
        id: diffModel
    }
    ListModel {
        id: rows
        property bool loading: false
    }

    AdminTable {
        objectName: "versionsTable"
        Layout.fillWidth: true
        model: rows
        visibleRows: 5
        rowHeight: 36
        selectable: true
        selectedId: history.toVersion
        emptyText: qsTr("No versions yet: save one in the editor.")
        onRowClicked: version => history.pickTo(version.version)
        columns: [
            TableColumn { title: qsTr("Version"); width: 64; value: version => "v" + version.version },
            TableColumn { title: qsTr("Note"); share: 2; value: version => version.note },
            TableColumn { title: qsTr("Model"); share: 1; monospace: true; value: version => version.model },
            TableColumn { title: qsTr("Author"); share: 1; muted: true; value: version => version.created_by },
            TableColumn { title: qsTr("Created"); width: 116; muted: true; value: version => Governance.dateTime(version.created_at_ms) },
            TableColumn {
                width: 262
                actions: [
                    TableAction {
                        text: qsTr("Compare with previous")
                        shownFor: version => version.version > 1
                        onTriggered: version => history.choose(version.version - 1, version.version)
                    },
                    TableAction {
                        text: qsTr("Edit from here")
                        onTriggered: version => history.editRequested(version)
                    }
                ]
            }
        ]
    }

    RowLayout {
        Layout.fillWidth: true
        visible: history.versions.length > 1
        spacing: Theme.spacingSmall

        Label {
            text: qsTr("Compare")
            color: Theme.textMuted
        }
        ChoiceBox {
            objectName: "diffFrom"
            Layout.preferredWidth: 110
            model: history.numbers.map(n => "v" + n)
            currentIndex: history.numbers.indexOf(history.fromVersion)
            onActivated: index => history.choose(history.numbers[index], history.toVersion)
        }
        Label {
            text: qsTr("with")
            color: Theme.textMuted
        }
        ChoiceBox {
            objectName: "diffTo"
            Layout.preferredWidth: 110
            model: history.numbers.map(n => "v" + n)
            currentIndex: history.numbers.indexOf(history.toVersion)
            onActivated: index => history.choose(history.fromVersion, history.numbers[index])
        }
        Label {
            objectName: "diffStatus"
            Layout.fillWidth: true
            text: history.busy ? qsTr("Loading…")
                : history.fromVersion === history.toVersion ? qsTr("Choose two different versions.")
                : diffModel.loaded && diffModel.addedLines + diffModel.removedLines + diffModel.changes.length === 0
                    ? qsTr("The two versions are the same.") : ""
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
        }
    }
    Label {
        objectName: "diffError"
        Layout.fillWidth: true
        visible: history.loadError.length > 0
        text: history.loadError
        color: Theme.danger
        wrapMode: Text.Wrap
    }
    PromptDiffView {
        objectName: "diffView"
        Layout.fillWidth: true
        diff: diffModel
    }
}
