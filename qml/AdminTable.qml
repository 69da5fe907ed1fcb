// A table of admin API entities (an AdminListModel: one JSON object per row, in `item`): column titles,
// one row per entity, and what to say while it loads, when it failed or is empty. Pages describe
// their columns with TableColumn; rows can be selected, or expanded to show `details`.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import Gatehouse.Console

ColumnLayout {
    id: table

    // AdminListModel, or a stand-in with the same properties and the role `item`.
    required property var model
    property list<TableColumn> columns
    // Shown under a row when it is clicked, side by side: long values (an audit entry's before/after).
    property list<TableColumn> details
    property string emptyText: qsTr("Nothing here yet.")
    // Rows can be chosen: a click emits rowClicked, and the row whose item.id is `selectedId` is
    // highlighted (the page binds it to its own choice).
    property bool selectable: false
    property var selectedId: null
    property var expandedId: null
    // Rows shown before the table scrolls, when it is not given a height of its own; 0: all of them.
    property int visibleRows: 0
    property int rowHeight: 40

    readonly property alias count: list.count
    readonly property bool expandable: details.length > 0
    readonly property string errorText: model && model.errorText ? model.errorText : ""
    readonly property int padding: Theme.spacing
    readonly property int cellSpacing: Theme.spacing

    signal rowClicked(var item)

    // A layout fills by default; a table takes extra height only where a page asks for it.
    Layout.fillHeight: false

    // Fixed columns get their width; the others share the rest by their `share`.
    readonly property real fixedWidth: {
        let sum = 0
        for (let i = 0; i < columns.length; ++i)
            sum += columns[i].width
        return sum
    }
    readonly property real shareSum: {
        let sum = 0
        for (let i = 0; i < columns.length; ++i)
            sum += columns[i].width > 0 ? 0 : columns[i].share
        return sum
    }
    // Leaves room for the scroll bar, so the last column never hides under it.
    readonly property real flexibleWidth: Math.max(0, list.width - 8 - 2 * padding - (columns.length - 1) * cellSpacing - fixedWidth)
    function columnWidth(column) {
        return column.width > 0 ? column.width : Math.floor(flexibleWidth * column.share / Math.max(shareSum, 0.001))
    }

    spacing: 0

    component Caption: Label {
        color: Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        font.bold: true
        elide: Text.ElideRight
    }

    // One cell: text, a state pill, or the row's buttons, as its column says.
    component Cell: Item {
        id: cell

        required property TableColumn column
        required property var entity

        width: table.columnWidth(column)

        Label {
            id: cellText
            visible: cell.column.kind === "text"
            anchors.fill: parent
            verticalAlignment: Text.AlignVCenter
            horizontalAlignment: cell.column.alignment === Qt.AlignRight ? Text.AlignRight : Text.AlignLeft
            text: visible ? cell.column.textOf(cell.entity) : ""
            color: cell.column.muted ? Theme.textMuted : Theme.text
            font.family: cell.column.monospace ? Theme.monospaceFamily : Qt.application.font.family
            font.pixelSize: cell.column.monospace || cell.column.muted ? Theme.fontSizeSmall : Theme.fontSize
            elide: Text.ElideRight
            textFormat: Text.PlainText

            HoverHandler {
                id: textHover
            }
            ToolTip.visible: textHover.hovered && cellText.truncated
            ToolTip.text: cellText.text
            ToolTip.delay: 500
        }
        StatusPill {
            visible: cell.column.kind === "pill"
            anchors.verticalCenter: parent.verticalCenter
            text: visible ? cell.column.pillText(cell.entity) : ""
            tone: visible && cell.column.pillTone ? cell.column.pillTone(cell.entity) : "neutral"
        }
        Row {
            visible: cell.column.kind === "actions"
            anchors.verticalCenter: parent.verticalCenter
            anchors.right: parent.right
            spacing: Theme.spacingSmall

            Repeater {
                model: cell.column.kind === "actions" ? cell.column.actions : []

                ActionButton {
                    required property TableAction modelData
                    objectName: "rowAction"
                    implicitHeight: 28
                    visible: modelData.isShown(cell.entity)
                    enabled: modelData.isEnabled(cell.entity)
                    primary: modelData.primary
                    text: modelData.text
                    padding: 4
                    leftPadding: 10
                    rightPadding: 10
                    font.pixelSize: Theme.fontSizeSmall
                    onClicked: modelData.triggered(cell.entity)
                }
            }
        }
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
                model: table.columns

                Caption {
                    required property TableColumn modelData
                    width: table.columnWidth(modelData)
                    height: parent.height
                    verticalAlignment: Text.AlignVCenter
                    horizontalAlignment: modelData.alignment === Qt.AlignRight ? Text.AlignRight : Text.AlignLeft
                    text: modelData.title
                }
            }
        }
    }

    ListView {
        id: list
        objectName: "adminTableList"
        Layout.fillWidth: true
        Layout.fillHeight: true
        implicitHeight: Math.max(table.visibleRows > 0 ? Math.min(contentHeight, table.visibleRows * table.rowHeight) : contentHeight,
            placeholder.visible ? placeholder.implicitHeight + 2 * Theme.spacingLarge : 0)
        clip: true
        model: table.model
        boundsBehavior: Flickable.StopAtBounds
        // Shown exactly while there is more than fits (visibility, not the policy, follows the content:
        // an AsNeeded bar flashes up whenever the rows change, and fades out slowly).
        ScrollBar.vertical: ScrollBar {
            policy: ScrollBar.AlwaysOn
            visible: list.contentHeight > list.height + 0.5
        }

        delegate: Item {
            id: row

            required property var item
            required property int index

            readonly property bool selected: table.selectable && table.selectedId !== null && item && item.id === table.selectedId
            readonly property bool expanded: table.expandable && table.expandedId !== null && item && item.id === table.expandedId

            objectName: "adminTableRow"
            width: ListView.view.width
            height: table.rowHeight + (expanded ? detailPane.implicitHeight : 0)

            Rectangle {
                anchors.fill: parent
                color: row.selected ? Theme.accentSoft : rowHover.hovered && (table.selectable || table.expandable) ? Theme.surfaceAlternate : "transparent"
            }
            Rectangle {
                visible: row.selected
                x: 0
                width: 3
                height: table.rowHeight - 12
                y: 6
                radius: 1.5
                color: Theme.accent
            }
            HoverHandler {
                id: rowHover
            }
            // Under the cells, so a button in a row gets its own clicks.
            MouseArea {
                anchors.fill: parent
                enabled: table.selectable || table.expandable
                cursorShape: enabled ? Qt.PointingHandCursor : Qt.ArrowCursor
                onClicked: {
                    if (!table.selectable && table.expandable)
                        table.expandedId = row.expanded ? null : row.item.id
                    table.rowClicked(row.item)
                }
            }

            Row {
                x: table.padding
                width: parent.width - 2 * table.padding
                height: table.rowHeight
                spacing: table.cellSpacing

                Repeater {
                    model: table.columns

                    Cell {
                        required property TableColumn modelData
                        column: modelData
                        entity: row.item
                        height: table.rowHeight
                    }
                }
            }

            RowLayout {
                id: detailPane
                visible: row.expanded
                y: table.rowHeight
                x: table.padding
                width: parent.width - 2 * table.padding
                spacing: Theme.spacing

                Repeater {
                    model: row.expanded ? table.details : []

                    ColumnLayout {
                        required property TableColumn modelData
                        Layout.fillWidth: true
                        Layout.preferredWidth: modelData.share
                        Layout.alignment: Qt.AlignTop
                        Layout.bottomMargin: Theme.spacing
                        spacing: 4

                        Caption {
                            text: modelData.title
                        }
                        Rectangle {
                            Layout.fillWidth: true
                            implicitHeight: detailText.implicitHeight + 2 * Theme.spacingSmall
                            radius: 6
                            color: Theme.surfaceAlternate
                            border.color: Theme.border

                            Label {
                                id: detailText
                                objectName: "detailText"
                                x: Theme.spacing
                                y: Theme.spacingSmall
                                width: parent.width - 2 * Theme.spacing
                                text: modelData.textOf(row.item)
                                color: Theme.text
                                font.family: Theme.monospaceFamily
                                font.pixelSize: Theme.fontSizeSmall
                                wrapMode: Text.Wrap
                                textFormat: Text.PlainText
                            }
                        }
                    }
                }
            }

            Rectangle {
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                height: 1
                color: Theme.border
            }
        }

        // Empty or loading: says which, in place of the rows (a failure has the banner below).
        Label {
            id: placeholder
            objectName: "tablePlaceholder"
            anchors.centerIn: parent
            width: Math.min(parent.width - 2 * Theme.spacingLarge, 560)
            visible: list.count === 0 && table.errorText.length === 0
            text: table.model && table.model.loading ? qsTr("Loading…") : table.emptyText
            color: Theme.textMuted
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
        }
    }

    // A list that could not load says why, in the API's words, with a way to try again.
    ErrorBanner {
        objectName: "tableError"
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacingSmall
        visible: table.errorText.length > 0
        title: qsTr("Could not load this list")
        message: table.errorText
        onActionTriggered: table.model.reload()
    }
}
