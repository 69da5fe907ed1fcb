// The column titles above the routes editor's deployment rows (RouteDeploymentRow's widths).
import QtQuick
import QtQuick.Controls.Basic
import QtQuick.Layouts

RowLayout {
    id: header

    property bool readOnly: false

    spacing: Theme.spacingSmall

    FieldCaption { Layout.preferredWidth: 150; text: qsTr("Provider") }
    FieldCaption { Layout.fillWidth: true; text: qsTr("Model at the provider") }
    FieldCaption { Layout.preferredWidth: 64; text: qsTr("Weight"); horizontalAlignment: Text.AlignRight }
    FieldCaption { Layout.preferredWidth: 64; text: qsTr("Priority"); horizontalAlignment: Text.AlignRight }
    FieldCaption { Layout.preferredWidth: 84 * 2 + Theme.spacingSmall; text: qsTr("Price in / out, $ per 1M"); horizontalAlignment: Text.AlignRight }
    FieldCaption { Layout.preferredWidth: 72 + 84 + Theme.spacingSmall; text: qsTr("Its quota / min"); horizontalAlignment: Text.AlignRight }
    Item { Layout.preferredWidth: 36; visible: !header.readOnly }
}
