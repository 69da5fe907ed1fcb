// GitLab (docs/config-as-code.md "GitLab"): the configuration of the gateway the governance pages
// manage, pushed to a GitLab branch with the diff shown first (and a merge request if asked), or a
// branch, tag or commit of the repository planned against it and applied on confirmation; the
// access token kept in the keychain (else a private file); and the history of this console's pushes.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "Governance.js" as Governance

Item {
    id: page

    objectName: "gitLabPage"

    // GitLabSync, or a stand-in with the same properties, models and methods in tests.
    required property QtObject sync
    // Links open in the browser; tests turn that off and watch linkOpened.
    property bool openLinks: true
    // Which card's button started the job that runs ("export" or "import"): its card shows the activity.
    property string jobCard

    readonly property bool repositoryGiven: sync.token.instance.length > 0
    readonly property var lastPush: sync.lastPush
    readonly property bool pushed: lastPush !== undefined && lastPush !== null && lastPush.sha !== undefined && String(lastPush.sha).length > 0

    signal linkOpened(string url)

    function openLink(url) {
        linkOpened(url)
        if (openLinks)
            Qt.openUrlExternally(url)
    }
    function exportOptions() {
        return {
            branch: branchField.text.trim(),
            includeKeys: includeKeys.checked,
            mergeRequest: mergeRequest.checked,
            target: targetField.text.trim(),
            title: titleField.text.trim()
        }
    }
    function preview() {
        jobCard = "export"
        sync.preview(exportOptions())
    }
    function push() {
        jobCard = "export"
        sync.push()
    }
    function plan() {
        jobCard = "import"
        sync.planImport(refField.text.trim(), pruneChoice.checked, importKeysChoice.checked)
    }
    // Anything that changes what a preview would show makes the preview shown a thing of the past.
    function exportOptionsEdited() {
        if (sync.previewReady && !sync.busy)
            sync.discardPreview()
    }
    function importOptionsEdited() {
        if (sync.planReady && !sync.busy)
            sync.discardPlan()
    }
    function countOf(status) {
        return sync.changedFiles.filter(f => f.status === status).length
    }
    function previewSummary() {
        const options = sync.previewOptions
        const files = sync.changedFiles
        if (files.length === 0)
            return qsTr("Nothing to push: %1 already holds this configuration.").arg(options.branch)
        let text = (files.length === 1 ? qsTr("1 file changes on %1").arg(options.branch)
            : qsTr("%1 files change on %2").arg(files.length).arg(options.branch))
            + qsTr(": %1 added, %2 changed, %3 removed.").arg(countOf("A")).arg(countOf("M")).arg(countOf("D"))
        if (options.mergeRequest)
            text += " " + qsTr("Push then opens a merge request into %1 (or reuses the one open).").arg(options.target)
        return text
    }
    function pushSummary() {
        if (!pushed)
            return ""
        if (lastPush.filesChanged === 0)
            return qsTr("Nothing was pushed: %1 already held this configuration.").arg(lastPush.branch)
        return lastPush.filesChanged === 1 ? qsTr("Pushed 1 changed file to %1.").arg(lastPush.branch)
            : qsTr("Pushed %1 changed files to %2.").arg(lastPush.filesChanged).arg(lastPush.branch)
    }
    function planSummary() {
        const summary = sync.plan.summary
        if (sync.plan.count === 0)
            return sync.plan.problems.length > 0 ? qsTr("%1 cannot be applied as it is:").arg(sync.planRef)
                : qsTr("No changes: %1 already matches %2.").arg(sync.location).arg(sync.planRef)
        return qsTr("Plan of %1 against %2: %3 to create, %4 to update, %5 to delete.").arg(sync.planRef).arg(sync.location)
            .arg(summary.create).arg(summary.update).arg(summary.delete)
    }
    function changeTone(action) {
        return action === "create" ? "success" : action === "update" ? "warning" : "danger"
    }

    // Starts where the newest export went: usually where the next one goes too.
    Component.onCompleted: {
        if (sync.repository.length > 0) {
            repositoryField.text = sync.repository
        } else if (sync.history.count > 0) {
            const newest = sync.history.get(0)
            repositoryField.text = newest.repository
            branchField.text = newest.branch
        }
    }

    component StatusBadge: Rectangle {
        required property string status
        implicitWidth: 22
        implicitHeight: 20
        radius: 4
        color: status === "A" ? Theme.successSoft : status === "D" ? Theme.dangerSoft : Theme.warningSoft

        Label {
            anchors.centerIn: parent
            text: parent.status
            color: parent.status === "A" ? Theme.success : parent.status === "D" ? Theme.danger : Theme.warning
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
        }
    }
    // What the job started from this card is doing now.
    component Activity: RowLayout {
        required property string card
        visible: page.sync.busy && page.jobCard === card
        spacing: Theme.spacingSmall

        BusyIndicator {
            implicitWidth: 20
            implicitHeight: 20
            running: parent.visible
        }
        Label {
            objectName: "activity"
            Layout.fillWidth: true
            text: page.sync.activity
            color: Theme.textMuted
            elide: Text.ElideRight
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 16

        PageHeader {
            Layout.fillWidth: true
            title: qsTr("GitLab")
            subtitle: qsTr("The gateway's configuration as code in a GitLab repository: push it for review, or plan and apply what a branch holds.")
        }

        ErrorBanner {
            objectName: "errorBanner"
            Layout.fillWidth: true
            visible: page.sync.errorText.length > 0
            title: page.sync.errorTitle
            message: page.sync.errorText
            actionText: qsTr("Dismiss")
            onActionTriggered: page.sync.dismissError()
        }

        Flickable {
            id: scroller
            objectName: "gitLabScroller"
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentWidth: width
            contentHeight: cards.implicitHeight
            clip: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {
                policy: ScrollBar.AlwaysOn
                visible: scroller.contentHeight > scroller.height + 0.5
            }

            ColumnLayout {
                id: cards
                width: scroller.width - 14
                spacing: 16

                Card {
                    objectName: "repositoryCard"
                    Layout.fillWidth: true
                    title: qsTr("Repository")

                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacingLarge

                        ColumnLayout {
                            Layout.fillWidth: true
                            Layout.alignment: Qt.AlignTop
                            spacing: Theme.spacingSmall

                            FieldCaption { text: qsTr("Repository URL") }
                            InputField {
                                id: repositoryField
                                objectName: "repositoryField"
                                Layout.fillWidth: true
                                // What a running job works on stays put until it ends.
                                enabled: !page.sync.busy
                                placeholderText: "https://gitlab.example.com/platform/gateway-config.git"
                                font.family: Theme.monospaceFamily
                                onTextChanged: page.sync.repository = text.trim()
                            }
                            FieldCaption {
                                Layout.fillWidth: true
                                text: page.repositoryGiven || repositoryField.text.trim().length === 0
                                    ? qsTr("HTTPS; plain http only on this machine (127.0.0.1), so a token never crosses a network in the clear.")
                                    : qsTr("Not a repository URL: https://host/group/project.git")
                                color: page.repositoryGiven || repositoryField.text.trim().length === 0 ? Theme.textMuted : Theme.danger
                                wrapMode: Text.Wrap
                            }
                        }
                        ColumnLayout {
                            Layout.preferredWidth: 440
                            Layout.alignment: Qt.AlignTop
                            spacing: Theme.spacingSmall

                            FieldCaption {
                                text: page.repositoryGiven ? qsTr("Access token for %1").arg(page.sync.token.instance) : qsTr("Access token")
                            }
                            GitLabTokenField {
                                objectName: "tokenField"
                                Layout.fillWidth: true
                                store: page.sync.token
                            }
                        }
                    }
                }

                Card {
                    objectName: "exportCard"
                    Layout.fillWidth: true
                    title: qsTr("Export to GitLab")

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Exports the configuration of %1, shows what it changes on the branch, and pushes it when you say so.")
                            .arg(page.sync.location)
                        color: Theme.textMuted
                        wrapMode: Text.Wrap
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing

                        FieldCaption { text: qsTr("Branch") }
                        InputField {
                            id: branchField
                            objectName: "branchField"
                            Layout.preferredWidth: 260
                            placeholderText: "gatehouse/config"
                            font.family: Theme.monospaceFamily
                            onTextChanged: page.exportOptionsEdited()
                        }
                        CheckBox {
                            id: includeKeys
                            objectName: "includeKeys"
                            Layout.leftMargin: Theme.spacing
                            text: qsTr("Include API keys (their SHA-256 and prefix, never the key)")
                            checked: true
                            onToggled: page.exportOptionsEdited()
                        }
                        Item { Layout.fillWidth: true }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing

                        CheckBox {
                            id: mergeRequest
                            objectName: "mergeRequest"
                            text: qsTr("Open a merge request into")
                            onToggled: page.exportOptionsEdited()
                        }
                        InputField {
                            id: targetField
                            objectName: "targetField"
                            Layout.preferredWidth: 160
                            enabled: mergeRequest.checked
                            text: "main"
                            font.family: Theme.monospaceFamily
                            onTextChanged: page.exportOptionsEdited()
                        }
                        FieldCaption { text: qsTr("titled") }
                        InputField {
                            id: titleField
                            objectName: "titleField"
                            Layout.fillWidth: true
                            enabled: mergeRequest.checked
                            text: qsTr("Gatehouse configuration")
                            onTextChanged: page.exportOptionsEdited()
                        }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacingSmall

                        ActionButton {
                            objectName: "previewButton"
                            primary: !page.sync.previewReady
                            text: page.sync.previewReady ? qsTr("Preview again") : qsTr("Preview")
                            enabled: !page.sync.busy && page.repositoryGiven && branchField.text.trim().length > 0
                                && (!mergeRequest.checked || targetField.text.trim().length > 0)
                            onClicked: page.preview()
                        }
                        ActionButton {
                            objectName: "pushButton"
                            primary: page.sync.previewReady
                            text: mergeRequest.checked ? qsTr("Push and open merge request") : qsTr("Push")
                            enabled: page.sync.canPush && (page.sync.changedFiles.length > 0 || page.sync.previewOptions.mergeRequest === true)
                            onClicked: page.push()
                        }
                        ActionButton {
                            objectName: "discardPreviewButton"
                            visible: page.sync.previewReady && !page.sync.busy
                            text: qsTr("Discard")
                            onClicked: page.sync.discardPreview()
                        }
                        Activity {
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.spacing
                            card: "export"
                        }
                        Item {
                            Layout.fillWidth: true
                            visible: !(page.sync.busy && page.jobCard === "export")
                        }
                    }

                    ColumnLayout {
                        objectName: "preview"
                        Layout.fillWidth: true
                        visible: page.sync.previewReady
                        spacing: Theme.spacingSmall

                        Label {
                            objectName: "previewSummary"
                            Layout.fillWidth: true
                            text: page.sync.previewReady ? page.previewSummary() : ""
                            color: Theme.text
                            wrapMode: Text.Wrap
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            visible: page.sync.changedFiles.length > 0
                            spacing: Theme.spacing

                            Rectangle {
                                Layout.preferredWidth: 300
                                Layout.fillHeight: true
                                radius: 6
                                color: Theme.surfaceAlternate
                                border.color: Theme.border
                                clip: true

                                ListView {
                                    id: fileList
                                    objectName: "changedFiles"
                                    anchors.fill: parent
                                    anchors.margins: 1
                                    model: page.sync.changedFiles
                                    boundsBehavior: Flickable.StopAtBounds
                                    ScrollBar.vertical: ScrollBar {
                                        policy: ScrollBar.AlwaysOn
                                        visible: fileList.contentHeight > fileList.height + 0.5
                                    }
                                    delegate: ItemDelegate {
                                        id: fileRow
                                        required property var modelData
                                        objectName: "changedFile"
                                        width: ListView.view.width - 8
                                        height: 28
                                        padding: 0
                                        leftPadding: Theme.spacingSmall
                                        hoverEnabled: true
                                        background: Rectangle {
                                            color: fileRow.hovered ? Theme.accentSoft : "transparent"
                                        }
                                        contentItem: RowLayout {
                                            spacing: Theme.spacingSmall
                                            StatusBadge {
                                                status: fileRow.modelData.status
                                            }
                                            Label {
                                                Layout.fillWidth: true
                                                text: fileRow.modelData.path
                                                color: Theme.text
                                                font.family: Theme.monospaceFamily
                                                font.pixelSize: Theme.fontSizeSmall
                                                elide: Text.ElideMiddle
                                            }
                                        }
                                        onClicked: diffView.showFile(modelData.path)
                                    }
                                }
                            }
                            GitLabDiffView {
                                id: diffView
                                objectName: "diffView"
                                Layout.fillWidth: true
                                // As tall as its lines, within reason: a long diff scrolls.
                                Layout.preferredHeight: Math.min(440, Math.max(160, contentHeight))
                                model: page.sync.diff
                            }
                        }
                    }

                    ColumnLayout {
                        objectName: "pushResult"
                        Layout.fillWidth: true
                        visible: page.pushed
                        spacing: Theme.spacingSmall

                        Label {
                            objectName: "pushSummary"
                            Layout.fillWidth: true
                            text: page.pushSummary()
                            color: Theme.success
                            font.bold: true
                            wrapMode: Text.Wrap
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            spacing: Theme.spacing

                            FieldCaption { text: qsTr("Commit") }
                            CopyableField {
                                objectName: "pushedSha"
                                Layout.preferredWidth: 520
                                value: page.pushed ? page.lastPush.sha : ""
                            }
                            Item { Layout.fillWidth: true }
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            visible: page.pushed && String(page.lastPush.mergeRequestUrl).length > 0
                            spacing: Theme.spacing

                            FieldCaption { text: qsTr("Merge request") }
                            Label {
                                objectName: "mergeRequestLink"
                                text: page.pushed ? qsTr("!%1 %2").arg(page.lastPush.mergeRequestIid)
                                    .arg(page.lastPush.mergeRequestReused ? qsTr("(already open)") : qsTr("(opened)")) : ""
                                color: Theme.accent
                                font.underline: true
                                font.bold: true

                                MouseArea {
                                    anchors.fill: parent
                                    cursorShape: Qt.PointingHandCursor
                                    onClicked: page.openLink(page.lastPush.mergeRequestUrl)
                                }
                            }
                            Label {
                                objectName: "mergeRequestUrl"
                                Layout.fillWidth: true
                                text: page.pushed ? page.lastPush.mergeRequestUrl : ""
                                color: Theme.textMuted
                                elide: Text.ElideMiddle
                            }
                        }
                    }
                }

                Card {
                    objectName: "importCard"
                    Layout.fillWidth: true
                    title: qsTr("Import from GitLab")

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Fetches a branch, tag or commit, plans it against %1, and applies it when you confirm: all or nothing.")
                            .arg(page.sync.location)
                        color: Theme.textMuted
                        wrapMode: Text.Wrap
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacing

                        FieldCaption { text: qsTr("Branch, tag or commit") }
                        InputField {
                            id: refField
                            objectName: "refField"
                            Layout.preferredWidth: 260
                            placeholderText: "main"
                            font.family: Theme.monospaceFamily
                            onTextChanged: page.importOptionsEdited()
                            onAccepted: if (planButton.enabled) page.plan()
                        }
                        CheckBox {
                            id: pruneChoice
                            objectName: "pruneChoice"
                            text: qsTr("Prune: also delete what the repository does not have (keys are revoked)")
                            onToggled: page.importOptionsEdited()
                        }
                        CheckBox {
                            id: importKeysChoice
                            objectName: "importKeysChoice"
                            text: qsTr("Import API keys by their hash")
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("Only for a trusted gateway's export: whoever writes a key file chooses that key's secret.")
                            onToggled: page.importOptionsEdited()
                        }
                        Item { Layout.fillWidth: true }
                    }
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacingSmall

                        ActionButton {
                            id: planButton
                            objectName: "planButton"
                            primary: !page.sync.planReady
                            text: page.sync.planReady ? qsTr("Plan again") : qsTr("Plan")
                            enabled: !page.sync.busy && page.repositoryGiven && refField.text.trim().length > 0
                            onClicked: page.plan()
                        }
                        ActionButton {
                            objectName: "applyButton"
                            primary: page.sync.canApply
                            text: qsTr("Apply…")
                            enabled: page.sync.canApply
                            onClicked: applyDialog.open()
                        }
                        Activity {
                            Layout.fillWidth: true
                            Layout.leftMargin: Theme.spacing
                            card: "import"
                        }
                        Item {
                            Layout.fillWidth: true
                            visible: !(page.sync.busy && page.jobCard === "import")
                        }
                    }

                    ColumnLayout {
                        objectName: "planView"
                        Layout.fillWidth: true
                        visible: page.sync.planReady
                        spacing: Theme.spacingSmall

                        Label {
                            objectName: "planSummary"
                            Layout.fillWidth: true
                            text: page.sync.planReady ? page.planSummary() : ""
                            color: Theme.text
                            wrapMode: Text.Wrap
                        }
                        AdminTable {
                            objectName: "planTable"
                            Layout.fillWidth: true
                            visible: page.sync.plan.count > 0
                            model: page.sync.plan
                            visibleRows: 10
                            rowHeight: 34
                            columns: [
                                TableColumn {
                                    title: qsTr("Change"); width: 96
                                    pillText: change => change.sign + " " + change.action
                                    pillTone: change => page.changeTone(change.action)
                                },
                                TableColumn { title: qsTr("Kind"); width: 90; value: change => change.kind },
                                TableColumn { title: qsTr("Name"); share: 1.2; monospace: true; value: change => change.name },
                                TableColumn { title: qsTr("File"); share: 1.6; monospace: true; muted: true; value: change => change.file },
                                TableColumn { title: qsTr("Members"); share: 1.4; muted: true; value: change => change.members }
                            ]
                        }
                        Rectangle {
                            objectName: "planProblems"
                            Layout.fillWidth: true
                            visible: page.sync.plan.problems.length > 0
                            implicitHeight: problemColumn.implicitHeight + 2 * Theme.spacing
                            radius: 6
                            color: Theme.dangerSoft
                            border.color: Qt.lighter(Theme.danger, 1.6)

                            ColumnLayout {
                                id: problemColumn
                                x: Theme.spacing
                                y: Theme.spacing
                                width: parent.width - 2 * Theme.spacing
                                spacing: 4

                                Label {
                                    Layout.fillWidth: true
                                    text: page.sync.plan.problems.length === 1
                                        ? qsTr("1 problem: nothing can be applied until it is fixed in the repository.")
                                        : qsTr("%1 problems: nothing can be applied until they are fixed in the repository.").arg(page.sync.plan.problems.length)
                                    color: Theme.danger
                                    font.bold: true
                                    wrapMode: Text.Wrap
                                }
                                Repeater {
                                    model: page.sync.plan.problems
                                    Label {
                                        required property string modelData
                                        objectName: "planProblem"
                                        Layout.fillWidth: true
                                        text: modelData
                                        color: Theme.text
                                        font.family: Theme.monospaceFamily
                                        font.pixelSize: Theme.fontSizeSmall
                                        wrapMode: Text.Wrap
                                        textFormat: Text.PlainText
                                    }
                                }
                            }
                        }
                        Label {
                            objectName: "importOutcome"
                            Layout.fillWidth: true
                            visible: text.length > 0
                            text: page.sync.importOutcome
                            color: Theme.success
                            font.bold: true
                            wrapMode: Text.Wrap
                        }
                    }
                }

                Card {
                    objectName: "historyCard"
                    Layout.fillWidth: true
                    title: qsTr("Export history")

                    AdminTable {
                        objectName: "historyTable"
                        Layout.fillWidth: true
                        model: page.sync.history
                        visibleRows: 8
                        rowHeight: 36
                        emptyText: qsTr("No exports yet: each push from this console is listed here.")
                        columns: [
                            TableColumn { title: qsTr("Time"); width: 130; value: entry => Governance.dateTime(entry.timeMs) },
                            TableColumn { title: qsTr("Repository"); share: 2; monospace: true; value: entry => entry.repository },
                            TableColumn { title: qsTr("Branch"); share: 1; monospace: true; value: entry => entry.branch },
                            TableColumn { title: qsTr("Commit"); width: 90; monospace: true; value: entry => String(entry.sha).substring(0, 8) },
                            TableColumn { title: qsTr("Files"); width: 50; alignment: Qt.AlignRight; value: entry => String(entry.filesChanged) },
                            TableColumn {
                                title: qsTr("Merge request"); width: 130
                                actions: [
                                    TableAction {
                                        text: qsTr("Open")
                                        shownFor: entry => String(entry.mergeRequestUrl).length > 0
                                        onTriggered: entry => page.openLink(entry.mergeRequestUrl)
                                    }
                                ]
                            }
                        ]
                    }
                    FieldCaption {
                        Layout.fillWidth: true
                        text: qsTr("Kept in %1 (the newest 100).").arg(page.sync.history.shownPath)
                        elide: Text.ElideMiddle
                    }
                }
            }
        }
    }

    FormDialog {
        id: applyDialog
        objectName: "applyDialog"

        title: qsTr("Apply %1?").arg(page.sync.planRef)
        message: {
            const summary = page.sync.plan.summary || {}
            return qsTr("%1 gets %2 created, %3 updated and %4 deleted, as the plan shows, in one transaction: all or nothing.")
                .arg(page.sync.location).arg(summary.create).arg(summary.update).arg(summary.delete)
                + (page.sync.planPrune ? " " + qsTr("Prune is on: what the repository does not have is deleted, and its keys revoked.") : "")
        }
        confirmText: qsTr("Apply")
        destructive: page.sync.planPrune || (page.sync.plan.summary && page.sync.plan.summary.delete > 0)
        canConfirm: page.sync.canApply
        onConfirmed: {
            page.jobCard = "import"
            page.sync.applyImport()
            close()
        }
    }
}
