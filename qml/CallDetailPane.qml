// One call of the Call log in full: every field of its record, and the request and answer payload
// capture kept (read from GET /admin/v1/calls/{request_id} when the call is chosen), with "Copy as curl".
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console
import "CallLog.js" as CallLog
import "Governance.js" as Governance

Card {
    id: pane

    // The chosen call's fields from the live log (CallLogFilterModel.get), or null.
    property var call: null
    // The admin API of the gateway the call went through: controller.admin.embeddedClient, or a
    // stand-in with the same request() in tests.
    required property var client
    // The gateway's data plane, for "Copy as curl".
    property string baseUrl
    // A call the API does not know yet is asked for once more after this long (ms).
    property int retryDelay: 1000

    // The call as the admin API answered it (every field and `payload`), or null.
    property var stored: null
    // "idle", "loading" (also while waiting to ask again), "loaded", "missing" (not in the
    // database), "failed" (any other answer; `errorText` says what).
    property string loadState: "idle"
    property string errorText
    readonly property bool busy: loadState === "loading"
    // When the last answer came (epoch ms): for --screenshot, which waits for it.
    property double updatedAt: NaN
    // What "Copy as curl" put on the clipboard, and what it says about it.
    property string curlCommand
    property string curlNote

    readonly property var shown: stored !== null ? stored : call
    readonly property var payload: stored !== null && stored.payload ? stored.payload : null

    // Each request gets a number; an answer for an earlier one (another call chosen since) is dropped.
    property int generation: 0

    signal closeRequested()

    function refresh() {
        retryTimer.stop()
        if (call)
            load(0)
    }
    function load(attempt) {
        const requestId = call.request_id
        const sent = ++generation
        loadState = "loading"
        errorText = ""
        client.request("GET", "/admin/v1/calls/" + encodeURIComponent(requestId), {}, reply => {
            if (sent !== pane.generation)
                return
            if (reply.ok) {
                stored = reply.body
                loadState = "loaded"
            } else if (reply.status === 404 && attempt === 0) {
                // The writer commits a record before the live log shows it, so this is rare (a
                // record pruned meanwhile, another gateway's log); asked once more in case.
                retryTimer.start()
                return
            } else {
                loadState = reply.status === 404 ? "missing" : "failed"
                errorText = Governance.errorOf(reply)
            }
            updatedAt = Date.now()
        })
    }
    function copyCurl() {
        // Without the stored call (not in the database, or it failed) the builder says the payload is unknown.
        const result = CurlCommand.forCall(baseUrl, loadState === "loaded" ? stored : call)
        curlCommand = result.command
        curlNote = result.note
        Clipboard.setText(result.command)
        copiedTimer.restart()
    }

    onCallChanged: {
        ++generation
        retryTimer.stop()
        stored = null
        curlCommand = ""
        curlNote = ""
        errorText = ""
        loadState = "idle"
        if (call)
            load(0)
    }

    Timer {
        id: retryTimer
        interval: pane.retryDelay
        onTriggered: if (pane.call) pane.load(1)
    }
    Timer {
        id: copiedTimer
        interval: 1500
    }

    title: shown ? qsTr("Call %1").arg(shown.request_id) : qsTr("Call")
    headerItems: [
        StatusPill {
            visible: !!pane.shown
            text: pane.shown ? (pane.shown.status > 0 ? String(pane.shown.status) : qsTr("no answer")) : ""
            tone: !pane.shown ? "neutral" : pane.shown.status >= 200 && pane.shown.status < 400 && !pane.shown.error_code ? "success"
                : pane.shown.status >= 400 && pane.shown.status < 500 ? "warning" : "danger"
        },
        ActionButton {
            objectName: "copyCurlButton"
            text: copiedTimer.running ? qsTr("Copied") : qsTr("Copy as curl")
            enabled: !!pane.call && !pane.busy && pane.baseUrl.length > 0
            onClicked: pane.copyCurl()
        },
        ActionButton {
            objectName: "closeDetailButton"
            text: qsTr("Close")
            onClicked: pane.closeRequested()
        }
    ]

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
    }
    // A block of captured text: monospace, selectable, wrapped anywhere (JSON has long strings).
    component CapturedText: Rectangle {
        property alias text: captured.text

        Layout.fillWidth: true
        implicitHeight: captured.implicitHeight + 2 * Theme.spacingSmall
        radius: 6
        color: Theme.surfaceAlternate
        border.color: Theme.border

        TextEdit {
            id: captured
            x: Theme.spacing
            y: Theme.spacingSmall
            width: parent.width - 2 * Theme.spacing
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            color: Theme.text
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
        }
    }

    Label {
        objectName: "curlNote"
        Layout.fillWidth: true
        visible: pane.curlNote.length > 0
        text: pane.curlNote
        color: Theme.warning
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        spacing: Theme.spacingLarge

        // The record's fields, two sections a column.
        ScrollView {
            id: fieldsView
            Layout.fillHeight: true
            Layout.preferredWidth: 620
            Layout.minimumWidth: 440
            contentWidth: availableWidth
            clip: true

            GridLayout {
                width: fieldsView.availableWidth
                columns: 2
                columnSpacing: Theme.spacingLarge
                rowSpacing: Theme.spacing

                Repeater {
                    model: CallLog.sections(pane.shown)

                    ColumnLayout {
                        id: section

                        required property var modelData
                        required property int index
                        readonly property int labelWidth: index === 0 ? 142 : 120

                        objectName: "detailSection"
                        Layout.alignment: Qt.AlignTop
                        Layout.preferredWidth: Math.floor((fieldsView.availableWidth - Theme.spacingLarge) * (index === 0 ? 0.56 : 0.44))
                        // The long "Call" section on the left, the numbers stacked on the right.
                        Layout.row: index === 0 ? 0 : index - 1
                        Layout.column: index === 0 ? 0 : 1
                        Layout.rowSpan: index === 0 ? 3 : 1
                        spacing: 4

                        Caption {
                            text: section.modelData.title
                        }
                        Repeater {
                            model: section.modelData.fields

                            RowLayout {
                                required property var modelData
                                Layout.fillWidth: true
                                spacing: Theme.spacing

                                Label {
                                    Layout.preferredWidth: section.labelWidth
                                    Layout.minimumWidth: section.labelWidth
                                    Layout.alignment: Qt.AlignTop
                                    text: modelData.label
                                    color: Theme.textMuted
                                    font.pixelSize: Theme.fontSizeSmall
                                    elide: Text.ElideRight
                                }
                                Label {
                                    objectName: "detailValue"
                                    Layout.fillWidth: true
                                    text: modelData.value
                                    color: Theme.text
                                    font.pixelSize: Theme.fontSizeSmall
                                    wrapMode: Text.WrapAnywhere
                                    textFormat: Text.PlainText
                                }
                            }
                        }
                    }
                }
            }
        }

        Rectangle {
            Layout.fillHeight: true
            implicitWidth: 1
            color: Theme.border
        }

        // What payload capture kept, or why there is nothing.
        ScrollView {
            id: payloadView
            objectName: "payloadView"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumWidth: 280
            contentWidth: availableWidth
            clip: true

            ColumnLayout {
                width: payloadView.availableWidth
                spacing: Theme.spacingSmall

                Label {
                    objectName: "payloadStatus"
                    Layout.fillWidth: true
                    visible: text.length > 0
                    text: pane.loadState === "loading" ? qsTr("Loading the captured request and answer…")
                        : pane.loadState === "loaded" && !pane.payload ? CallLog.noPayloadText(pane.shown)
                        : pane.loadState === "missing" ? qsTr("This call is not in the call log's database (yet): retention may have removed it, or the gateway could not write it. The fields shown are from the live log; its payload cannot be read.")
                        : ""
                    color: Theme.textMuted
                    wrapMode: Text.Wrap
                }
                ErrorBanner {
                    objectName: "detailError"
                    Layout.fillWidth: true
                    visible: pane.loadState === "failed"
                    title: qsTr("Could not read this call from the admin API")
                    message: pane.errorText
                    onActionTriggered: pane.refresh()
                }
                ActionButton {
                    visible: pane.loadState === "missing"
                    text: qsTr("Try again")
                    onClicked: pane.refresh()
                }

                ColumnLayout {
                    objectName: "payload"
                    Layout.fillWidth: true
                    visible: !!pane.payload
                    spacing: Theme.spacingSmall

                    Caption { text: qsTr("Request headers") }
                    CapturedText {
                        objectName: "requestHeaders"
                        text: pane.payload && pane.payload.request_headers ? pane.payload.request_headers : qsTr("(none)")
                    }
                    Caption {
                        Layout.topMargin: Theme.spacingSmall
                        text: pane.payload && pane.payload.request_truncated
                            ? qsTr("Request body (cut at capture.max_bytes)") : qsTr("Request body")
                    }
                    CapturedText {
                        objectName: "requestBody"
                        text: pane.payload ? CallLog.bodyText(pane.payload.request) : ""
                    }
                    Caption {
                        Layout.topMargin: Theme.spacingSmall
                        text: !pane.payload ? "" : (pane.payload.response_status ? qsTr("Answer · HTTP %1").arg(pane.payload.response_status) : qsTr("Answer (none was sent)"))
                            + (pane.payload.response_truncated ? qsTr(" (cut at capture.max_bytes)") : "")
                    }
                    CapturedText {
                        objectName: "responseBody"
                        text: pane.payload ? CallLog.bodyText(pane.payload.response) : ""
                    }
                }
            }
        }
    }
}
