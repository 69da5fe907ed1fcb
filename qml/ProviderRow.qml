// One provider on the Providers & Models page: where it is, its credential reference, its models,
// and a Test connection button with the last result underneath.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: row

    // Roles of ProvidersModel.
    required property string name
    required property string kind
    required property string baseUrl
    required property string credential
    required property string models
    required property int modelCount
    required property int testState
    required property int httpStatus
    required property int latencyMs
    required property string message
    required property string testedModel
    required property bool editable  // added through the admin API: the console may edit it
    required property string problem // why its calls fail before anything is sent; "" = none

    // False while the gateway does not run: a test goes through it.
    property bool canTest: true
    // A line above the row, between it and the one before.
    property bool separated: false

    signal testRequested()
    signal editRequested()

    readonly property bool testing: testState === ProvidersModel.Testing
    readonly property bool succeeded: testState === ProvidersModel.Succeeded
    readonly property bool failed: testState === ProvidersModel.Failed

    function formatLatency(ms) {
        return ms < 0 ? "" : ms < 1 ? qsTr("< 1 ms") : qsTr("%1 ms").arg(ms.toLocaleString(Qt.locale(), "f", 0))
    }
    // The start of an answer is enough to see the provider spoke; the whole of it may be long.
    function firstWords(text, count) {
        const words = text.trim().split(/\s+/)
        return words.length <= count ? text.trim() : words.slice(0, count).join(" ") + " …"
    }
    function badgeText() {
        if (testing)
            return qsTr("Testing…")
        if (succeeded)
            return qsTr("OK · %1").arg(formatLatency(latencyMs))
        if (failed)
            return httpStatus > 0 ? qsTr("Failed · HTTP %1").arg(httpStatus) : qsTr("Failed")
        return qsTr("Not tested")
    }

    spacing: Theme.spacing

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
    }
    component Value: Label {
        color: Theme.text
        font.family: Theme.monospaceFamily
        font.pixelSize: Theme.fontSizeSmall
        elide: Text.ElideMiddle
    }

    Rectangle {
        Layout.fillWidth: true
        Layout.bottomMargin: Theme.spacingSmall
        visible: row.separated
        implicitHeight: 1
        color: Theme.border
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing

        Label {
            text: row.name
            color: Theme.text
            font.pixelSize: Theme.fontSizeHeading
            font.bold: true
            elide: Text.ElideRight
            Layout.maximumWidth: row.width / 3
        }
        Rectangle {
            implicitWidth: kindLabel.implicitWidth + 12
            implicitHeight: 20
            radius: 4
            color: Theme.accentSoft

            Label {
                id: kindLabel
                anchors.centerIn: parent
                text: row.kind
                color: Theme.accent
                font.pixelSize: Theme.fontSizeSmall
            }
        }
        Item {
            Layout.fillWidth: true
        }
        Rectangle {
            objectName: "testBadge"
            implicitWidth: badgeLabel.implicitWidth + 2 * Theme.spacing
            implicitHeight: 24
            radius: height / 2
            color: row.succeeded ? Theme.successSoft : row.failed ? Theme.dangerSoft : row.testing ? Theme.warningSoft : Theme.neutralSoft

            Label {
                id: badgeLabel
                anchors.centerIn: parent
                text: row.badgeText()
                color: row.succeeded ? Theme.success : row.failed ? Theme.danger : row.testing ? Theme.warning : Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                font.bold: true
            }
        }
        ActionButton {
            objectName: "editProviderButton"
            visible: row.editable
            text: qsTr("Edit…")
            onClicked: row.editRequested()
        }
        ActionButton {
            objectName: "testConnectionButton"
            text: qsTr("Test connection")
            enabled: row.canTest && !row.testing
            onClicked: row.testRequested()
        }
    }

    // Three facts side by side, each a caption over its value, in fixed shares of the row so the
    // columns line up from one provider to the next.
    Row {
        id: facts

        readonly property real available: width - 2 * spacing

        Layout.fillWidth: true
        spacing: Theme.spacingLarge

        Column {
            width: facts.available * 0.34
            spacing: 2

            Caption { text: qsTr("Base URL") }
            Value {
                width: parent.width
                text: row.baseUrl
            }
        }
        Column {
            width: facts.available * 0.24
            spacing: 2

            Caption { text: qsTr("Credential") }
            Value {
                width: parent.width
                text: row.credential
            }
        }
        Column {
            width: facts.available * 0.42
            spacing: 2

            Caption { text: qsTr("Models") }
            Label {
                width: parent.width
                text: row.modelCount > 0 ? row.models : qsTr("No model is deployed here")
                color: row.modelCount > 0 ? Theme.text : Theme.textMuted
                font.pixelSize: Theme.fontSizeSmall
                wrapMode: Text.Wrap
            }
        }
    }

    // The last test: what the provider answered, or the exact error.
    Rectangle {
        objectName: "testResult"
        Layout.fillWidth: true
        visible: row.testState !== ProvidersModel.Untested
        implicitHeight: resultLabel.implicitHeight + 2 * Theme.spacingSmall + 2
        radius: 6
        color: row.succeeded ? Theme.successSoft : row.failed ? Theme.dangerSoft : Theme.surfaceAlternate
        border.color: row.succeeded ? Qt.lighter(Theme.success, 2.2) : row.failed ? Qt.lighter(Theme.danger, 1.6) : Theme.border

        Label {
            id: resultLabel
            anchors.fill: parent
            anchors.leftMargin: Theme.spacing
            anchors.rightMargin: Theme.spacing
            verticalAlignment: Text.AlignVCenter
            color: row.testing ? Theme.textMuted : Theme.text
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            text: row.testing ? qsTr("Sending one short chat call through the gateway…")
                : row.succeeded ? qsTr("%1 answered in %2: “%3”").arg(row.testedModel).arg(row.formatLatency(row.latencyMs)).arg(row.firstWords(row.message, 12))
                : row.message
        }
    }

    // A provider that cannot be called as it is (an unset environment variable): say what to fix.
    Label {
        objectName: "providerProblem"
        Layout.fillWidth: true
        visible: row.problem.length > 0
        text: qsTr("Cannot be called: %1").arg(row.problem)
        color: Theme.danger
        font.pixelSize: Theme.fontSizeSmall
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
    }
}
