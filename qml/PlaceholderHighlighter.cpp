// Colours the {{variable}} placeholders of a prompt template in a text editor (docs/prompts.md, "Placeholders").
#include "PlaceholderHighlighter.h"

#include <QQuickTextDocument>
#include <QTextCharFormat>

#include <algorithm>

namespace {

constexpr qsizetype kMaxNameLength = 64; // ASCII only, so characters are bytes: the gateway's limit

bool isNameStart(QChar c)
{
    return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || c == u'_';
}

bool isNameCharacter(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9');
}

bool isValidName(QStringView name)
{
    return !name.isEmpty() && name.size() <= kMaxNameLength && isNameStart(name.front())
        && std::all_of(name.begin(), name.end(), isNameCharacter);
}

// A block of a QTextDocument may hold soft line breaks; the content the editor sends has a newline there.
bool isLineEnd(QChar c)
{
    return c == u'\n' || c == u'\r' || c == QChar::LineSeparator || c == QChar::ParagraphSeparator;
}

} // namespace

PlaceholderHighlighter::PlaceholderHighlighter(QObject* parent)
    : QSyntaxHighlighter(parent)
{
}

QList<PlaceholderHighlighter::Span> PlaceholderHighlighter::spans(QStringView line)
{
    QList<Span> found;
    const auto startsWith = [&](qsizetype at, QStringView prefix) { return at <= line.size() && line.sliced(at).startsWith(prefix); };
    qsizetype i = 0;
    while (i < line.size()) {
        if (line[i] == u'\\' && startsWith(i + 1, u"{{")) {
            i += 3; // an escaped "{{" is text
            continue;
        }
        // In a run of three or more braces the last two open the placeholder.
        if (!startsWith(i, u"{{") || startsWith(i + 2, u"{")) {
            ++i;
            continue;
        }
        qsizetype end = i + 2;
        while (end < line.size() && (isNameCharacter(line[end]) || line[end] == u' '))
            ++end;
        if (startsWith(end, u"}}")) {
            // Only spaces surround the name here: the loop above took nothing else.
            const QStringView name = line.sliced(i + 2, end - i - 2).trimmed();
            const bool valid = isValidName(name);
            found.append({int(i), int(end + 2 - i), valid ? Kind::Placeholder : Kind::Malformed, valid ? name.toString() : QString()});
            i = end + 2;
        } else if (end == line.size() || isLineEnd(line[end])) {
            found.append({int(i), int(end - i), Kind::Malformed, {}});
            i = end;
        } else {
            // The character that does not belong is marked with it, unless it opens the placeholder
            // that was meant ({{a{{b}}); scanning resumes at it, as the gateway's does.
            qsizetype stop = end;
            if (line[end] != u'{')
                stop += line[end].isHighSurrogate() && end + 1 < line.size() && line[end + 1].isLowSurrogate() ? 2 : 1;
            found.append({int(i), int(stop - i), Kind::Malformed, {}});
            i = end;
        }
    }
    return found;
}

void PlaceholderHighlighter::setQuickDocument(QQuickTextDocument* document)
{
    if (m_quickDocument == document)
        return;
    m_quickDocument = document;
    setDocument(document ? document->textDocument() : nullptr);
    emit documentChanged();
}

void PlaceholderHighlighter::setColor(QColor& member, const QColor& color)
{
    if (member == color)
        return;
    member = color;
    rehighlight();
    emit colorsChanged();
}

void PlaceholderHighlighter::setPlaceholderColor(const QColor& color)
{
    setColor(m_placeholderColor, color);
}

void PlaceholderHighlighter::setPlaceholderBackground(const QColor& color)
{
    setColor(m_placeholderBackground, color);
}

void PlaceholderHighlighter::setMalformedColor(const QColor& color)
{
    setColor(m_malformedColor, color);
}

void PlaceholderHighlighter::setMalformedBackground(const QColor& color)
{
    setColor(m_malformedBackground, color);
}

void PlaceholderHighlighter::highlightBlock(const QString& text)
{
    QTextCharFormat placeholder;
    placeholder.setForeground(m_placeholderColor);
    placeholder.setBackground(m_placeholderBackground);
    QTextCharFormat malformed;
    malformed.setForeground(m_malformedColor);
    malformed.setBackground(m_malformedBackground);
    malformed.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    malformed.setUnderlineColor(m_malformedColor);
    for (const Span& span : spans(text))
        setFormat(span.start, span.length, span.kind == Kind::Placeholder ? placeholder : malformed);
}
