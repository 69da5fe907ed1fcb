// Two versions of a prompt side by side (a SideBySideDiffModel): the fields that changed, then each
// message with the old version's lines on the left — removed ones red — and the new version's on
// the right — added ones green —, unchanged runs folded.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: view

    required property SideBySideDiffModel diff

    spacing: Theme.spacingSmall

    // One side of a line: its number and text on the colour of what happened to it.
    component Side: Rectangle {
        id: side

        property string op
        property string text
        property int line: 0
        // A changed field's value, not a line of a message.
        property bool field: false

        Layout.fillWidth: true
        Layout.preferredWidth: 1
        Layout.fillHeight: true
        implicitHeight: sideText.implicitHeight + 4
        color: op === "-" ? Theme.dangerSoft : op === "+" ? Theme.successSoft : op === "" ? Theme.surfaceAlternate : "transparent"

        Label {
            x: 4
            y: 2
            width: 30
            text: side.line > 0 ? side.line : ""
            color: Theme.textMuted
            horizontalAlignment: Text.AlignRight
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
        }
        Label {
            x: 40
            y: 2
            width: 14
            text: side.op === "-" || side.op === "+" ? side.op : ""
            color: side.op === "-" ? Theme.danger : Theme.success
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            font.bold: true
        }
        Label {
            id: sideText
            objectName: side.field ? "fieldValue" : side.op === "-" ? "removedLine" : side.op === "+" ? "addedLine" : "diffLine"
            x: 56
            y: 2
            width: side.width - 60
            text: side.text
            color: side.op === "-" ? Theme.danger : side.op === "+" ? Theme.success : Theme.text
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.WrapAnywhere
            textFormat: Text.PlainText
        }
    }

    // The other fields that differ.
    ColumnLayout {
        objectName: "changedFields"
        Layout.fillWidth: true
        visible: view.diff.changes.length > 0
        spacing: 2

        Label {
            text: qsTr("Changed fields")
            color: Theme.text
            font.bold: true
        }
        Repeater {
            model: view.diff.changes

            RowLayout {
                required property var modelData

                objectName: "changedField"
                Layout.fillWidth: true
                spacing: Theme.spacingSmall

                Label {
                    Layout.preferredWidth: 110
                    text: modelData.field
                    color: Theme.text
                    font.family: Theme.monospaceFamily
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                }
                Side {
                    Layout.fillHeight: false
                    field: true
                    op: "-"
                    text: modelData.fromText.length > 0 ? modelData.fromText : qsTr("(none)")
                }
                Side {
                    Layout.fillHeight: false
                    field: true
                    op: "+"
                    text: modelData.toText.length > 0 ? modelData.toText : qsTr("(none)")
                }
            }
        }
    }

    // The versions' names over the two columns.
    RowLayout {
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacingSmall
        visible: view.diff.loaded
        spacing: 2

        Label {
            objectName: "diffFromTitle"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            text: qsTr("v%1 (before) · %2 removed").arg(view.diff.fromVersion).arg(view.diff.removedLines)
            color: Theme.danger
            font.bold: true
        }
        Label {
            objectName: "diffToTitle"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            text: qsTr("v%1 (after) · %2 added").arg(view.diff.toVersion).arg(view.diff.addedLines)
            color: Theme.success
            font.bold: true
        }
    }

    Rectangle {
        Layout.fillWidth: true
        visible: view.diff.count > 0
        implicitHeight: rows.implicitHeight + 2
        color: Theme.surface
        border.color: Theme.border
        radius: 4

        ColumnLayout {
            id: rows
            x: 1
            y: 1
            width: parent.width - 2
            spacing: 0

            Repeater {
                model: view.diff

                Item {
                    id: row

                    required property string kind
                    required property string title
                    required property string leftOp
                    required property string leftText
                    required property int leftLine
                    required property string rightOp
                    required property string rightText
                    required property int rightLine
                    required property int hidden

                    objectName: "diffRow"
                    Layout.fillWidth: true
                    implicitHeight: kind === "line" ? sides.implicitHeight : 26

                    Rectangle {
                        anchors.fill: parent
                        visible: row.kind === "message"
                        color: Theme.neutralSoft

                        Label {
                            objectName: "diffMessageTitle"
                            anchors.verticalCenter: parent.verticalCenter
                            x: Theme.spacingSmall
                            text: row.title
                            color: Theme.text
                            font.pixelSize: Theme.fontSizeSmall
                            font.bold: true
                        }
                    }
                    Label {
                        objectName: "diffGap"
                        anchors.centerIn: parent
                        visible: row.kind === "gap"
                        text: row.hidden === 1 ? qsTr("⋯ 1 unchanged line") : qsTr("⋯ %1 unchanged lines").arg(row.hidden)
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                    }
                    RowLayout {
                        id: sides
                        anchors.left: parent.left
                        anchors.right: parent.right
                        visible: row.kind === "line"
                        spacing: 2

                        Side {
                            objectName: "diffLeft"
                            op: row.leftOp
                            text: row.leftText
                            line: row.leftLine
                        }
                        Side {
                            objectName: "diffRight"
                            op: row.rightOp
                            text: row.rightText
                            line: row.rightLine
                        }
                    }
                }
            }
        }
    }
}
