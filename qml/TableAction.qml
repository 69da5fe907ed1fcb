// One button in a row of an AdminTable ("Revoke", "Approve…"): shown and enabled per row.
import QtQml

QtObject {
    required property string text
    // Functions of the row's item; absent: always.
    property var shownFor: null
    property var enabledFor: null
    property bool primary: false

    signal triggered(var item)

    function isShown(item) { return item !== undefined && item !== null && (!shownFor || shownFor(item)) }
    function isEnabled(item) { return !enabledFor || enabledFor(item) }
}
