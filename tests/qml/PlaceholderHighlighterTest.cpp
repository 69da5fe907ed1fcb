// PlaceholderHighlighter: which stretches of a template line are placeholders and which malformed
// (a table: spaces, escapes, brace runs, Unicode, the name limit), the formats a real QTextDocument
// gets, a TextArea's document from QML, and that it calls malformed exactly what the gateway refuses.
#include "PlaceholderHighlighter.h"

#include "prompts/PromptTemplate.h"

#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickTextDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include <algorithm>
#include <memory>

using Span = PlaceholderHighlighter::Span;

namespace {

// "P6+8:name M14+3": each span's kind, start, length and (for a placeholder) its name.
QString describe(const QList<Span>& spans)
{
    QStringList parts;
    for (const Span& span : spans) {
        const bool placeholder = span.kind == PlaceholderHighlighter::Kind::Placeholder;
        parts << QStringLiteral("%1%2+%3%4").arg(QChar(placeholder ? u'P' : u'M')).arg(span.start).arg(span.length)
                     .arg(placeholder ? QLatin1Char(':') + span.name : QString());
    }
    return parts.join(QLatin1Char(' '));
}

// The highlighter's formats of one block, in the same words.
QString describe(const QTextBlock& block, const PlaceholderHighlighter& highlighter)
{
    QStringList parts;
    for (const QTextLayout::FormatRange& range : block.layout()->formats()) {
        const bool placeholder = range.format.foreground().color() == highlighter.placeholderColor();
        parts << QStringLiteral("%1%2+%3").arg(QChar(placeholder ? u'P' : u'M')).arg(range.start).arg(range.length);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

class PlaceholderHighlighterTest : public QObject {
    Q_OBJECT

private slots:
    void spans_data();
    void spans();
    void formatsADocument();
    void newColoursRehighlight();
    void followsATextAreaFromQml();
    void agreesWithTheGateway_data();
    void agreesWithTheGateway();
};

void PlaceholderHighlighterTest::spans_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("spans");

    const QString longName(64, u'a');
    QTest::newRow("a placeholder") << "Hello {{name}}" << "P6+8:name";
    QTest::newRow("spaces inside") << "{{ name }}" << "P0+10:name";
    QTest::newRow("two together") << "{{x}}{{y}}" << "P0+5:x P5+5:y";
    QTest::newRow("underscore and digits") << "{{_user_2}}" << "P0+11:_user_2";
    QTest::newRow("escaped") << "\\{{name}}" << "";
    QTest::newRow("escaped after a backslash") << "\\\\{{x}}" << "";
    QTest::newRow("other backslashes") << "C:\\dir \\n \\}}" << "";
    QTest::newRow("lone braces") << "{ } }} {name}" << "";
    QTest::newRow("json around") << "{\"n\": {{n}}}" << "P6+5:n";
    QTest::newRow("three braces") << "{{{name}}}" << "P1+8:name";
    QTest::newRow("empty") << "{{}}" << "M0+4";
    QTest::newRow("only spaces") << "{{  }}" << "M0+6";
    QTest::newRow("starts with a digit") << "{{ 1x }}" << "M0+8";
    QTest::newRow("two words") << "{{a b}}" << "M0+7";
    QTest::newRow("a dash") << "{{a-b}}" << "M0+4";
    QTest::newRow("a tab") << "{{\tname}}" << "M0+3";
    QTest::newRow("not closed") << "text {{name" << "M5+6";
    QTest::newRow("opened at the end") << "text {{" << "M5+2";
    QTest::newRow("the one meant after it") << "{{a{{b}}" << "M0+3 P3+5:b";
    QTest::newRow("mixed") << "a {{b}} \\{{c}} {{d" << "P2+5:b M15+3";
    QTest::newRow("64 characters") << "{{" + longName + "}}" << "P0+68:" + longName;
    QTest::newRow("65 characters") << "{{" + longName + "a}}" << "M0+69";
    QTest::newRow("after an emoji") << "😀é {{x}}" << "P4+5:x";
    QTest::newRow("an emoji inside") << "{{😀}}" << "M0+4";
    QTest::newRow("a non-ASCII name") << "名前 {{名前}}" << "M3+3";
    QTest::newRow("a soft line break") << QStringLiteral("{{a") + QChar::LineSeparator + QStringLiteral("}}") << "M0+3";
}

void PlaceholderHighlighterTest::spans()
{
    QFETCH(QString, line);
    QFETCH(QString, spans);
    QCOMPARE(describe(PlaceholderHighlighter::spans(line)), spans);
}

void PlaceholderHighlighterTest::formatsADocument()
{
    QTextDocument document;
    document.setPlainText(QStringLiteral("Hi {{name}}\n{{ bad-x }} and \\{{raw}}\nplain"));
    document.documentLayout(); // as a view of it makes one: edits are then announced
    PlaceholderHighlighter highlighter;
    highlighter.setDocument(&document);

    const QTextBlock first = document.firstBlock();
    // A document set is highlighted on the next turn of the event loop.
    QTRY_COMPARE(describe(first, highlighter), QStringLiteral("P3+8"));
    const QTextCharFormat placeholder = first.layout()->formats().first().format;
    QCOMPARE(placeholder.foreground().color(), QColor(0x2f, 0x64, 0xd8));
    QCOMPARE(placeholder.background().color(), QColor(0xe8, 0xef, 0xfc));
    QCOMPARE(placeholder.underlineStyle(), QTextCharFormat::NoUnderline);

    const QTextBlock second = first.next();
    QCOMPARE(describe(second, highlighter), QStringLiteral("M0+7")); // "{{ bad-": the escaped one stays plain
    const QTextCharFormat malformed = second.layout()->formats().first().format;
    QCOMPARE(malformed.foreground().color(), QColor(0xc2, 0x34, 0x34));
    QCOMPARE(malformed.underlineStyle(), QTextCharFormat::WaveUnderline);
    QCOMPARE(malformed.underlineColor(), QColor(0xc2, 0x34, 0x34));

    QCOMPARE(describe(second.next(), highlighter), QString());

    // An edit is highlighted again.
    QTextCursor cursor(second.next());
    cursor.insertText(QStringLiteral("{{late}} "));
    QCOMPARE(describe(document.lastBlock(), highlighter), QStringLiteral("P0+8"));
}

void PlaceholderHighlighterTest::newColoursRehighlight()
{
    QTextDocument document;
    document.setPlainText(QStringLiteral("{{x}} {{"));
    PlaceholderHighlighter highlighter;
    highlighter.setDocument(&document);
    QTRY_COMPARE(document.firstBlock().layout()->formats().size(), 2);
    QSignalSpy changed(&highlighter, &PlaceholderHighlighter::colorsChanged);
    highlighter.setPlaceholderColor(Qt::darkGreen);
    highlighter.setMalformedColor(Qt::magenta);
    QCOMPARE(changed.count(), 2);
    highlighter.setPlaceholderColor(Qt::darkGreen);
    QCOMPARE(changed.count(), 2);
    const auto formats = document.firstBlock().layout()->formats();
    QCOMPARE(formats.size(), 2);
    QCOMPARE(formats.at(0).format.foreground().color(), QColor(Qt::darkGreen));
    QCOMPARE(formats.at(1).format.foreground().color(), QColor(Qt::magenta));
}

void PlaceholderHighlighterTest::followsATextAreaFromQml()
{
    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData("import QtQuick\nTextEdit { textFormat: TextEdit.PlainText; text: \"Dear {{name}},\\n{{oops\" }\n", QUrl());
    std::unique_ptr<QObject> edit(component.create());
    QVERIFY2(edit, qPrintable(component.errorString()));
    auto* quickDocument = edit->property("textDocument").value<QQuickTextDocument*>();
    QVERIFY(quickDocument);
    PlaceholderHighlighter highlighter;
    QSignalSpy documentChanged(&highlighter, &PlaceholderHighlighter::documentChanged);
    highlighter.setQuickDocument(quickDocument);
    QCOMPARE(documentChanged.count(), 1);
    QCOMPARE(highlighter.document(), quickDocument->textDocument());
    QTRY_COMPARE(describe(quickDocument->textDocument()->firstBlock(), highlighter), QStringLiteral("P5+8"));
    QCOMPARE(describe(quickDocument->textDocument()->lastBlock(), highlighter), QStringLiteral("M0+6"));

    // Typing into the item highlights what is typed.
    edit->setProperty("text", QStringLiteral("{{ fixed }}"));
    QCOMPARE(describe(quickDocument->textDocument()->firstBlock(), highlighter), QStringLiteral("P0+11"));
    highlighter.setQuickDocument(nullptr);
    QVERIFY(!highlighter.document());
}

void PlaceholderHighlighterTest::agreesWithTheGateway_data()
{
    QTest::addColumn<QString>("content");
    // The cases of the spans table, and texts of several lines.
    for (const char* line : {"Hello {{name}}", "{{ name }}", "\\{{name}}", "\\\\{{x}}", "{{{name}}}", "{\"n\": {{n}}}", "{{}}", "{{  }}",
             "{{ 1x }}", "{{a b}}", "{{a-b}}", "{{\tname}}", "text {{name", "text {{", "{{a{{b}}", "a {{b}} \\{{c}} {{d",
             "😀é {{x}}", "{{😀}}", "名前 {{名前}}", "é\n😀 {{ x y }}", "{{ok}}\nline two {{\nthree", "{{a}}}}}", "}}{{b }} {{ c}}"}) {
        QTest::newRow(line) << QString::fromUtf8(line);
    }
    QTest::newRow("65 characters") << "{{" + QString(65, u'v') + "}}";
}

// The gateway's check (validatePromptTemplate) refuses a template exactly when the highlighter marks
// something malformed, and points at the first malformed span: same line, same column in code points.
void PlaceholderHighlighterTest::agreesWithTheGateway()
{
    QFETCH(QString, content);
    int firstLine = 0;
    int firstColumn = 0;
    const QStringList lines = content.split(QLatin1Char('\n'));
    std::vector<gatehouse::PromptVariable> declared;
    for (int i = 0; i < lines.size() && firstLine == 0; ++i) {
        for (const Span& span : PlaceholderHighlighter::spans(lines.at(i))) {
            if (span.kind == PlaceholderHighlighter::Kind::Placeholder) {
                if (std::none_of(declared.begin(), declared.end(), [&](const auto& v) { return v.name == span.name.toStdString(); }))
                    declared.push_back({span.name.toStdString()});
                continue;
            }
            firstLine = i + 1;
            firstColumn = static_cast<int>(lines.at(i).left(span.start).toUcs4().size()) + 1;
            break;
        }
    }
    // Names of the later lines too, so the gateway's only complaint can be a malformed placeholder.
    for (const std::string& name : gatehouse::promptPlaceholders({{"user", content.toStdString()}})) {
        if (std::none_of(declared.begin(), declared.end(), [&](const auto& v) { return v.name == name; }))
            declared.push_back({name});
    }
    try {
        gatehouse::validatePromptTemplate({{"user", content.toStdString()}}, declared);
        QCOMPARE(firstLine, 0);
    } catch (const gatehouse::PromptTemplateError& error) {
        QCOMPARE(QString::fromStdString(error.code), QStringLiteral("bad_placeholder"));
        QVERIFY2(firstLine > 0, error.what());
        QVERIFY(error.position.has_value());
        QCOMPARE(static_cast<int>(error.position->line), firstLine);
        QCOMPARE(static_cast<int>(error.position->column), firstColumn);
    }
}

QTEST_MAIN(PlaceholderHighlighterTest)
#include "PlaceholderHighlighterTest.moc"
