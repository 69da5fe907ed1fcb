// One column of an AdminTable: its title, its width, and what a row shows in it (text, a state pill,
// or buttons). Pages describe their tables with these instead of drawing rows of their own.
import QtQml

QtObject {
    property string title
    // A fixed width in pixels; 0 shares what the fixed columns leave, by `share`.
    property int width: 0
    property real share: 1
    property int alignment: Qt.AlignLeft
    property bool monospace: false
    property bool muted: false

    // A function from the row's item (one JSON object of the admin API) to the text to show.
    property var value: null
    // For a state pill: functions from the item to its text and its tone (StatusPill.tone).
    property var pillText: null
    property var pillTone: null
    // Buttons instead of text.
    property list<TableAction> actions

    readonly property string kind: actions.length > 0 ? "actions" : pillText ? "pill" : "text"

    function textOf(item) {
        if (item === undefined || item === null || !value)
            return ""
        const text = value(item)
        return text === null || text === undefined || text === "" ? "—" : String(text)
    }
}
