// AccessControl: every (state × action) transition, the decision matrix mode × latest state × grant,
// and the 403 messages.
#include "governance/AccessControl.h"

#include <QtTest>

#include <map>

using namespace gatehouse;

namespace {

const std::vector<AccessState> kStates{AccessState::Pending, AccessState::Approved, AccessState::Rejected,
    AccessState::Revoked, AccessState::Cancelled};
const std::vector<AccessAction> kActions{AccessAction::Approve, AccessAction::Reject, AccessAction::Revoke,
    AccessAction::Cancel};
const std::vector<AccessMode> kModes{AccessMode::Open, AccessMode::Approval, AccessMode::Private};

QString name(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

} // namespace

class AccessControlTest : public QObject {
    Q_OBJECT

private slots:
    void namesRoundTrip();
    void unknownNamesAreRejected();
    void transitions_data();
    void transitions();
    void decisions_data();
    void decisions();
    void deniedMessages_data();
    void deniedMessages();
    void deniedErrorIsAnOpenAi403();
    void formatsUtcTimestamps();
};

void AccessControlTest::namesRoundTrip()
{
    QCOMPARE(name(accessModeName(AccessMode::Open)), QString("open"));
    QCOMPARE(name(accessModeName(AccessMode::Approval)), QString("approval"));
    QCOMPARE(name(accessModeName(AccessMode::Private)), QString("private"));
    for (const auto mode : kModes)
        QCOMPARE(parseAccessMode(accessModeName(mode)), std::optional<AccessMode>(mode));
    const QStringList stateNames{"pending", "approved", "rejected", "revoked", "cancelled"};
    for (std::size_t index = 0; index < kStates.size(); ++index) {
        QCOMPARE(name(accessStateName(kStates[index])), stateNames[int(index)]);
        QCOMPARE(parseAccessState(accessStateName(kStates[index])), std::optional<AccessState>(kStates[index]));
    }
    const QStringList actionNames{"approve", "reject", "revoke", "cancel"};
    for (std::size_t index = 0; index < kActions.size(); ++index) {
        QCOMPARE(name(accessActionName(kActions[index])), actionNames[int(index)]);
        QCOMPARE(parseAccessAction(accessActionName(kActions[index])), std::optional<AccessAction>(kActions[index]));
    }
}

void AccessControlTest::unknownNamesAreRejected()
{
    QVERIFY(!parseAccessMode("Open"));
    QVERIFY(!parseAccessMode(""));
    QVERIFY(!parseAccessMode("public"));
    QVERIFY(!parseAccessState("canceled"));
    QVERIFY(!parseAccessState("approved "));
    QVERIFY(!parseAccessAction("grant"));
}

void AccessControlTest::transitions_data()
{
    QTest::addColumn<AccessState>("from");
    QTest::addColumn<AccessAction>("action");
    QTest::addColumn<bool>("legal");
    QTest::addColumn<AccessState>("to");
    QTest::addColumn<QString>("message"); // the whole error message for an illegal one

    // The four legal transitions, spelled out; every other pair must be refused.
    const std::map<std::pair<AccessState, AccessAction>, AccessState> legal{
        {{AccessState::Pending, AccessAction::Approve}, AccessState::Approved},
        {{AccessState::Pending, AccessAction::Reject}, AccessState::Rejected},
        {{AccessState::Pending, AccessAction::Cancel}, AccessState::Cancelled},
        {{AccessState::Approved, AccessAction::Revoke}, AccessState::Revoked},
    };
    const std::map<std::pair<AccessState, AccessAction>, QString> illegal{
        {{AccessState::Pending, AccessAction::Revoke},
            "cannot revoke a request that is pending; only an approved request can be revoked; reject or cancel it instead"},
        {{AccessState::Approved, AccessAction::Approve}, "cannot approve a request that is approved; it is already approved"},
        {{AccessState::Approved, AccessAction::Reject}, "cannot reject a request that is approved; revoke it instead"},
        {{AccessState::Approved, AccessAction::Cancel}, "cannot cancel a request that is approved; revoke it instead"},
    };
    for (const auto from : kStates) {
        for (const auto action : kActions) {
            const auto row = QString("%1 + %2").arg(name(accessStateName(from)), name(accessActionName(action)));
            const auto legalTo = legal.find({from, action});
            if (legalTo != legal.end()) {
                QTest::newRow(qPrintable(row)) << from << action << true << legalTo->second << QString();
                continue;
            }
            const auto special = illegal.find({from, action});
            const QString message = special != illegal.end()
                ? special->second
                : QString("cannot %1 a request that is %2; ask the consumer to file a new request")
                      .arg(name(accessActionName(action)), name(accessStateName(from)));
            QTest::newRow(qPrintable(row)) << from << action << false << from << message;
        }
    }
}

void AccessControlTest::transitions()
{
    QFETCH(AccessState, from);
    QFETCH(AccessAction, action);
    QFETCH(bool, legal);
    QFETCH(AccessState, to);
    QFETCH(QString, message);

    const auto result = applyAction(from, action);
    if (legal) {
        QVERIFY(std::holds_alternative<AccessState>(result));
        QCOMPARE(std::get<AccessState>(result), to);
        return;
    }
    QVERIFY(std::holds_alternative<TransitionError>(result));
    const auto& error = std::get<TransitionError>(result);
    QCOMPARE(error.from, from);
    QCOMPARE(error.action, action);
    QCOMPARE(QString::fromStdString(error.message), message);
}

void AccessControlTest::decisions_data()
{
    QTest::addColumn<AccessMode>("mode");
    QTest::addColumn<std::optional<AccessState>>("latest");
    QTest::addColumn<bool>("grant");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<AccessDenial>("denial");

    const std::vector<std::optional<AccessState>> latestStates{std::nullopt, AccessState::Pending,
        AccessState::Approved, AccessState::Rejected, AccessState::Revoked, AccessState::Cancelled};
    // Approval mode: the latest state alone decides; denials name it.
    const std::map<std::optional<AccessState>, AccessDenial> approvalDenials{
        {std::nullopt, AccessDenial::NoRequest},
        {AccessState::Pending, AccessDenial::Pending},
        {AccessState::Approved, AccessDenial::None},
        {AccessState::Rejected, AccessDenial::Rejected},
        {AccessState::Revoked, AccessDenial::Revoked},
        {AccessState::Cancelled, AccessDenial::Cancelled},
    };
    for (const auto mode : kModes) {
        for (const auto& latest : latestStates) {
            for (const bool grant : {false, true}) {
                const auto row = QString("%1 / %2 / %3")
                                     .arg(name(accessModeName(mode)),
                                         latest ? name(accessStateName(*latest)) : QString("no request"),
                                         grant ? "grant" : "filed");
                bool allowed = false;
                AccessDenial denial = AccessDenial::None;
                switch (mode) {
                case AccessMode::Open:
                    allowed = true;
                    break;
                case AccessMode::Approval:
                    denial = approvalDenials.at(latest);
                    allowed = denial == AccessDenial::None;
                    break;
                case AccessMode::Private:
                    allowed = latest == AccessState::Approved && grant;
                    denial = allowed ? AccessDenial::None : AccessDenial::Private;
                    break;
                }
                QTest::newRow(qPrintable(row)) << mode << latest << grant << allowed << denial;
            }
        }
    }
}

void AccessControlTest::decisions()
{
    QFETCH(AccessMode, mode);
    QFETCH(std::optional<AccessState>, latest);
    QFETCH(bool, grant);
    QFETCH(bool, allowed);
    QFETCH(AccessDenial, denial);

    const auto decision = decideAccess(mode, latest, grant);
    QCOMPARE(decision.allowed, allowed);
    QCOMPARE(decision.denial, denial);
}

void AccessControlTest::deniedMessages_data()
{
    QTest::addColumn<AccessDenial>("denial");
    QTest::addColumn<QString>("note");
    QTest::addColumn<std::optional<int64_t>>("sinceMs");
    QTest::addColumn<QStringList>("contains");
    QTest::addColumn<QStringList>("absent");

    const std::optional<int64_t> may1 = 1714564800000; // 2024-05-01T12:00:00Z
    const QString command = "`gatehouse access request --consumer billing --model gpt-4o --reason \"...\"`";
    QTest::newRow("no request") << AccessDenial::NoRequest << QString() << std::optional<int64_t>()
                                << QStringList{"Consumer 'billing' has no access to model 'gpt-4o'.",
                                       "Request access with " + command + " or in the console."}
                                << QStringList{"Note"};
    QTest::newRow("pending") << AccessDenial::Pending << QString() << may1
                             << QStringList{"'billing'", "'gpt-4o'", "pending approval since 2024-05-01T12:00:00Z",
                                    "Ask an admin to approve it."}
                             << QStringList{"Note"};
    QTest::newRow("rejected with note")
        << AccessDenial::Rejected << QString("use gpt-4o-mini") << may1
        << QStringList{"'billing'", "'gpt-4o'", "rejected on 2024-05-01T12:00:00Z",
               "Note from the approver: \"use gpt-4o-mini\".", "File a new request with " + command}
        << QStringList{};
    QTest::newRow("rejected without note") << AccessDenial::Rejected << QString() << std::optional<int64_t>()
                                           << QStringList{"its access request was rejected.", command}
                                           << QStringList{"Note", " on "};
    QTest::newRow("revoked") << AccessDenial::Revoked << QString("budget exceeded") << may1
                             << QStringList{"Consumer 'billing' no longer has access to model 'gpt-4o'",
                                    "revoked on 2024-05-01T12:00:00Z", "\"budget exceeded\"", command}
                             << QStringList{};
    QTest::newRow("cancelled") << AccessDenial::Cancelled << QString() << may1
                               << QStringList{"'billing'", "'gpt-4o'", "cancelled", command}
                               << QStringList{"Note"};
    QTest::newRow("private") << AccessDenial::Private << QString() << std::optional<int64_t>()
                             << QStringList{"The model 'gpt-4o' is private; an admin must grant access to consumer 'billing'."}
                             << QStringList{"gatehouse access request"};
}

void AccessControlTest::deniedMessages()
{
    QFETCH(AccessDenial, denial);
    QFETCH(QString, note);
    QFETCH(std::optional<int64_t>, sinceMs);
    QFETCH(QStringList, contains);
    QFETCH(QStringList, absent);

    const auto message = QString::fromStdString(accessDeniedMessage(denial, "billing", "gpt-4o", note.toStdString(), sinceMs));
    for (const auto& part : contains)
        QVERIFY2(message.contains(part), qPrintable(message + "\n  lacks: " + part));
    for (const auto& part : absent)
        QVERIFY2(!message.contains(part), qPrintable(message + "\n  has: " + part));
    QVERIFY(accessDeniedMessage(AccessDenial::None, "billing", "gpt-4o").empty());
}

void AccessControlTest::deniedErrorIsAnOpenAi403()
{
    const std::vector<std::pair<AccessDenial, std::string>> codes{{AccessDenial::NoRequest, "access_not_requested"},
        {AccessDenial::Pending, "access_pending"}, {AccessDenial::Rejected, "access_rejected"},
        {AccessDenial::Revoked, "access_revoked"}, {AccessDenial::Cancelled, "access_cancelled"},
        {AccessDenial::Private, "model_private"}};
    for (const auto& [denial, code] : codes) {
        const auto error = accessDeniedError(denial, "billing", "gpt-4o", "no", 0);
        QCOMPARE(error.status, 403);
        QCOMPARE(error.type, std::string("permission_denied"));
        QCOMPARE(error.param, std::string("model"));
        QCOMPARE(error.code, code);
        QCOMPARE(error.message, accessDeniedMessage(denial, "billing", "gpt-4o", "no", 0));
    }
    const auto json = QString::fromStdString(accessDeniedError(AccessDenial::Pending, "billing", "gpt-4o").toJson());
    QVERIFY2(json.contains(R"("code":"access_pending")"), qPrintable(json));
    QVERIFY2(json.contains("pending approval"), qPrintable(json));
}

void AccessControlTest::formatsUtcTimestamps()
{
    QCOMPARE(formatUtcTimestamp(0), std::string("1970-01-01T00:00:00Z"));
    QCOMPARE(formatUtcTimestamp(1714564800999), std::string("2024-05-01T12:00:00Z"));
    QCOMPARE(formatUtcTimestamp(-1), std::string("1969-12-31T23:59:59Z"));
}

QTEST_GUILESS_MAIN(AccessControlTest)
#include "AccessControlTest.moc"
