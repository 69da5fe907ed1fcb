// CopyableField: secrets start masked behind their visible prefix, Show reveals, Copy fills the clipboard.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    width: 600
    height: 100

    Component {
        id: fieldComponent
        CopyableField {
            width: 500
        }
    }

    TestCase {
        name: "CopyableField"
        when: windowShown

        readonly property string key: "gk-AbCdEf1ghijklmnopqrstuvwxyz0123456789ABCD"

        function buttonWithText(item, text) {
            for (let i = 0; i < item.children.length; ++i) {
                const child = item.children[i]
                if (child.text === text && child.visible)
                    return child
            }
            return null
        }

        function test_secretIsMaskedUntilShown() {
            const field = createTemporaryObject(fieldComponent, parent, { value: key, secret: true })
            verify(field)
            compare(field.shownText.indexOf(key), -1)
            verify(field.shownText.startsWith("gk-AbCdEf1"))

            const show = buttonWithText(field, "Show")
            verify(show)
            mouseClick(show)
            compare(field.shownText, key)
            compare(show.text, "Hide")
        }

        function test_plainValueIsShownAsIs() {
            const field = createTemporaryObject(fieldComponent, parent, { value: "http://127.0.0.1:8088" })
            compare(field.shownText, "http://127.0.0.1:8088")
            verify(!buttonWithText(field, "Show"))
        }

        function test_emptyValueShowsADashAndCannotBeCopied() {
            const field = createTemporaryObject(fieldComponent, parent, { value: "" })
            compare(field.shownText, "—")
            verify(!buttonWithText(field, "Copy").enabled)
        }

        function test_copyPutsTheWholeValueOnTheClipboard() {
            const field = createTemporaryObject(fieldComponent, parent, { value: key, secret: true })
            const copy = buttonWithText(field, "Copy")
            mouseClick(copy)
            compare(Clipboard.text(), key)
            compare(copy.text, "Copied")
        }
    }
}
