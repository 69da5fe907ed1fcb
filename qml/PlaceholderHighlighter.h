// Colours the {{variable}} placeholders of a prompt template in a text editor (docs/prompts.md, "Placeholders").
#pragma once

#include <QColor>
#include <QList>
#include <QPointer>
#include <QQuickTextDocument>
#include <QString>
#include <QStringView>
#include <QSyntaxHighlighter>
#include <QtQml/qqmlregistration.h>

// Attached to a TextArea's textDocument from QML:
//
//     PlaceholderHighlighter { document: contentArea.textDocument }
//
// A well-formed placeholder ({{name}}, {{ name }}) gets the placeholder colours; a malformed one
// ({{}}, {{ 1x }}, {{a b}}, a {{ not closed on its line) the malformed colours and a wavy
// underline, over the text the gateway would refuse; an escaped \{{ and everything else stay plain.
// The rules are the gateway's (core/prompts/PromptTemplate scanContent), applied per line, which
// is exact since a placeholder never spans lines; tests check both agree on what is malformed.
class PlaceholderHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument* document READ quickDocument WRITE setQuickDocument NOTIFY documentChanged)
    Q_PROPERTY(QColor placeholderColor READ placeholderColor WRITE setPlaceholderColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor placeholderBackground READ placeholderBackground WRITE setPlaceholderBackground NOTIFY colorsChanged)
    Q_PROPERTY(QColor malformedColor READ malformedColor WRITE setMalformedColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor malformedBackground READ malformedBackground WRITE setMalformedBackground NOTIFY colorsChanged)

public:
    enum class Kind { Placeholder, Malformed };

    // A stretch of one line, in UTF-16 code units as QString counts them.
    struct Span {
        int start = 0;
        int length = 0;
        Kind kind = Kind::Placeholder;
        QString name; // a placeholder's variable, without braces and spaces; "" for a malformed one

        bool operator==(const Span&) const = default;
    };

    explicit PlaceholderHighlighter(QObject* parent = nullptr);

    // The placeholders of one line of a template, in order.
    static QList<Span> spans(QStringView line);

    QQuickTextDocument* quickDocument() const { return m_quickDocument; }
    void setQuickDocument(QQuickTextDocument* document);

    QColor placeholderColor() const { return m_placeholderColor; }
    void setPlaceholderColor(const QColor& color);
    QColor placeholderBackground() const { return m_placeholderBackground; }
    void setPlaceholderBackground(const QColor& color);
    QColor malformedColor() const { return m_malformedColor; }
    void setMalformedColor(const QColor& color);
    QColor malformedBackground() const { return m_malformedBackground; }
    void setMalformedBackground(const QColor& color);

signals:
    void documentChanged();
    void colorsChanged();

protected:
    void highlightBlock(const QString& text) override;

private:
    void setColor(QColor& member, const QColor& color);

    QPointer<QQuickTextDocument> m_quickDocument;
    // The console's Theme: accent, accentSoft, danger, dangerSoft.
    QColor m_placeholderColor{0x2f, 0x64, 0xd8};
    QColor m_placeholderBackground{0xe8, 0xef, 0xfc};
    QColor m_malformedColor{0xc2, 0x34, 0x34};
    QColor m_malformedBackground{0xfc, 0xe8, 0xe8};
};
