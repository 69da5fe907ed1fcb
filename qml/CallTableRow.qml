// One call in the call table: when, how it ended, which model and provider, how long, how many tokens.
// A chosen row is highlighted, with a bar on its left.
import QtQuick
import QtQuick.Controls.Basic

Item {
    id: row

    required property CallTableColumns columns
    // Roles of CallLogModel.
    required property string time
    required property string requestId
    required property string model
    required property string provider
    required property int status
    required property real latencyMs
    required property var tokensIn
    required property var tokensOut
    required property string keyPrefix
    required property bool stream
    required property string errorCode
    property bool selectable: false
    property bool selected: false

    signal clicked()

    // Sub-millisecond latencies are the norm with the mock provider: keep two decimals there.
    function formatMs(ms) {
        return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toLocaleString(Qt.locale(), "f", 0)
    }
    function formatCount(count) {
        return count === undefined || count === null ? "—" : Number(count).toLocaleString(Qt.locale(), "f", 0)
    }

    implicitHeight: 34

    // Inline components cannot see this file's ids, so a cell takes its height from the Row it sits in.
    component Cell: Label {
        height: parent ? parent.height : implicitHeight
        verticalAlignment: Text.AlignVCenter
        color: Theme.text
        elide: Text.ElideRight
    }

    Rectangle {
        anchors.fill: parent
        color: row.selected ? Theme.accentSoft : hover.hovered ? (row.selectable ? Theme.surfaceAlternate : Theme.accentSoft) : "transparent"
    }
    Rectangle {
        visible: row.selected
        width: 3
        height: parent.height - 12
        y: 6
        radius: 1.5
        color: Theme.accent
    }
    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.border
    }
    HoverHandler {
        id: hover
        cursorShape: row.selectable ? Qt.PointingHandCursor : Qt.ArrowCursor
    }
    TapHandler {
        enabled: row.selectable
        onTapped: row.clicked()
    }

    Row {
        anchors.fill: parent
        anchors.leftMargin: row.columns.padding
        anchors.rightMargin: row.columns.padding
        spacing: row.columns.spacing

        Cell {
            width: row.columns.timeWidth
            text: row.time
            color: Theme.textMuted
        }
        Item {
            width: row.columns.statusWidth
            height: row.height

            Rectangle {
                anchors.verticalCenter: parent.verticalCenter
                width: statusLabel.implicitWidth + 14
                height: 20
                radius: 10
                color: row.status > 0 ? Theme.statusBackground(row.status) : Theme.neutralSoft

                Label {
                    id: statusLabel
                    anchors.centerIn: parent
                    text: row.status > 0 ? row.status : "—"
                    color: row.status > 0 ? Theme.statusColor(row.status) : Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                }
            }
        }
        Item {
            width: row.columns.modelWidth
            height: row.height

            Label {
                id: modelLabel
                anchors.verticalCenter: parent.verticalCenter
                width: Math.min(implicitWidth, parent.width - (streamTag.visible ? streamTag.width + Theme.spacingSmall : 0))
                text: row.model.length > 0 ? row.model : "—"
                color: Theme.text
                elide: Text.ElideRight
            }
            Rectangle {
                id: streamTag
                visible: row.stream
                anchors.left: modelLabel.right
                anchors.leftMargin: Theme.spacingSmall
                anchors.verticalCenter: parent.verticalCenter
                width: streamLabel.implicitWidth + 10
                height: 18
                radius: 4
                color: Theme.accentSoft

                Label {
                    id: streamLabel
                    anchors.centerIn: parent
                    text: qsTr("stream")
                    color: Theme.accent
                    font.pixelSize: 11
                }
            }
        }
        Cell {
            width: row.columns.providerWidth
            text: row.provider.length > 0 ? row.provider : "—"
        }
        Cell {
            width: row.columns.latencyWidth
            horizontalAlignment: Text.AlignRight
            text: row.formatMs(row.latencyMs)
        }
        Cell {
            width: row.columns.tokensInWidth
            horizontalAlignment: Text.AlignRight
            text: row.formatCount(row.tokensIn)
        }
        Cell {
            width: row.columns.tokensOutWidth
            horizontalAlignment: Text.AlignRight
            text: row.formatCount(row.tokensOut)
        }
        Cell {
            width: row.columns.keyWidth
            text: row.keyPrefix.length > 0 ? row.keyPrefix : "—"
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            color: Theme.textMuted
        }
        Cell {
            width: row.columns.detailWidth
            text: row.errorCode.length > 0 ? row.errorCode : row.requestId
            // Request IDs differ at the end (a counter), so that is the part to keep.
            elide: row.errorCode.length > 0 ? Text.ElideRight : Text.ElideMiddle
            font.family: Theme.monospaceFamily
            font.pixelSize: Theme.fontSizeSmall
            color: row.errorCode.length > 0 ? Theme.danger : Theme.textMuted
        }
    }
}
