// One page of the console: its name in the sidebar and the component that builds it.
import QtQml

QtObject {
    required property string title
    required property Component page
}
