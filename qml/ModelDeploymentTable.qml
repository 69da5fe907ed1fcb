// The public models and their deployments: which provider serves each, under which name, how much.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: table

    // ModelDeploymentsModel, or a ListModel with its roles.
    required property var deployments
    property string emptyText: qsTr("No models.")
    // Each model's routing as the admin API lists it: name → {caption, source} (the caption under
    // the name, "least latency · 2 fallbacks"; source "store" or "config"). Empty: no captions.
    property var routes: ({})
    // Shows Routing… on each model (editable for those added here, read-only for the config's).
    property bool canEdit: false

    signal routeRequested(string model)

    // The public models shown, in order.
    function modelNames() {
        const names = []
        for (let i = 0; i < rowRepeater.count; ++i) {
            const row = rowRepeater.itemAt(i)
            if (row && names.indexOf(row.model) < 0)
                names.push(row.model)
        }
        return names
    }

    // Column widths as shares of the table; weight and share are numbers, aligned right.
    readonly property var shares: [0.25, 0.17, 0.26, 0.08, 0.1, 0.14]
    readonly property int padding: Theme.spacing
    readonly property int cellSpacing: Theme.spacing
    function columnWidth(column) {
        return Math.floor((width - 2 * padding - 5 * cellSpacing) * shares[column])
    }

    spacing: 0

    component Cell: Label {
        height: parent ? parent.height : implicitHeight
        verticalAlignment: Text.AlignVCenter
        color: Theme.text
        elide: Text.ElideRight
    }

    Rectangle {
        Layout.fillWidth: true
        implicitHeight: 30
        color: Theme.surfaceAlternate
        radius: 4

        Row {
            anchors.fill: parent
            anchors.leftMargin: table.padding
            anchors.rightMargin: table.padding
            spacing: table.cellSpacing

            Repeater {
                model: [qsTr("Model"), qsTr("Provider"), qsTr("Upstream model"), qsTr("Weight"), qsTr("Share"), ""]

                Cell {
                    required property string modelData
                    required property int index
                    width: table.columnWidth(index)
                    text: modelData
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSizeSmall
                    font.bold: true
                    horizontalAlignment: index >= 3 && index <= 4 ? Text.AlignRight : Text.AlignLeft
                }
            }
        }
    }

    Repeater {
        id: rowRepeater
        model: table.deployments

        Item {
            id: deploymentRow

            // Roles of ModelDeploymentsModel.
            required property string model
            required property string provider
            required property string upstreamModel
            required property int weight
            required property real sharePercent
            required property bool firstOfModel
            required property int index
            readonly property var route: table.routes[model] || null

            objectName: "deploymentRow"
            Layout.fillWidth: true
            implicitHeight: firstOfModel && route ? 46 : 32

            // A line above each model's first deployment groups its rows.
            Rectangle {
                visible: deploymentRow.firstOfModel && deploymentRow.index > 0
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                height: 1
                color: Theme.border
            }
            Row {
                anchors.fill: parent
                anchors.leftMargin: table.padding
                anchors.rightMargin: table.padding
                spacing: table.cellSpacing

                Column {
                    width: table.columnWidth(0)
                    anchors.verticalCenter: parent.verticalCenter
                    Label {
                        width: parent.width
                        text: deploymentRow.firstOfModel ? deploymentRow.model : ""
                        color: Theme.text
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        objectName: "routeCaption"
                        width: parent.width
                        visible: deploymentRow.firstOfModel && deploymentRow.route !== null
                        text: deploymentRow.route ? deploymentRow.route.caption : ""
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSizeSmall
                        elide: Text.ElideRight
                    }
                }
                Cell {
                    width: table.columnWidth(1)
                    text: deploymentRow.provider
                }
                Cell {
                    width: table.columnWidth(2)
                    text: deploymentRow.upstreamModel
                    font.family: Theme.monospaceFamily
                    font.pixelSize: Theme.fontSizeSmall
                }
                Cell {
                    width: table.columnWidth(3)
                    horizontalAlignment: Text.AlignRight
                    text: deploymentRow.weight
                }
                Cell {
                    width: table.columnWidth(4)
                    horizontalAlignment: Text.AlignRight
                    text: qsTr("%1 %").arg(deploymentRow.sharePercent.toLocaleString(Qt.locale(), "f", deploymentRow.sharePercent % 1 === 0 ? 0 : 1))
                    color: Theme.textMuted
                }
                Item {
                    width: table.columnWidth(5)
                    height: parent.height
                    ActionButton {
                        objectName: "routeButton"
                        anchors.right: parent.right
                        anchors.verticalCenter: parent.verticalCenter
                        visible: table.canEdit && deploymentRow.firstOfModel && deploymentRow.route !== null
                        text: deploymentRow.route && deploymentRow.route.source === "store" ? qsTr("Edit routing…") : qsTr("Routing…")
                        onClicked: table.routeRequested(deploymentRow.model)
                    }
                }
            }
        }
    }

    Label {
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacing
        visible: table.deployments.count === 0
        text: table.emptyText
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
    }
}
