// Adds a price table entry with PUT /admin/v1/prices: provider family, model, the day it takes
// effect, USD per 1M tokens of each kind, source and a reason for the audit log. "Edit" opens it
// filled from an entry and stores a new effective-dated entry: history is never rewritten. The form
// is checked before it is sent; a refusal keeps it open, with the API's message and the field its
// `param` names in red.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Governance.js" as Governance
import "Prices.js" as Prices

FormDialog {
    id: dialog

    property var client: null
    // The entry being edited, or null for a new one.
    property var editing: null
    // The form's own check: {param: message}.
    property var problems: ({})

    // Opens empty (`entry` null) or filled from `entry`, taking effect today (UTC).
    function openFor(entry) {
        editing = entry
        const form = Prices.priceForm(entry, Prices.today())
        provider.text = form.provider
        model.text = form.model
        effectiveDate.text = form.effectiveDate
        input.text = form.input_per_million
        output.text = form.output_per_million
        cachedInput.text = form.cached_input_per_million
        cacheWrite.text = form.cache_write_per_million
        source.text = form.source
        reason.text = ""
        problems = {}
        errorText = ""
        open()
    }
    function form() {
        return { provider: provider.text, model: model.text, effectiveDate: effectiveDate.text, input_per_million: input.text,
            output_per_million: output.text, cached_input_per_million: cachedInput.text, cache_write_per_million: cacheWrite.text,
            source: source.text, reason: reason.text }
    }
    function marks(param) {
        return (problems[param] !== undefined) || Governance.paramMarks(submitParam, param)
    }

    title: editing ? qsTr("New price for %1").arg(editing.model) : qsTr("Add a price")
    message: editing
        ? qsTr("Editing never rewrites history: this stores a new entry that applies to calls starting on or after the day below. Calls before it keep what they cost, and the entry from %1 stays for them. On the same provider, model and day as an entry set here, it replaces that entry.")
            .arg(editing.effective_date)
        : qsTr("The price applies to calls that start on or after the day below; recorded calls keep their cost. Prices are in USD per 1M tokens.")
    confirmText: qsTr("Save price")
    initialFocus: editing ? input : provider
    width: Math.min(600, parent ? parent.width - 2 * Theme.spacingLarge : 600)
    onConfirmed: {
        submitError = ""
        submitParam = ""
        const form = dialog.form()
        problems = Prices.priceProblems(form)
        const params = Object.keys(problems)
        if (params.length > 0) {
            errorText = problems[params[0]]
            return
        }
        errorText = ""
        submit(client, "PUT", "/admin/v1/prices", Prices.priceBody(form))
    }

    GridLayout {
        Layout.fillWidth: true
        Layout.preferredWidth: 1
        columns: 2
        columnSpacing: Theme.spacing
        rowSpacing: 2

        FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Provider family (empty: any provider)") }
        FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Model, as the provider names it") }
        RouteInput {
            id: provider
            objectName: "priceProvider"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "provider"
            invalid: dialog.marks(param)
            placeholderText: qsTr("openai, anthropic, gemini…")
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: model
            objectName: "priceModel"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "model"
            invalid: dialog.marks(param)
            placeholderText: qsTr("gpt-4o")
            onAccepted: dialog.confirm()
        }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Takes effect on (UTC)") }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Currency") }
        RouteInput {
            id: effectiveDate
            objectName: "priceEffectiveDate"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "effective_date"
            invalid: dialog.marks(param)
            placeholderText: qsTr("YYYY-MM-DD")
            onAccepted: dialog.confirm()
        }
        Label {
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            text: qsTr("USD — costs, budgets and spending are kept in US dollars")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
        }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Input per 1M tokens") }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Output per 1M tokens") }
        RouteInput {
            id: input
            objectName: "priceInput"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "input_per_million"
            invalid: dialog.marks(param)
            placeholderText: qsTr("2.5")
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: output
            objectName: "priceOutput"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "output_per_million"
            invalid: dialog.marks(param)
            placeholderText: qsTr("10")
            onAccepted: dialog.confirm()
        }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Cached input per 1M (empty: the input price)") }
        FieldCaption { Layout.topMargin: Theme.spacingSmall; Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Cache write per 1M (empty: the input price)") }
        RouteInput {
            id: cachedInput
            objectName: "priceCachedInput"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "cached_input_per_million"
            invalid: dialog.marks(param)
            onAccepted: dialog.confirm()
        }
        RouteInput {
            id: cacheWrite
            objectName: "priceCacheWrite"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            param: "cache_write_per_million"
            invalid: dialog.marks(param)
            onAccepted: dialog.confirm()
        }
    }
    FieldCaption { Layout.topMargin: Theme.spacingSmall; text: qsTr("Source (optional: a price page, a contract)") }
    InputField {
        id: source
        objectName: "priceSource"
        Layout.fillWidth: true
        onAccepted: dialog.confirm()
    }
    FieldCaption { text: qsTr("Reason (optional, kept in the audit log)") }
    InputField {
        id: reason
        objectName: "priceReason"
        Layout.fillWidth: true
        onAccepted: dialog.confirm()
    }
}
