// A stand-in for GitLabSync (and its token store and models) in Qt Quick Tests: the same properties,
// models' roles and methods, with outcomes the test scripts (`nextPreview`, `nextPush`, `nextPlan`,
// `nextApply`). Jobs end later, never inside the call, as the real ones do; with `holdJobs` they
// stay running until release(), so a test sees the page while one runs. Every call is recorded.
import QtQuick

QtObject {
    id: sync

    property string location: "this console's gateway"
    property string repository
    property bool busy: false
    property string activity
    property string errorTitle
    property string errorText
    property bool previewReady: false
    property bool canPush: false
    property var changedFiles: []
    property var previewOptions: ({})
    property var lastPush: ({})
    property bool planReady: false
    readonly property bool canApply: planReady && !busy && !plan.applied && plan.count > 0 && plan.problems.length === 0
    property string planRef
    property bool planPrune: false
    property string importOutcome

    // Every call: {method, args}.
    property var calls: []
    // {files: [{path, status}], diff: [{text, kind}]} or {error}; the default has no changes.
    property var nextPreview: null
    // {sha, filesChanged, mergeRequestUrl, mergeRequestIid, mergeRequestReused} or {error}.
    property var nextPush: null
    // {changes: [{action, kind, name, file, members}], problems: [texts], summary} or {error}.
    property var nextPlan: null
    // {error} to refuse; otherwise the plan is applied.
    property var nextApply: null
    property bool holdJobs: false
    property var pending: null

    // The token store: whether a token is stored, never the token (only `received` keeps what the
    // page handed over, for the test to look for it on the page).
    property QtObject token: QtObject {
        readonly property string instance: {
            const match = /^(https?:\/\/[^\/\s@]+)\/\S+$/.exec(sync.repository)
            return match ? match[1] : ""
        }
        property bool busy: false
        property bool stored: false
        property string location
        property string errorText
        readonly property string note: stored ? "Stored in ~/.config/gatehouse/gitlab-tokens.json (readable only by you): no keychain here." : ""
        property var received: []

        signal stateChanged()

        function store(token) {
            received = received.concat([token])
            stored = true
            location = "file"
            stateChanged()
        }
        function forget() {
            stored = false
            location = ""
            stateChanged()
        }
    }

    property ListModel history: ListModel {
        property string path: "/home/ada/.local/share/gatehouse-console/gitlab-exports.json"
        property string shownPath: "~/.local/share/gatehouse-console/gitlab-exports.json"

        // As ExportHistoryModel: newest first, each with its fields and as `item`.
        function add(entry) {
            const full = Object.assign({ id: entry.timeMs + " " + entry.sha }, entry)
            insert(0, Object.assign({ item: full }, entry))
        }
    }
    property ListModel diff: ListModel {
        property int omittedLines: 0

        function rowOfFile(path) {
            for (let i = 0; i < count; ++i) {
                if (get(i).text === "diff --git a/" + path + " b/" + path)
                    return i
            }
            return -1
        }
    }
    property ListModel plan: ListModel {
        property bool applied: false
        property var problems: []
        property var summary: ({})
    }

    property Timer deliverer: Timer {
        interval: 0
        onTriggered: {
            if (!sync.holdJobs)
                sync.release()
        }
    }

    function record(method, args) {
        calls = calls.concat([{ method: method, args: args }])
    }
    function callsOf(method) {
        return calls.filter(c => c.method === method)
    }
    function later(activityText, finish) {
        busy = true
        activity = activityText
        pending = finish
        deliverer.restart()
    }
    // Ends the running job.
    function release() {
        const finish = pending
        pending = null
        busy = false
        activity = ""
        if (finish)
            finish()
    }
    function fail(title, message) {
        errorTitle = title
        errorText = message
    }
    function dismissError() {
        record("dismissError", [])
        errorTitle = ""
        errorText = ""
    }

    function preview(options) {
        record("preview", [options])
        discardPreview()
        lastPush = ({})
        later("Exporting the configuration of " + location + "…", () => {
            const outcome = nextPreview || { files: [], diff: [] }
            if (outcome.error) {
                fail("The preview failed", outcome.error)
                return
            }
            changedFiles = outcome.files
            for (const line of outcome.diff)
                diff.append(line)
            previewOptions = Object.assign({ repository: repository }, options)
            previewReady = true
            canPush = true
        })
    }
    function discardPreview() {
        record("discardPreview", [])
        previewReady = false
        canPush = false
        changedFiles = []
        diff.clear()
    }
    function push() {
        record("push", [])
        canPush = false
        later("Pushing to " + previewOptions.branch + "…", () => {
            const outcome = nextPush || { sha: "0123456789abcdef0123456789abcdef01234567", filesChanged: changedFiles.length }
            if (outcome.error) {
                fail("The push failed", outcome.error)
                return
            }
            lastPush = Object.assign({ repository: previewOptions.repository, branch: previewOptions.branch, timeMs: Date.now(),
                mergeRequestUrl: "", mergeRequestIid: 0, mergeRequestReused: false }, outcome)
            history.add({ timeMs: lastPush.timeMs, repository: lastPush.repository, branch: lastPush.branch, sha: lastPush.sha,
                filesChanged: lastPush.filesChanged, mergeRequestUrl: lastPush.mergeRequestUrl })
        })
    }
    function planImport(ref, prune, importKeys) {
        record("planImport", [ref, prune, importKeys])
        dropPlan()
        planRef = ref
        planPrune = prune
        later("Fetching " + ref + "…", () => {
            const outcome = nextPlan || { changes: [], problems: [], summary: { create: 0, update: 0, delete: 0 } }
            if (outcome.error) {
                fail("The import could not be planned", outcome.error)
                return
            }
            for (const change of outcome.changes) {
                const sign = change.action === "create" ? "+" : change.action === "update" ? "~" : "-"
                const row = Object.assign({ id: change.file, sign: sign }, change)
                plan.append(Object.assign({ item: row }, row))
            }
            plan.problems = outcome.problems
            plan.summary = outcome.summary
            planReady = true
        })
    }
    function applyImport() {
        record("applyImport", [])
        later("Applying " + planRef + "…", () => {
            if (nextApply && nextApply.error) {
                fail("Nothing was applied", nextApply.error)
                return
            }
            plan.applied = true
            importOutcome = "Applied " + plan.count + " changes from " + planRef + " to " + location + "."
        })
    }
    function discardPlan() {
        record("discardPlan", [])
        dropPlan()
    }
    function dropPlan() {
        plan.clear()
        plan.applied = false
        plan.problems = []
        plan.summary = {}
        planReady = false
        importOutcome = ""
    }
}
