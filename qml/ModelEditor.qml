// Adds a public model on the gateway's providers through the admin API, or shows and changes the
// routing of one: strategy, deployments (weight, priority, price), fallbacks, canary, rules, cache
// TTL and limits (docs/traffic-policy.md, "Routing"). A model of the config file is shown read-only.
// The form is checked before it is sent; a refusal keeps it, with the API's message under it and
// the field its `param` names marked.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Governance.js" as Governance

FormDialog {
    id: modelEditor

    property var client: null
    // The names of the providers to choose from.
    property var providerNames: []
    // The public models served, for the fallbacks (the model itself is left out).
    property var servedModels: []

    // True: POST a new model; false: PATCH `modelName`.
    property bool isNew: true
    property string modelName
    // A model of the config file: shown, not changed.
    property bool readOnly: false
    property bool loading: false

    // The form (Governance.routeForm's shape). Rows are objects their delegates edit in place;
    // adding or removing one assigns a new list. `revision` counts the edits in place.
    property string strategy: "weighted"
    property var deployments: []
    property var fallbacks: []
    property var contextWindowFallbacks: []
    property int canaryIndex: -1
    property var rules: []
    property int revision: 0
    // What is wrong, by the API's parameter names: the form's own check, or the API's `param`.
    property var errorParams: ({})

    // Another model's answer must not fill this form.
    property int loads: 0

    function touch() {
        revision++
    }
    function marks(param) {
        for (const wrong in errorParams) {
            if (Governance.paramMarks(wrong, param))
                return true
        }
        return false
    }
    function deploymentLabel(index) {
        const d = deployments[index]
        return d ? (d.provider || "?") + "/" + (d.model.trim().length > 0 ? d.model.trim() : "…") : ""
    }
    function canaryLabel(index) {
        return index <= 0 ? qsTr("No canary") : deploymentLabel(index - 1)
    }

    function addDeployment() {
        deployments = deployments.concat([{ provider: providerNames.length > 0 ? providerNames[0] : "", model: "",
                                            weight: "1", priority: "0", priceIn: "", priceOut: "", rpm: "", tpm: "", concurrent: null }])
        touch()
    }
    // The rules and the canary keep naming the same deployments.
    function removeDeployment(index) {
        const shift = i => (i > index ? i - 1 : i)
        for (const rule of rules)
            rule.targets = rule.targets.filter(i => i !== index).map(shift)
        canaryIndex = canaryIndex === index ? -1 : shift(canaryIndex)
        deployments = deployments.filter((d, i) => i !== index)
        rules = rules.slice()
        touch()
    }
    function addRule() {
        rules = rules.concat([{ name: "", conditions: [{ field: "tenant", key: "", values: "" }], targets: [], fallBack: false }])
        touch()
    }
    function removeRule(index) {
        rules = rules.filter((r, i) => i !== index)
        touch()
    }

    function fill(form) {
        nameField.text = form.name
        strategy = form.strategy
        deployments = form.deployments
        fallbacks = form.fallbacks
        contextWindowFallbacks = form.contextWindowFallbacks
        canaryIndex = form.canaryIndex
        canaryPercent.text = form.canaryPercent
        rules = form.rules
        cacheTtl.text = form.cacheTtl
        rpm.text = form.rpm
        tpm.text = form.tpm
        concurrent.text = form.concurrent
        errorParams = {}
        errorText = ""
        touch()
    }
    // The form as Governance.routeProblems and routeBody take it.
    function form() {
        return {
            name: nameField.text, strategy: strategy, deployments: deployments, fallbacks: fallbacks,
            contextWindowFallbacks: contextWindowFallbacks, canaryIndex: canaryIndex, canaryPercent: canaryPercent.text,
            rules: rules, cacheTtl: cacheTtl.text, rpm: rpm.text, tpm: tpm.text, concurrent: concurrent.text
        }
    }

    function openNew() {
        isNew = true
        readOnly = false
        loading = false
        modelName = ""
        ++loads
        fill(Governance.routeForm({ deployments: [] }))
        addDeployment()
        open()
    }
    // Opens with the model's current routing, from GET /admin/v1/models/{model}.
    function openEdit(model) {
        isNew = false
        readOnly = false
        modelName = model
        loading = true
        fill(Governance.routeForm({ model: model, deployments: [] }))
        open()
        const serial = ++loads
        client.request("GET", "/admin/v1/models/" + encodeURIComponent(model), {}, reply => {
            if (serial !== loads)
                return
            loading = false
            if (!reply.ok) {
                readOnly = true
                errorText = Governance.errorOf(reply)
                return
            }
            readOnly = reply.body.source !== "store"
            fill(Governance.routeForm(reply.body))
        })
    }

    // submit() of FormDialog, keeping the API's `param` to mark its field.
    function send(method, target, body) {
        submitting = true
        submitError = ""
        client.request(method, target, body, reply => {
            submitting = false
            if (!reply.ok) {
                submitError = Governance.errorOf(reply)
                const error = reply.body && reply.body.error ? reply.body.error : null
                const marked = {}
                if (error && error.param)
                    marked[error.param] = submitError
                errorParams = marked
                return
            }
            close()
        })
    }

    title: loading ? qsTr("Routing of %1").arg(modelName)
        : isNew ? qsTr("Add a model") : readOnly ? qsTr("Routing of %1 (read-only)").arg(modelName) : qsTr("Routing of %1").arg(modelName)
    confirmText: isNew ? qsTr("Add model") : qsTr("Save")
    initialFocus: isNew ? nameField : null
    width: Math.min(900, parent ? parent.width - 2 * Theme.spacingLarge : 900)
    canConfirm: !readOnly && !loading && providerNames.length > 0 && (!isNew || nameField.text.trim().length > 0)
    onConfirmed: {
        submitError = ""
        const current = form()
        const problems = Governance.routeProblems(current, isNew)
        const params = Object.keys(problems)
        errorParams = problems
        if (params.length > 0) {
            errorText = params.length === 1 ? problems[params[0]]
                : qsTr("%1 (and %2 more marked in red)").arg(problems[params[0]]).arg(params.length - 1)
            return
        }
        errorText = ""
        const body = Governance.routeBody(current)
        if (isNew) {
            const created = Governance.compactRouteBody(body)
            send("POST", "/admin/v1/models", Object.assign({ model: current.name.trim() }, created))
        } else {
            send("PATCH", "/admin/v1/models/" + encodeURIComponent(modelName), body)
        }
    }

    // FormDialog's buttons: a read-only routing has nothing to save.
    function dialogButton(item, name) {
        if (item.objectName === name)
            return item
        for (let i = 0; i < item.children.length; ++i) {
            const found = dialogButton(item.children[i], name)
            if (found)
                return found
        }
        return null
    }
    Component.onCompleted: {
        const save = dialogButton(contentItem, "dialogConfirm")
        if (save)
            save.visible = Qt.binding(() => !modelEditor.readOnly)
        const cancel = dialogButton(contentItem, "dialogCancel")
        if (cancel)
            cancel.text = Qt.binding(() => modelEditor.readOnly ? qsTr("Close") : qsTr("Cancel"))
    }

    Label {
        objectName: "readOnlyNote"
        Layout.fillWidth: true
        visible: modelEditor.readOnly && !modelEditor.loading && modelEditor.errorText.length === 0
        text: qsTr("This model comes from the config file: its routing is edited there (models[] of the file) and shown here as the gateway runs it.")
        color: Theme.warning
        wrapMode: Text.Wrap
    }
    Label {
        objectName: "loadingNote"
        Layout.fillWidth: true
        visible: modelEditor.loading
        text: qsTr("Loading the model's routing…")
        color: Theme.textMuted
    }

    Flickable {
        id: scroller
        Layout.fillWidth: true
        Layout.preferredHeight: Math.min(sections.implicitHeight,
            Math.max(240, (modelEditor.parent ? modelEditor.parent.height : 900) - 190))
        contentWidth: width
        contentHeight: sections.implicitHeight
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: scroller.contentHeight > scroller.height
        }

        ColumnLayout {
            id: sections
            width: scroller.width - (scroller.contentHeight > scroller.height ? 16 : 0)
            spacing: Theme.spacingSmall
            enabled: !modelEditor.loading

            FieldCaption {
                visible: modelEditor.isNew
                text: qsTr("Public name (what clients send as \"model\")")
            }
            RouteInput {
                id: nameField
                objectName: "modelName"
                Layout.fillWidth: true
                visible: modelEditor.isNew
                param: "model"
                invalid: modelEditor.marks(param)
                placeholderText: qsTr("team-gpt")
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing
                FieldCaption { text: qsTr("Strategy") }
                ChoiceBox {
                    id: strategyBox
                    objectName: "routeStrategy"
                    Layout.preferredWidth: 180
                    enabled: !modelEditor.readOnly
                    model: Governance.routeStrategies.map(s => s.label)
                    currentIndex: Governance.strategyIndex(modelEditor.strategy)
                    onCurrentIndexChanged: if (currentIndex >= 0) modelEditor.strategy = Governance.routeStrategies[currentIndex].value
                }
                Label {
                    objectName: "strategyExplanation"
                    Layout.fillWidth: true
                    text: Governance.routeStrategies[Governance.strategyIndex(modelEditor.strategy)].explanation
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    wrapMode: Text.Wrap
                }
            }

            RouteSection {
                Layout.fillWidth: true
                title: qsTr("Deployments")
                hint: qsTr("Lower priorities go first; the strategy orders deployments of the same priority.")
                invalid: modelEditor.marks("deployments") && modelEditor.deployments.length === 0
                headerItems: ActionButton {
                    objectName: "addDeployment"
                    visible: !modelEditor.readOnly
                    text: qsTr("Add deployment")
                    onClicked: modelEditor.addDeployment()
                }
                RouteDeploymentHeader {
                    Layout.fillWidth: true
                    readOnly: modelEditor.readOnly
                }
                Repeater {
                    model: modelEditor.deployments
                    // The row edits the editor's own object (modelData would be a copy).
                    RouteDeploymentRow {
                        Layout.fillWidth: true
                        editor: modelEditor
                        entry: modelEditor.deployments[index]
                    }
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingLarge
                RouteSection {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    title: qsTr("Fallbacks")
                    hint: qsTr("Other models tried, in this order, when every deployment failed.")
                    invalid: modelEditor.marks("fallbacks")
                    RouteModelChoice {
                        objectName: "fallbacks"
                        Layout.fillWidth: true
                        choices: modelEditor.servedModels.filter(m => m !== modelEditor.modelName && m !== nameField.text.trim())
                        selected: modelEditor.fallbacks
                        readOnly: modelEditor.readOnly
                        invalid: modelEditor.marks("fallbacks")
                        onChosen: models => modelEditor.fallbacks = models
                    }
                }
                RouteSection {
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    Layout.alignment: Qt.AlignTop
                    title: qsTr("Context-window fallbacks")
                    hint: qsTr("Models with a larger context, for prompts this one cannot take.")
                    invalid: modelEditor.marks("context_window_fallbacks")
                    RouteModelChoice {
                        objectName: "contextWindowFallbacks"
                        Layout.fillWidth: true
                        choices: modelEditor.servedModels.filter(m => m !== modelEditor.modelName && m !== nameField.text.trim())
                        selected: modelEditor.contextWindowFallbacks
                        readOnly: modelEditor.readOnly
                        invalid: modelEditor.marks("context_window_fallbacks")
                        onChosen: models => modelEditor.contextWindowFallbacks = models
                    }
                }
            }

            RouteSection {
                Layout.fillWidth: true
                title: qsTr("Canary")
                hint: qsTr("A share of the requests no rule matched starts on one deployment; the others have it as their last fallback.")
                RowLayout {
                    Layout.fillWidth: true
                    spacing: Theme.spacingSmall
                    ChoiceBox {
                        id: canaryBox
                        objectName: "canaryDeployment"
                        Layout.preferredWidth: 300
                        enabled: !modelEditor.readOnly
                        model: modelEditor.deployments.length + 1
                        currentIndex: modelEditor.canaryIndex + 1
                        // From the editor, not currentIndex: a new count of deployments resets that.
                        displayText: modelEditor.revision >= 0 ? modelEditor.canaryLabel(modelEditor.canaryIndex + 1) : ""
                        onCountChanged: currentIndex = Qt.binding(() => modelEditor.canaryIndex + 1)
                        delegate: ItemDelegate {
                            required property int index
                            width: canaryBox.width
                            text: modelEditor.canaryLabel(index)
                            highlighted: canaryBox.highlightedIndex === index
                        }
                        onActivated: index => modelEditor.canaryIndex = index - 1
                        background: Rectangle {
                            implicitHeight: 32
                            radius: 6
                            color: modelEditor.marks("canary.deployment") ? Theme.dangerSoft : Theme.surface
                            border.color: modelEditor.marks("canary.deployment") ? Theme.danger : Theme.border
                            border.width: modelEditor.marks("canary.deployment") ? 2 : 1
                        }
                    }
                    RouteInput {
                        id: canaryPercent
                        objectName: "canaryPercent"
                        Layout.preferredWidth: 80
                        enabled: modelEditor.canaryIndex >= 0
                        readOnly: modelEditor.readOnly
                        param: "canary.percent"
                        invalid: modelEditor.marks(param)
                        horizontalAlignment: Text.AlignRight
                        placeholderText: "10"
                    }
                    FieldCaption { text: qsTr("% of the requests") }
                    Item { Layout.fillWidth: true }
                }
            }

            RouteSection {
                Layout.fillWidth: true
                title: qsTr("Rules")
                hint: qsTr("Tried in order; the first whose conditions all hold sends the request to its deployments (and the canary does not apply).")
                invalid: modelEditor.marks("rules") && modelEditor.rules.length === 0
                headerItems: ActionButton {
                    objectName: "addRule"
                    visible: !modelEditor.readOnly
                    text: qsTr("Add rule")
                    onClicked: modelEditor.addRule()
                }
                Repeater {
                    model: modelEditor.rules
                    RuleEditor {
                        Layout.fillWidth: true
                        editor: modelEditor
                        rule: modelEditor.rules[index]
                    }
                }
                FieldCaption {
                    visible: modelEditor.rules.length === 0
                    text: qsTr("No rules: every request follows the strategy.")
                }
            }

            RouteSection {
                Layout.fillWidth: true
                title: qsTr("Cache and limits")
                hint: qsTr("Empty: the gateway's default TTL, and no limit of the model's own.")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 4
                    columnSpacing: Theme.spacing
                    rowSpacing: 2
                    // Four equal columns.
                    FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Cache TTL (s)") }
                    FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Requests / minute") }
                    FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Tokens / minute") }
                    FieldCaption { Layout.fillWidth: true; Layout.preferredWidth: 1; text: qsTr("Concurrent requests") }
                    RouteInput {
                        id: cacheTtl
                        objectName: "cacheTtl"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        readOnly: modelEditor.readOnly
                        param: "cache_ttl_s"
                        invalid: modelEditor.marks(param)
                        placeholderText: qsTr("default")
                    }
                    RouteInput {
                        id: rpm
                        objectName: "limitRpm"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        readOnly: modelEditor.readOnly
                        param: "limits.requests_per_minute"
                        invalid: modelEditor.marks(param)
                        placeholderText: qsTr("none")
                    }
                    RouteInput {
                        id: tpm
                        objectName: "limitTpm"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        readOnly: modelEditor.readOnly
                        param: "limits.tokens_per_minute"
                        invalid: modelEditor.marks(param)
                        placeholderText: qsTr("none")
                    }
                    RouteInput {
                        id: concurrent
                        objectName: "limitConcurrent"
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        readOnly: modelEditor.readOnly
                        param: "limits.concurrent"
                        invalid: modelEditor.marks(param)
                        placeholderText: qsTr("none")
                    }
                }
            }
        }
    }
}
