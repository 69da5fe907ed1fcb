// Adds or changes one budget of a scope (a key, a consumer or a tenant) with PUT /admin/v1/budgets:
// its period, its hard limit in USD and an optional soft threshold (an amount, or a share of the
// limit) that raises an alert. A scope has one budget per period, so a change keeps the period.
// A refusal keeps the form open, with the API's message and the field its `param` names in red.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "ScopePolicy.js" as ScopePolicy
import "Traffic.js" as Traffic

FormDialog {
    id: dialog

    property var client: null
    // The scope as the API names it ("key", "consumer", "tenant") and its id, and how people read it.
    property string scope
    property string scopeId
    property string scopeLabel
    // True: a new budget for one of `periods`; false: a change of the budget of `periods[0]`.
    property bool isNew: true
    property var periods: ScopePolicy.periods
    // The form's own check: {param: message}.
    property var problems: ({})

    readonly property string period: periods[Math.max(0, periodBox.currentIndex)] || "monthly"

    // A new budget, for a period the scope has none for yet (`taken`: those it has).
    function openNew(taken) {
        isNew = true
        periods = ScopePolicy.periods.filter(p => taken.indexOf(p) < 0)
        fill(null)
        periodBox.currentIndex = Math.max(0, periods.indexOf("monthly"))
    }
    function openEdit(budget) {
        isNew = false
        periods = [budget.period]
        fill(budget)
        periodBox.currentIndex = 0
    }
    function fill(budget) {
        const form = ScopePolicy.budgetForm(budget)
        amount.text = form.amount
        soft.text = form.soft
        reason.text = ""
        problems = {}
        errorText = ""
        open()
    }
    function marks(param) {
        return ScopePolicy.marks(problems, submitParam, param)
    }

    title: isNew ? qsTr("New budget for %1").arg(scopeLabel) : qsTr("%1 of %2").arg(Traffic.periodText(period)).arg(scopeLabel)
    message: qsTr("Calls are refused once their worst-case cost no longer fits; past the alert the budget shows amber. The alert is an amount in USD (80) or a share of the limit (80 %). Periods are UTC calendar periods.")
    confirmText: isNew ? qsTr("Add budget") : qsTr("Save budget")
    initialFocus: amount
    width: Math.min(560, parent ? parent.width - 2 * Theme.spacingLarge : 560)
    canConfirm: periods.length > 0
    onConfirmed: {
        submitError = ""
        submitParam = ""
        const form = { period: period, amount: amount.text, soft: soft.text }
        problems = ScopePolicy.budgetProblems(form)
        const params = Object.keys(problems)
        if (params.length > 0) {
            errorText = problems[params[0]]
            return
        }
        errorText = ""
        submit(client, "PUT", "/admin/v1/budgets", ScopePolicy.budgetBody(scope, scopeId, form, reason.text))
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 3
        columnSpacing: Theme.spacing
        rowSpacing: 2

        FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Period"); elide: Text.ElideRight }
        FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Limit (USD)"); elide: Text.ElideRight }
        FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Alert at (optional)"); elide: Text.ElideRight }
        ChoiceBox {
            id: periodBox
            objectName: "budgetPeriod"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            enabled: dialog.isNew
            model: dialog.periods.map(p => ScopePolicy.periodName(p))
        }
        RouteInput {
            id: amount
            objectName: "budgetAmount"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "limit_usd"
            invalid: dialog.marks(param)
            placeholderText: "100"
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: soft
            objectName: "budgetSoft"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "soft_limit_usd"
            invalid: dialog.marks(param)
            placeholderText: qsTr("80 or 80 %")
            onAccepted: dialog.confirm()
        }
    }
    FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
    InputField {
        id: reason
        objectName: "budgetReason"
        Layout.fillWidth: true
        onAccepted: dialog.confirm()
    }
}
