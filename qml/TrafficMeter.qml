// A value against its limit: "42 / 60" over a thin bar of the share used, and a line under it
// ("resets in 8 s"). Without a limit (`value` null) it says so and draws no bar.
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

ColumnLayout {
    id: meter

    // {text, used (0..1), tone ("accent", "warning" or "danger"), detail}, as Traffic.js makes them.
    property var value: null
    property string noLimitText: qsTr("no limit")

    readonly property color toneColor: !meter.value ? Theme.textMuted : meter.value.tone === "danger" ? Theme.danger
        : meter.value.tone === "warning" ? Theme.warning : Theme.accent

    spacing: 4

    Label {
        objectName: "meterValue"
        Layout.fillWidth: true
        text: meter.value ? meter.value.text : meter.noLimitText
        color: meter.value ? Theme.text : Theme.textMuted
        font.pixelSize: Theme.fontSize
        elide: Text.ElideRight
    }
    Rectangle {
        objectName: "meterBar"
        Layout.fillWidth: true
        visible: !!meter.value
        implicitHeight: 6
        radius: 3
        color: Theme.neutralSoft

        Rectangle {
            objectName: "meterFill"
            width: meter.value ? parent.width * Math.max(0, Math.min(1, meter.value.used)) : 0
            height: parent.height
            radius: 3
            color: meter.toneColor
        }
    }
    Label {
        objectName: "meterDetail"
        Layout.fillWidth: true
        visible: text.length > 0
        text: meter.value ? meter.value.detail : ""
        color: meter.value && meter.value.tone === "danger" ? Theme.danger : Theme.textMuted
        font.pixelSize: Theme.fontSizeSmall
        elide: Text.ElideRight
    }
}
