// One entry of the sidebar: a page name that highlights when its page is shown.
import QtQuick
import QtQuick.Controls.Basic

ItemDelegate {
    id: item

    property bool current: false

    implicitHeight: 36
    leftPadding: Theme.spacing
    hoverEnabled: true
    font.pixelSize: Theme.fontSize

    contentItem: Label {
        text: item.text
        font.pixelSize: item.font.pixelSize
        font.bold: item.current
        color: item.current ? "white" : Theme.sidebarText
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
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
