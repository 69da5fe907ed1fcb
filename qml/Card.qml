// A white panel with a title: the building block of every page.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

Frame {
    id: card

    property string title
    // Children go below the title, in a column; headerItems sit at the right end of the title row.
    default property alias content: body.data
    property alias headerItems: tools.data

    padding: Theme.spacingLarge
    background: Rectangle {
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            visible: card.title.length > 0 || tools.children.length > 0
            spacing: Theme.spacing

            Label {
                Layout.fillWidth: true
                text: card.title
                color: Theme.text
                font.pixelSize: Theme.fontSizeHeading
                font.bold: true
                elide: Text.ElideRight
            }
            RowLayout {
                id: tools
                spacing: Theme.spacingLarge
            }
        }
        ColumnLayout {
            id: body
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing
        }
    }
}
