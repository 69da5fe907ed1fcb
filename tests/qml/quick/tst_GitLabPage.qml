// GitLabPage against FakeGitLabSync: the fields and what each button needs before it is enabled;
// the token handed to the store once and never on the page again (stored, replaced, forgotten); a
// preview with its changed files and coloured diff, edits that discard it, and the push with its
// commit and merge request link; nothing to push; the plan's rows and problems, Apply asking first
// and the outcome; failures in the banner; the history, and the page starting from its newest entry.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    id: root
    width: 1280
    height: 1800

    Component {
        id: syncComponent
        FakeGitLabSync {}
    }
    Component {
        id: pageComponent
        GitLabPage {
            anchors.fill: parent
            openLinks: false
        }
    }
    SignalSpy {
        id: linkSpy
        signalName: "linkOpened"
    }

    readonly property string repositoryUrl: "https://gitlab.example.com/platform/gateway-config.git"
    readonly property string token: "glpat-QuickT3stT0ken-0a1b2c"
    readonly property var twoFiles: [{ path: "consumers/acme/billing.yaml", status: "M" }, { path: "tenants/initech.yaml", status: "A" }]
    readonly property var twoFilesDiff: [
        { text: "diff --git a/consumers/acme/billing.yaml b/consumers/acme/billing.yaml", kind: "header" },
        { text: "@@ -1,3 +1,3 @@", kind: "hunk" },
        { text: " name: billing", kind: "context" },
        { text: "-description: Monthly invoices", kind: "removed" },
        { text: "+description: Invoices and receipts", kind: "added" },
        { text: "diff --git a/tenants/initech.yaml b/tenants/initech.yaml", kind: "header" },
        { text: "@@ -0,0 +1 @@", kind: "hunk" },
        { text: "+name: initech", kind: "added" }
    ]
    readonly property var threeChanges: ({
        changes: [
            { action: "create", kind: "tenant", name: "globex", file: "tenants/globex.yaml", members: "" },
            { action: "update", kind: "consumer", name: "acme/billing", file: "consumers/acme/billing.yaml", members: "description" },
            { action: "delete", kind: "tenant", name: "initech", file: "tenants/initech.yaml", members: "" }
        ],
        problems: [],
        summary: { create: 1, update: 1, delete: 1 }
    })

    GovernanceTestCase {
        name: "GitLabPage"

        // The fakes outlive their pages (as GitLabSync, a child of the page in Main.qml, never goes
        // first): destroyed once the test's pages are gone.
        property var fakes: []
        function newSync() {
            const fake = syncComponent.createObject(root)
            fakes.push(fake)
            return fake
        }
        function init() {
            for (const fake of fakes.splice(0))
                fake.destroy()
        }
        function cleanupTestCase() {
            init()
        }
        function createPage(sync) {
            const fake = sync || newSync()
            const page = createTemporaryObject(pageComponent, root, { sync: fake })
            verify(page)
            linkSpy.target = page
            linkSpy.clear()
            return page
        }
        function ready(page) {
            typeInto(findOne(page, "repositoryField"), repositoryUrl)
            typeInto(findOne(page, "branchField"), "gatehouse/config")
            tryVerify(() => findOne(page, "previewButton").enabled)
        }
        function enabled(page, name) {
            return findOne(page, name).enabled
        }
        function previewWith(page, files, diff) {
            page.sync.nextPreview = { files: files, diff: diff }
            mouseClick(findOne(page, "previewButton"))
            tryVerify(() => page.sync.previewReady && !page.sync.busy)
        }
        function planWith(page, outcome) {
            page.sync.nextPlan = outcome
            typeInto(findOne(page, "refField"), "main")
            mouseClick(findOne(page, "planButton"))
            tryVerify(() => page.sync.planReady && !page.sync.busy)
        }

        function test_eachButtonWaitsForWhatItNeeds() {
            const page = createPage()
            verify(!enabled(page, "previewButton"), "no repository yet")
            verify(!enabled(page, "planButton"))
            verify(!enabled(page, "pushButton"), "nothing previewed")
            verify(!enabled(page, "applyButton"), "nothing planned")
            verify(!enabled(page, "tokenInput"), "a token is for a GitLab")

            typeInto(findOne(page, "repositoryField"), "gitlab.example.com/platform/gateway-config")
            verify(hasText(page, "Not a repository URL: https://host/group/project.git"))
            typeInto(findOne(page, "repositoryField"), repositoryUrl)
            compare(page.sync.repository, repositoryUrl)
            verify(!hasText(page, "Not a repository URL: https://host/group/project.git"))
            verify(enabled(page, "tokenInput"))
            verify(hasText(page, "Access token for https://gitlab.example.com"))
            verify(!enabled(page, "previewButton"), "no branch yet")
            typeInto(findOne(page, "branchField"), "gatehouse/config")
            verify(enabled(page, "previewButton"))

            // The merge request's fields count only when one is asked for.
            verify(!enabled(page, "targetField"))
            verify(!enabled(page, "titleField"))
            mouseClick(findOne(page, "mergeRequest"))
            verify(enabled(page, "targetField"))
            compare(findOne(page, "pushButton").text, "Push and open merge request")
            typeInto(findOne(page, "targetField"), "")
            verify(!enabled(page, "previewButton"), "a merge request needs its target")
            typeInto(findOne(page, "targetField"), "main")
            verify(enabled(page, "previewButton"))

            typeInto(findOne(page, "refField"), "v1.2")
            verify(enabled(page, "planButton"))
        }

        function test_theTokenIsHandedOverOnceAndNeverShownAgain() {
            const page = createPage()
            typeInto(findOne(page, "repositoryField"), repositoryUrl)
            const input = findOne(page, "tokenInput")
            verify(input.visible)
            compare(input.echoMode, TextInput.Password)
            verify(!enabled(page, "storeTokenButton"))
            typeInto(input, token)
            click(page, "Store")
            compare(page.sync.token.received, [token])
            compare(input.text, "", "out of the field at once")
            tryVerify(() => findOne(page, "tokenStored").visible)
            verify(!input.visible)
            verify(hasText(page, "stored"))
            verify(hasText(page, "Stored in ~/.config/gatehouse/gitlab-tokens.json (readable only by you): no keychain here."))
            verify(texts(page).every(t => t.indexOf(token) < 0), "the token is nowhere on the page")

            // Replace: an empty field, and Cancel goes back to "stored".
            click(page, "Replace")
            verify(input.visible)
            compare(input.text, "")
            click(page, "Cancel")
            verify(findOne(page, "tokenStored").visible)
            click(page, "Replace")
            typeInto(input, "glpat-An0therT0ken-ffee00")
            click(page, "Store")
            compare(page.sync.token.received.length, 2)
            tryVerify(() => findOne(page, "tokenStored").visible)
            verify(texts(page).every(t => t.indexOf("glpat-") < 0))

            click(page, "Forget")
            tryVerify(() => input.visible)
            verify(!page.sync.token.stored)
            compare(input.text, "")
        }

        function test_aPreviewShowsTheFilesAndTheDiffBeforeThePush() {
            const page = createPage()
            ready(page)
            page.sync.holdJobs = true
            page.sync.nextPreview = { files: twoFiles, diff: twoFilesDiff }
            click(page, "Preview")
            // While it runs: said, and nothing else can start.
            tryVerify(() => findOne(page, "activity").visible)
            compare(findOne(page, "activity").text, "Exporting the configuration of this console's gateway…")
            verify(!enabled(page, "previewButton"))
            verify(!enabled(page, "planButton"))
            verify(!enabled(page, "repositoryField"), "what the job works on stays put")
            page.sync.holdJobs = false
            page.sync.release()
            tryVerify(() => page.sync.previewReady)
            verify(!findOne(page, "activity").visible)

            compare(page.sync.callsOf("preview")[0].args[0], {
                branch: "gatehouse/config", includeKeys: true, mergeRequest: false, target: "main", title: "Gatehouse configuration"
            })
            compare(findOne(page, "previewSummary").text, "2 files change on gatehouse/config: 1 added, 1 changed, 0 removed.")
            const files = findAll(page, "changedFile")
            compare(files.length, 2)
            verify(texts(files[0]).indexOf("M") >= 0 && texts(files[0]).indexOf("consumers/acme/billing.yaml") >= 0, String(texts(files[0])))
            verify(texts(files[1]).indexOf("A") >= 0)
            tryVerify(() => findAll(page, "diffLine").length === 8, 5000, "one row per line")
            const lines = findAll(page, "diffLine")
            const removed = lines.find(l => l.text === "-description: Monthly invoices")
            const added = lines.find(l => l.text === "+description: Invoices and receipts")
            verify(Qt.colorEqual(removed.color, Theme.dangerSoft))
            verify(Qt.colorEqual(added.color, Theme.successSoft))
            verify(Qt.colorEqual(lines.find(l => l.kind === "header").color, Theme.neutralSoft))
            verify(Qt.colorEqual(lines.find(l => l.kind === "context").color, "transparent"))
            verify(enabled(page, "pushButton"))
            compare(findOne(page, "pushButton").text, "Push")

            // Another branch typed: the preview was of the old one.
            typeInto(findOne(page, "branchField"), "gatehouse/other")
            verify(!page.sync.previewReady)
            verify(!enabled(page, "pushButton"))
            verify(!findOne(page, "preview").visible)
        }

        function test_thePushShowsItsCommitAndTheMergeRequestLink() {
            const page = createPage()
            ready(page)
            mouseClick(findOne(page, "mergeRequest"))
            typeInto(findOne(page, "titleField"), "Gateway config from the console")
            previewWith(page, twoFiles, twoFilesDiff)
            compare(page.sync.callsOf("preview")[0].args[0].title, "Gateway config from the console")
            verify(findOne(page, "previewSummary").text.indexOf("Push then opens a merge request into main") >= 0)
            page.sync.nextPush = { sha: "9adbcbfd589bec2cee577f16356da223c619d5d8", filesChanged: 2,
                mergeRequestUrl: "https://gitlab.example.com/platform/gateway-config/-/merge_requests/7", mergeRequestIid: 7,
                mergeRequestReused: false }
            click(page, "Push and open merge request")
            tryVerify(() => findOne(page, "pushResult").visible)
            compare(findOne(page, "pushSummary").text, "Pushed 2 changed files to gatehouse/config.")
            compare(findOne(page, "pushedSha").value, "9adbcbfd589bec2cee577f16356da223c619d5d8")
            const link = findOne(page, "mergeRequestLink")
            compare(link.text, "!7 (opened)")
            compare(findOne(page, "mergeRequestUrl").text, "https://gitlab.example.com/platform/gateway-config/-/merge_requests/7")
            mouseClick(link)
            compare(linkSpy.count, 1)
            compare(linkSpy.signalArguments[0][0], "https://gitlab.example.com/platform/gateway-config/-/merge_requests/7")
            verify(!enabled(page, "pushButton"), "a push needs a new preview")

            // In the history, with its merge request one click away.
            const row = rowWith(findOne(page, "historyTable"), "9adbcbfd")
            verify(texts(row).indexOf("gatehouse/config") >= 0)
            click(row, "Open")
            compare(linkSpy.count, 2)
        }

        function test_anUnchangedBranchHasNothingToPush() {
            const page = createPage()
            ready(page)
            previewWith(page, [], [])
            compare(findOne(page, "previewSummary").text, "Nothing to push: gatehouse/config already holds this configuration.")
            verify(!enabled(page, "pushButton"))
            verify(findOne(page, "diffView").visible === false, "no diff to show")
            // With a merge request to open there is something to do all the same.
            mouseClick(findOne(page, "mergeRequest"))
            verify(!page.sync.previewReady, "the option changed what the preview is of")
            previewWith(page, [], [])
            verify(enabled(page, "pushButton"))
        }

        function test_thePlanIsShownAndAppliedAfterAsking() {
            const page = createPage()
            ready(page)
            mouseClick(findOne(page, "pruneChoice"))
            planWith(page, threeChanges)
            compare(page.sync.callsOf("planImport")[0].args, ["main", true, false])
            compare(findOne(page, "planSummary").text, "Plan of main against this console's gateway: 1 to create, 1 to update, 1 to delete.")
            const rows = rowsOf(findOne(page, "planTable"), 3)
            verify(texts(rows[0]).indexOf("+ create") >= 0, String(texts(rows[0])))
            verify(texts(rows[0]).indexOf("tenants/globex.yaml") >= 0)
            verify(texts(rows[1]).indexOf("~ update") >= 0)
            verify(texts(rows[1]).indexOf("description") >= 0)
            verify(texts(rows[2]).indexOf("- delete") >= 0)
            verify(!findOne(page, "planProblems").visible)

            click(page, "Apply…")
            const dialog = findOne(page, "applyDialog")
            tryCompare(dialog, "opened", true)
            compare(dialog.title, "Apply main?")
            verify(dialog.message.indexOf("this console's gateway gets 1 created, 1 updated and 1 deleted") === 0, dialog.message)
            verify(dialog.message.indexOf("Prune is on") >= 0)
            verify(dialog.destructive)
            compare(page.sync.callsOf("applyImport").length, 0, "nothing before the confirmation")
            click(dialog.contentItem, "Apply")
            tryCompare(dialog, "visible", false)
            compare(page.sync.callsOf("applyImport").length, 1)
            tryVerify(() => findOne(page, "importOutcome").visible)
            compare(findOne(page, "importOutcome").text, "Applied 3 changes from main to this console's gateway.")
            verify(!enabled(page, "applyButton"), "applied once")

            // Another ref typed: the plan was of the old one.
            typeInto(findOne(page, "refField"), "v2")
            verify(!page.sync.planReady)
            verify(!findOne(page, "planView").visible)
        }

        function test_problemsStopTheApply() {
            const page = createPage()
            ready(page)
            planWith(page, { changes: threeChanges.changes.slice(0, 1), summary: { create: 1, update: 0, delete: 0 },
                problems: ["tenants/acme.yaml:2:9: colour: is not a member of a tenant (name)", "models/m1.yaml:3:15: deployments[0].provider: no provider named 'nope'"] })
            tryVerify(() => findOne(page, "planProblems").visible)
            const problems = findAll(page, "planProblem")
            compare(problems.length, 2)
            compare(problems[0].text, "tenants/acme.yaml:2:9: colour: is not a member of a tenant (name)")
            verify(hasText(page, "2 problems: nothing can be applied until they are fixed in the repository."))
            verify(!enabled(page, "applyButton"))

            // A plan with nothing to do says so, and offers nothing to apply.
            planWith(page, { changes: [], problems: [], summary: { create: 0, update: 0, delete: 0 } })
            compare(findOne(page, "planSummary").text, "No changes: this console's gateway already matches main.")
            verify(!findOne(page, "planTable").visible)
            verify(!enabled(page, "applyButton"))
        }

        function test_failuresAreSaidInTheBanner() {
            const page = createPage()
            ready(page)
            const banner = findOne(page, "errorBanner")
            verify(!banner.visible)
            page.sync.nextPreview = { error: "GitLab refused the token for " + repositoryUrl + ": authentication failed (check that the token is valid)" }
            click(page, "Preview")
            tryVerify(() => banner.visible)
            compare(banner.title, "The preview failed")
            verify(banner.message.indexOf("authentication failed") >= 0)
            verify(!page.sync.previewReady)
            click(banner, "Dismiss")
            verify(!banner.visible)
            compare(page.sync.callsOf("dismissError").length, 1)

            previewWith(page, twoFiles, twoFilesDiff)
            page.sync.nextPush = { error: "the push to branch 'gatehouse/config' of " + repositoryUrl + " was rejected: GitLab: You are not allowed to push code to protected branches on this project." }
            click(page, "Push")
            tryVerify(() => banner.visible)
            compare(banner.title, "The push failed")
            verify(!findOne(page, "pushResult").visible)
            verify(!enabled(page, "pushButton"), "a failed push needs a new preview")
        }

        function test_thePageStartsFromTheNewestExport() {
            const sync = newSync()
            sync.history.add({ timeMs: Date.now() - 86400000, repository: "https://gitlab.example.com/platform/old.git", branch: "old",
                sha: "1111111111111111111111111111111111111111", filesChanged: 3, mergeRequestUrl: "" })
            sync.history.add({ timeMs: Date.now() - 3600000, repository: repositoryUrl, branch: "gatehouse/config",
                sha: "2222222222222222222222222222222222222222", filesChanged: 1,
                mergeRequestUrl: "https://gitlab.example.com/platform/gateway-config/-/merge_requests/9" })
            const page = createPage(sync)
            compare(findOne(page, "repositoryField").text, repositoryUrl)
            compare(findOne(page, "branchField").text, "gatehouse/config")
            compare(sync.repository, repositoryUrl)
            const table = findOne(page, "historyTable")
            const rows = rowsOf(table, 2)
            verify(texts(rows[0]).indexOf("22222222") >= 0, String(texts(rows[0])))
            verify(texts(rows[1]).indexOf("https://gitlab.example.com/platform/old.git") >= 0)
            // Only an export with a merge request has the link.
            verify(button(rows[0], "Open") !== null)
            verify(button(rows[1], "Open") === null)
            verify(hasText(page, "Kept in ~/.local/share/gatehouse-console/gitlab-exports.json (the newest 100)."))
        }
    }
}
