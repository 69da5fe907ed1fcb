// The variables panel of the prompt editor: the placeholders its messages use and the declarations of a version.
#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <vector>

// One row per variable: first those the messages' placeholders use, in order of first use, then
// those declared but used nowhere, in declaration order. A used one without a declaration is
// "undeclared" (the gateway refuses the version until it is declared: a misspelt placeholder never
// slips through as a new variable), a declared one that is not used "unused" (allowed, shown so it
// can go). The editor sets `messages` as they are typed and `variables` from the version it starts
// from, edits the declarations through declare(), remove() and setField(), and reads `variables`
// back as the new version's body. Rows are inserted and removed as placeholders come and go, so the
// panel keeps its fields while the messages are typed; only a reordering resets the model.
class PromptVariablesModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    // [{role, content}]: the template's messages.
    Q_PROPERTY(QVariantList messages READ messages WRITE setMessages NOTIFY messagesChanged)
    // Set: the declarations as the admin API gives them ([{name, type, required, default,
    // description}], default null for none), replacing all. Read: the declared variables as the API
    // takes them, in row order; a default that is not of its type is sent as typed (the API names it).
    Q_PROPERTY(QVariantList variables READ variables WRITE setVariables NOTIFY variablesChanged)
    // The names the placeholders use, in order of first use.
    Q_PROPERTY(QStringList placeholders READ placeholders NOTIFY messagesChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int undeclaredCount READ undeclaredCount NOTIFY statesChanged)
    Q_PROPERTY(int unusedCount READ unusedCount NOTIFY statesChanged)
    // Declared variables whose default cannot be read as their type.
    Q_PROPERTY(int problemCount READ problemCount NOTIFY statesChanged)

public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TypeRole,        // string, number, integer, boolean, json
        RequiredRole,
        DefaultTextRole, // the default as typed: a string as it is, other values as JSON; "" for none
        DescriptionRole,
        DeclaredRole,
        UsedRole,
        StatusRole,      // "declared", "undeclared" or "unused"
        FirstUseRole,    // the 0-based message that uses it first; -1 when none does
        ProblemRole,     // why the default is not of its type; ""
    };
    Q_ENUM(Role)

    explicit PromptVariablesModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QVariantList messages() const { return m_messages; }
    void setMessages(const QVariantList& messages);
    QVariantList variables() const;
    void setVariables(const QVariantList& variables);
    QStringList placeholders() const { return m_used; }
    int count() const { return static_cast<int>(m_rows.size()); }
    int undeclaredCount() const;
    int unusedCount() const;
    int problemCount() const;

    // Declares a variable the placeholders use: a required string until its fields say otherwise.
    Q_INVOKABLE void declare(const QString& name);
    // Removes a declaration (an unused variable's row goes with it).
    Q_INVOKABLE void remove(const QString& name);
    // Sets "type", "required", "default" (the text) or "description" of a declared variable; false
    // for an undeclared one or an unknown field.
    Q_INVOKABLE bool setField(const QString& name, const QString& field, const QVariant& value);
    // The row's roles by name, for QML and tests.
    Q_INVOKABLE QVariantMap get(int row) const;

signals:
    void messagesChanged();
    void variablesChanged();
    void countChanged();
    void statesChanged();

private:
    struct Declaration {
        QString name;
        QString type = QStringLiteral("string");
        bool required = true;
        QString defaultText;
        QString description;
    };

    const Declaration* declaration(const QString& name) const;
    QString problemOf(const Declaration& declaration) const;
    // The rows the messages and declarations make now.
    QStringList wantedRows() const;
    // Changes the rows to `wanted`: rows removed and inserted where the names kept their order, else a reset.
    void applyRows(const QStringList& wanted);
    void rowChanged(const QString& name);

    QVariantList m_messages;
    QStringList m_used;
    QHash<QString, int> m_firstUse;
    std::vector<Declaration> m_declared;
    QStringList m_rows;
};
