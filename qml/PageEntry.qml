// One page of the console: its name in the sidebar and the component that builds it.
import QtQml

QtObject {
    // Names the page for code and the command line (--screenshot-page), independent of translation.
    required property string key
    required property string title
    required property Component page
}
