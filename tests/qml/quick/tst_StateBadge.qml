// StateBadge: each gateway state has its own words and colour.
import QtQuick
import QtTest
import Gatehouse.Console

Item {
    width: 200
    height: 50

    Component {
        id: badgeComponent
        StateBadge {}
    }

    TestCase {
        name: "StateBadge"

        function test_states_data() {
            return [
                { tag: "running", state: GatewayController.Running, text: "Running", tone: Theme.success },
                { tag: "failed", state: GatewayController.Failed, text: "Failed", tone: Theme.danger },
                { tag: "starting", state: GatewayController.Starting, text: "Starting…", tone: Theme.warning },
                { tag: "stopped", state: GatewayController.Stopped, text: "Stopped", tone: Theme.warning },
            ]
        }
        function test_states(data) {
            const badge = createTemporaryObject(badgeComponent, parent, { gatewayState: data.state })
            compare(badge.stateText(badge.gatewayState), data.text)
            compare(badge.tone, data.tone)
        }
    }
}
