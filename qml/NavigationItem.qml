// One entry of the sidebar: a page name that highlights when its page is shown, with a count of
// what waits there (pending approvals) when there is any.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

ItemDelegate {
    id: item

    property bool current: false
    // Shown as a pill after the name when above 0.
    property int badgeCount: 0

    implicitHeight: 36
    leftPadding: Theme.spacing
    hoverEnabled: true
    font.pixelSize: Theme.fontSize

    rightPadding: Theme.spacingSmall
    // Room for the badge, so a row with one is laid out like a row without.
    topPadding: 8
    bottomPadding: 8
    contentItem: RowLayout {
        spacing: Theme.spacingSmall

        Label {
            Layout.fillWidth: true
            text: item.text
            font.pixelSize: item.font.pixelSize
            font.bold: item.current
            color: item.current ? "white" : Theme.sidebarText
            verticalAlignment: Text.AlignVCenter
            elide: Text.ElideRight
        }
        Rectangle {
            objectName: "navigationBadge"
            visible: item.badgeCount > 0
            implicitWidth: Math.max(implicitHeight, badgeLabel.implicitWidth + 12)
            implicitHeight: 20
            radius: height / 2
            color: Theme.accent

            Label {
                id: badgeLabel
                anchors.centerIn: parent
                text: item.badgeCount > 99 ? "99+" : item.badgeCount
                color: "white"
                font.pixelSize: 11
                font.bold: true
            }
        }
    }
    background: Rectangle {
        radius: 6
        color: item.current ? Theme.sidebarSelected : item.hovered ? Theme.sidebarHover : "transparent"

        Rectangle {
            visible: item.current
            anchors.left: parent.left
            anchors.verticalCenter: parent.verticalCenter
            width: 3
            height: parent.height - 14
            radius: 1.5
            color: Theme.accent
        }
    }
}
