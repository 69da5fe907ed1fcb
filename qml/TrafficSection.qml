// A card of the Traffic page showing one TrafficList: its title, how many entries it has (once
// known), and its rows — TrafficScopeRows made by `row` under a header of `captions` — or what the
// empty list says. The deployments card holds an AdminTable instead (no `row`).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts
import "Traffic.js" as Traffic

Card {
    id: section

    required property var list
    // The count's caption, for one entry and for any other number.
    property string one
    property string many
    property var captions: []
    property Component row: null
    property string emptyText

    Layout.fillWidth: true
    headerItems: StatText {
        visible: section.list.answered && section.list.failure.length === 0
        value: Traffic.count(section.list.count)
        caption: section.list.count === 1 ? section.one : section.many
    }

    TrafficScopeRow {
        Layout.fillWidth: true
        visible: section.row !== null && section.list.count > 0
        captions: section.captions
    }
    Repeater {
        model: section.row ? section.list : null
        delegate: section.row
    }
    Label {
        objectName: "sectionEmpty"
        Layout.fillWidth: true
        Layout.margins: Theme.spacing
        visible: section.row !== null && section.list.count === 0
        text: section.emptyText
        color: Theme.textMuted
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
    }
}
