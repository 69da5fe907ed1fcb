// The call table's column titles.
import QtQuick
import QtQuick.Controls.Basic

Rectangle {
    id: header

    required property CallTableColumns columns

    implicitHeight: 32
    color: Theme.surfaceAlternate
    radius: 6

    component HeaderLabel: Label {
        height: parent ? parent.height : implicitHeight
        verticalAlignment: Text.AlignVCenter
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
        elide: Text.ElideRight
    }

    Row {
        anchors.fill: parent
        anchors.leftMargin: header.columns.padding
        anchors.rightMargin: header.columns.padding
        spacing: header.columns.spacing

        HeaderLabel { width: header.columns.timeWidth; text: qsTr("Time") }
        HeaderLabel { width: header.columns.statusWidth; text: qsTr("Status") }
        HeaderLabel { width: header.columns.modelWidth; text: qsTr("Model") }
        HeaderLabel { width: header.columns.providerWidth; text: qsTr("Provider") }
        HeaderLabel { width: header.columns.latencyWidth; text: qsTr("Latency ms"); horizontalAlignment: Text.AlignRight }
        HeaderLabel { width: header.columns.tokensInWidth; text: qsTr("Tokens in"); horizontalAlignment: Text.AlignRight }
        HeaderLabel { width: header.columns.tokensOutWidth; text: qsTr("Tokens out"); horizontalAlignment: Text.AlignRight }
        HeaderLabel { width: header.columns.keyWidth; text: qsTr("Key") }
        HeaderLabel { width: header.columns.detailWidth; text: qsTr("Request ID / error") }
    }
}
