// A drop-down of the consumers ("acme / billing"), optionally with a first choice for all of them.
import QtQuick
import QtQuick.Controls.Basic

ChoiceBox {
    id: choice

    required property ConsumerDirectory directory
    // Non-empty: a first choice meaning "any consumer" (consumerId 0).
    property string allText
    // The chosen consumer's id; 0 for none (or "all").
    property int consumerId: 0

    function indexOf(id) {
        for (let i = 0; i < model.length; ++i) {
            if (model[i].value === id)
                return i
        }
        return -1
    }
    // Shows consumerId; without an "all" choice, an unknown id picks the first consumer.
    function sync() {
        const index = indexOf(consumerId)
        if (index >= 0 || allText.length > 0) {
            currentIndex = Math.max(index, 0)
            return
        }
        currentIndex = model.length > 0 ? 0 : -1
        consumerId = model.length > 0 ? model[0].value : 0
    }

    model: (allText.length > 0 ? [{ text: allText, value: 0 }] : []).concat(directory.choices)
    textRole: "text"
    displayText: currentIndex >= 0 ? currentText : qsTr("No consumers yet")
    onActivated: index => consumerId = model[index].value
    onModelChanged: sync()
    onConsumerIdChanged: sync()
    Component.onCompleted: sync()
}
