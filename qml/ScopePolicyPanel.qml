// The rate limits and budgets of exactly one scope — a key, a consumer or a tenant — with what is
// used and left of each now, and, for an admin, setting, changing and removing them (entries of the
// config file are shown read-only). The API Keys and Tenants & Consumers pages show one for the
// chosen key, tenant and consumer.
//
// The admin API has no per-scope read, so the panel reads the whole lists — the configured entries
// (GET /admin/v1/limits, /admin/v1/budgets) and their usage on the running gateway
// (/admin/v1/traffic/rate-limits, /budgets) — and picks this scope's. While shown it asks again every
// 5 s (usage moves with every call) and after each change made through the client.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "ScopePolicy.js" as ScopePolicy
import "Traffic.js" as Traffic

ColumnLayout {
    id: panel

    // The admin API: controller.admin.client, or a stand-in with the same request() in tests.
    property var client: null
    // "key" (id: its prefix), "consumer" ("tenant/consumer") or "tenant" (its name); no id: nothing chosen.
    property string scope
    property string scopeId
    // How the dialogs name the scope: "key reports (gk-AbCdEf1)".
    property string scopeLabel: scope + " " + scopeId
    // Where the dialogs open, centred: the page (the panel may sit in a narrow column).
    property Item dialogParent: panel
    property int refreshInterval: 5000
    property double now: Date.now()

    readonly property bool active: visible && !!client && scopeId.length > 0
    readonly property var lists: [limitList, budgetList, limitUsageList, budgetUsageList]
    readonly property bool busy: limitList.busy || budgetList.busy || limitUsageList.busy || budgetUsageList.busy
    // The configured entries are known, so what the scope has (and may get) can be offered.
    readonly property bool known: limitList.answered && budgetList.answered
        && limitList.failure.length === 0 && budgetList.failure.length === 0
    // Every list answered at least once and none is on its way (the screenshot waits for it).
    readonly property bool settled: lists.every(l => l.answered) && !busy

    // Bumped whenever a list took in an answer: the scope's entries below are worked out again.
    property int revision: 0
    readonly property var limit: revision >= 0 ? ScopePolicy.limitOf(itemsOf(limitList), scope, scopeId) : null
    readonly property var limitUsage: revision >= 0 ? ScopePolicy.entriesOf(itemsOf(limitUsageList), scope, scopeId)[0] || null : null
    // Set, not bound: a Repeater shows them, and a new array (each refresh makes one) would make its cells anew.
    property var budgets: []
    readonly property var budgetUsage: revision >= 0 ? itemsOf(budgetUsageList) : []
    readonly property bool limitFromFile: ScopePolicy.isFromFile(limit)
    // Why something could not load, each reason once, in the API's words.
    readonly property string errorText: {
        const reasons = []
        for (const list of lists) {
            if (list.failure.length > 0 && reasons.indexOf(list.failure) < 0)
                reasons.push(list.failure)
        }
        return reasons.join("\n")
    }

    // Cells side by side while each gets at least 200 px: three across a page, one in a narrow column.
    // Every cell takes an equal share of the width (not a width worked out from the panel's, which
    // the layouts would keep asking back), so budgets line up under the limits. Set after the
    // layout pass that gave the panel its width: changing it within that pass would lay everything
    // out again, and again (a polish loop).
    property int columns: 3
    function updateColumns() {
        const fitting = Math.max(1, Math.min(3, Math.floor((width + Theme.spacingLarge) / (200 + Theme.spacingLarge))))
        if (fitting !== columns)
            columns = fitting
    }
    onWidthChanged: Qt.callLater(panel.updateColumns)

    // Lists whose answer may predate a change (asked before it): they ask again once it arrives.
    property var staleLists: []

    function itemsOf(list) {
        const items = []
        for (let i = 0; i < list.count; ++i)
            items.push(list.get(i).item)
        return items
    }
    function refresh() {
        now = Date.now()
        for (const list of lists) {
            if (!list.refresh() && list.busy && staleLists.indexOf(list) < 0)
                staleLists.push(list)
        }
    }
    function updateBudgets() {
        const next = ScopePolicy.budgetsOf(itemsOf(budgetList), scope, scopeId)
        if (JSON.stringify(next) !== JSON.stringify(budgets))
            budgets = next
    }
    function listUpdated(list) {
        ++revision
        if (list === budgetList)
            updateBudgets()
        const stale = staleLists.indexOf(list)
        if (stale >= 0) {
            staleLists.splice(stale, 1)
            list.refresh()
        }
    }
    // A scope without entries of its own is still held to those of the scopes it belongs to.
    function noLimitsText() {
        return scope === "key" ? qsTr("No rate limits of its own; its consumer's and tenant's still apply.")
            : scope === "consumer" ? qsTr("No rate limits of its own; its tenant's still apply.")
            : qsTr("No rate limits of its own.")
    }
    function noBudgetText() {
        return scope === "key" ? qsTr("No budget of its own; its consumer's and tenant's still apply.")
            : scope === "consumer" ? qsTr("No budget of its own; its tenant's still apply.")
            : qsTr("No budget of its own.")
    }

    // Paged lists asked for in one page of the largest size; usage lists are whole anyway.
    TrafficList {
        id: limitList
        client: panel.client
        path: "/admin/v1/limits?limit=1000"
        onUpdated: panel.listUpdated(limitList)
    }
    TrafficList {
        id: budgetList
        client: panel.client
        path: "/admin/v1/budgets?limit=1000"
        onUpdated: panel.listUpdated(budgetList)
    }
    TrafficList {
        id: limitUsageList
        client: panel.client
        path: "/admin/v1/traffic/rate-limits"
        onUpdated: panel.listUpdated(limitUsageList)
    }
    TrafficList {
        id: budgetUsageList
        client: panel.client
        path: "/admin/v1/traffic/budgets"
        onUpdated: panel.listUpdated(budgetUsageList)
    }

    Timer {
        interval: panel.refreshInterval
        repeat: true
        running: panel.active
        onTriggered: panel.refresh()
    }
    Connections {
        target: panel.client
        enabled: panel.active
        ignoreUnknownSignals: true
        function onChanged() {
            panel.refresh()
        }
    }
    onActiveChanged: if (active) Qt.callLater(panel.refresh)
    onScopeChanged: updateBudgets()
    onScopeIdChanged: updateBudgets()
    onClientChanged: if (active) Qt.callLater(panel.refresh)

    spacing: Theme.spacingSmall

    component SmallButton: ActionButton {
        implicitHeight: 28
        padding: 4
        leftPadding: 10
        rightPadding: 10
        font.pixelSize: Theme.fontSizeSmall
    }
    component SectionTitle: Label {
        color: Theme.text
        font.bold: true
    }
    component Note: Label {
        Layout.fillWidth: true
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }
    component FileSourcePill: StatusPill {
        text: qsTr("Config file")
        tone: "warning"
    }

    Label {
        objectName: "policyError"
        Layout.fillWidth: true
        visible: panel.errorText.length > 0
        text: panel.errorText
        color: Theme.danger
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingSmall

        SectionTitle {
            text: qsTr("Rate limits")
        }
        FileSourcePill {
            objectName: "limitSource"
            visible: panel.limitFromFile
        }
        Item {
            Layout.fillWidth: true
        }
        SmallButton {
            objectName: "setLimitsButton"
            visible: panel.known && !panel.limit
            text: qsTr("Set limits…")
            onClicked: limitDialog.openFor(null)
        }
        SmallButton {
            objectName: "changeLimitsButton"
            visible: panel.known && !!panel.limit && !panel.limitFromFile
            text: qsTr("Change…")
            onClicked: limitDialog.openFor(panel.limit)
        }
        SmallButton {
            objectName: "removeLimitsButton"
            visible: panel.known && !!panel.limit && !panel.limitFromFile
            text: qsTr("Remove…")
            onClicked: removeDialog.openForLimit()
        }
    }
    Note {
        objectName: "limitNote"
        visible: text.length > 0
        text: !panel.known ? (limitList.answered ? "" : qsTr("Loading…"))
            : !panel.limit ? panel.noLimitsText()
            : panel.limitFromFile ? qsTr("Declared in the config file (policy.limits): read-only here, change it in the file.") : ""
    }
    GridLayout {
        Layout.fillWidth: true
        visible: !!panel.limit
        columns: panel.columns
        columnSpacing: Theme.spacingLarge
        rowSpacing: Theme.spacing

        Repeater {
            model: ScopePolicy.dimensions

            ColumnLayout {
                required property var modelData

                objectName: "rateCell"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.alignment: Qt.AlignTop
                spacing: 2

                FieldCaption {
                    text: modelData.caption
                }
                TrafficMeter {
                    Layout.fillWidth: true
                    value: ScopePolicy.rateMeter(modelData, panel.limit, panel.limitUsage)
                }
            }
        }
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacingSmall
        spacing: Theme.spacingSmall

        SectionTitle {
            text: qsTr("Budgets")
        }
        Item {
            Layout.fillWidth: true
        }
        SmallButton {
            objectName: "addBudgetButton"
            visible: panel.known && panel.budgets.length < ScopePolicy.periods.length
            text: qsTr("Add budget…")
            onClicked: budgetDialog.openNew(panel.budgets.map(b => b.period))
        }
    }
    Note {
        objectName: "budgetNote"
        visible: text.length > 0
        text: !panel.known ? (budgetList.answered ? "" : qsTr("Loading…"))
            : panel.budgets.length === 0 ? panel.noBudgetText()
            : panel.budgets.some(ScopePolicy.isFromFile) ? qsTr("Budgets marked Config file are declared in the config file (policy.budgets): read-only here, change them in the file.")
            : ""
    }
    GridLayout {
        Layout.fillWidth: true
        visible: panel.budgets.length > 0
        columns: panel.columns
        columnSpacing: Theme.spacingLarge
        rowSpacing: Theme.spacing

        Repeater {
            model: panel.budgets

            ColumnLayout {
                id: budgetCell

                required property var modelData
                readonly property bool fromFile: ScopePolicy.isFromFile(modelData)
                readonly property var view: ScopePolicy.budgetView(modelData, ScopePolicy.budgetUsageOf(panel.budgetUsage, modelData), panel.now)

                objectName: "budgetCell"
                Layout.fillWidth: true
                Layout.preferredWidth: 1
                Layout.alignment: Qt.AlignTop
                spacing: 2

                RowLayout {
                    Layout.fillWidth: true
                    // As high with a pill as without: cells side by side keep their meters level.
                    Layout.preferredHeight: 22
                    spacing: Theme.spacingSmall

                    FieldCaption {
                        Layout.fillWidth: true
                        text: Traffic.periodText(budgetCell.modelData.period)
                        elide: Text.ElideRight
                    }
                    FileSourcePill {
                        visible: budgetCell.fromFile
                    }
                }
                TrafficMeter {
                    Layout.fillWidth: true
                    value: budgetCell.view.meter
                }
                Label {
                    objectName: "budgetStatus"
                    Layout.fillWidth: true
                    text: budgetCell.view.status
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
                // Under the numbers, so a narrow cell still shows the period's name whole.
                RowLayout {
                    Layout.topMargin: 4
                    visible: !budgetCell.fromFile
                    spacing: Theme.spacingSmall

                    SmallButton {
                        text: qsTr("Change…")
                        onClicked: budgetDialog.openEdit(budgetCell.modelData)
                    }
                    SmallButton {
                        text: qsTr("Remove…")
                        onClicked: removeDialog.openForBudget(budgetCell.modelData)
                    }
                }
            }
        }
        // Empty cells that complete the last row, so one or two budgets keep the width of a column.
        Repeater {
            model: (panel.columns - panel.budgets.length % panel.columns) % panel.columns
            Item {
                Layout.fillWidth: true
                Layout.preferredWidth: 1
            }
        }
    }

    ScopeLimitDialog {
        id: limitDialog
        objectName: "limitDialog"
        parent: panel.dialogParent
        client: panel.client
        scope: panel.scope
        scopeId: panel.scopeId
        scopeLabel: panel.scopeLabel
    }
    ScopeBudgetDialog {
        id: budgetDialog
        objectName: "budgetDialog"
        parent: panel.dialogParent
        client: panel.client
        scope: panel.scope
        scopeId: panel.scopeId
        scopeLabel: panel.scopeLabel
    }

    // Removing asks first, and takes a reason for the audit log.
    FormDialog {
        id: removeDialog
        objectName: "removePolicyDialog"

        // The budget to remove; null: the rate limits.
        property var budget: null

        function openForLimit() {
            budget = null
            title = qsTr("Remove rate limits")
            message = qsTr("Remove the rate limits of %1? Its calls are then no longer limited at this level.").arg(panel.scopeLabel)
            removeReason.text = ""
            open()
        }
        function openForBudget(budget) {
            removeDialog.budget = budget
            title = qsTr("Remove budget")
            message = qsTr("Remove the %1 budget of %2? Its calls are then no longer held to it.").arg(budget.period).arg(panel.scopeLabel)
            removeReason.text = ""
            open()
        }

        parent: panel.dialogParent
        confirmText: qsTr("Remove")
        destructive: true
        initialFocus: removeReason
        onConfirmed: submit(panel.client, "DELETE", budget ? ScopePolicy.budgetPath(panel.scope, panel.scopeId, budget.period, removeReason.text)
            : ScopePolicy.limitPath(panel.scope, panel.scopeId, removeReason.text), {})

        FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
        InputField {
            id: removeReason
            objectName: "removeReason"
            Layout.fillWidth: true
            onAccepted: removeDialog.confirm()
        }
    }
}
