// A key the admin API just created or rotated, shown this one time with Copy: the store keeps only
// its hash, so nobody can show it again. It stays until the user says they have it.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

Rectangle {
    id: banner

    // The key itself ("gk-..."); empty hides the banner.
    property string key
    property string title
    // One more sentence (a rotation says until when the old key works).
    property string detail

    signal dismissed()

    visible: key.length > 0
    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: Theme.successSoft
    border.color: Qt.lighter(Theme.success, 2.2)

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: Theme.spacing
        anchors.leftMargin: Theme.spacingLarge
        anchors.rightMargin: Theme.spacingLarge
        spacing: Theme.spacingSmall

        Label {
            Layout.fillWidth: true
            text: banner.title
            color: Theme.success
            font.bold: true
            elide: Text.ElideRight
        }
        Label {
            objectName: "onceWarning"
            Layout.fillWidth: true
            text: qsTr("Copy it now: you won't see it again. Gatehouse keeps only a hash of it.")
            color: Theme.text
            wrapMode: Text.Wrap
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall

            CopyableField {
                objectName: "newKeyField"
                Layout.fillWidth: true
                value: banner.key
                secret: true
                revealed: true
            }
            ActionButton {
                objectName: "dismissKey"
                text: qsTr("I have copied it")
                onClicked: banner.dismissed()
            }
        }
        Label {
            Layout.fillWidth: true
            visible: banner.detail.length > 0
            text: banner.detail
            color: Theme.textMuted
            font.pixelSize: Theme.fontSizeSmall
            wrapMode: Text.Wrap
        }
    }
}
