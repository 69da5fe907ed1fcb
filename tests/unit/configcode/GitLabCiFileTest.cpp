// The generated .gitlab-ci.yml, read with yaml-cpp: its stages and jobs, which jobs GitLab would run
// for a merge request, a push to the default branch and other pushes (the rules evaluated here for
// the few expression forms the file uses), the scripts, and that no token is ever on a script line.
#include "gitlab/GitLabCiFile.h"

#include <QtTest>
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>

using namespace gatehouse;

namespace {

using Variables = std::map<std::string, std::string>;

const std::string kUrlCheck = "test -n \"$GATEHOUSE_ADMIN_URL\" || { echo \"Set the CI/CD variable GATEHOUSE_ADMIN_URL\" >&2; exit 1; }";
const std::string kValidateScript = "gatehouse config validate . --remote \"$GATEHOUSE_ADMIN_URL\"";
// With the apply's --prune: the plan shows the deletions merging brings.
const std::string kPlanScript = "gatehouse config plan . --prune --remote \"$GATEHOUSE_ADMIN_URL\"";
const std::string kApplyScript = "gatehouse config apply . --prune --remote \"$GATEHOUSE_ADMIN_URL\"";
const std::vector<std::string> kJobs{"validate", "plan", "apply"};
const std::string kOnMergeRequest = "$CI_PIPELINE_SOURCE == \"merge_request_event\"";
const std::string kOnBranchWithMergeRequest = "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS";
const std::string kOnDefaultBranch = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH";

YAML::Node pipeline()
{
    return YAML::Load(gitlabCiFileText());
}

std::vector<std::string> strings(const YAML::Node& sequence)
{
    std::vector<std::string> values;
    for (const auto& item : sequence)
        values.push_back(item.as<std::string>());
    return values;
}

std::vector<std::string> ruleConditions(const YAML::Node& rules)
{
    std::vector<std::string> conditions;
    for (const auto& rule : rules)
        conditions.push_back(rule["if"].as<std::string>());
    return conditions;
}

// One operand of a rule expression: "$NAME" (nullopt when unset) or a "quoted" literal.
std::optional<std::string> operand(const std::string& text, const Variables& variables)
{
    if (text.starts_with('$')) {
        const auto found = variables.find(text.substr(1));
        return found == variables.end() ? std::nullopt : std::optional(found->second);
    }
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"')
        return text.substr(1, text.size() - 2);
    throw std::runtime_error("unsupported operand in a rule: " + text);
}

// GitLab's rules:if for the forms the file uses: `$A`, `$A == "x"`, `$A == $B`, joined by `&&`.
// Anything else throws, so a new form in the file must be taught here first.
bool matches(const std::string& expression, const Variables& variables)
{
    std::size_t start = 0;
    while (start <= expression.size()) {
        const auto end = expression.find(" && ", start);
        const auto clause = expression.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const auto equals = clause.find(" == ");
        bool holds = false;
        if (equals == std::string::npos) {
            const auto value = operand(clause, variables);
            holds = value && !value->empty();
        } else {
            holds = operand(clause.substr(0, equals), variables) == operand(clause.substr(equals + 4), variables);
        }
        if (!holds)
            return false;
        if (end == std::string::npos)
            return true;
        start = end + 4;
    }
    return true;
}

// Whether rules let the pipeline or job run: the first rule that matches decides.
bool rulesRun(const YAML::Node& rules, const Variables& variables)
{
    for (const auto& rule : rules) {
        if (matches(rule["if"].as<std::string>(), variables))
            return !rule["when"] || rule["when"].as<std::string>() != "never";
    }
    return false;
}

// The jobs GitLab would run, comma-separated in stage order; "" when there is no pipeline.
QString jobsFor(const Variables& variables)
{
    const auto file = pipeline();
    if (!rulesRun(file["workflow"]["rules"], variables))
        return {};
    QStringList jobs;
    for (const auto& job : kJobs) {
        if (rulesRun(file[job]["rules"], variables))
            jobs << QString::fromStdString(job);
    }
    return jobs.join(",");
}

// "A=b;C=d" as variables.
Variables variablesFrom(const QString& text)
{
    Variables variables;
    for (const auto& pair : text.split(';', Qt::SkipEmptyParts)) {
        const auto equals = pair.indexOf('=');
        variables[pair.left(equals).toStdString()] = pair.mid(equals + 1).toStdString();
    }
    return variables;
}

std::vector<std::string> scriptLines(const YAML::Node& job)
{
    std::vector<std::string> lines;
    for (const char* key : {"before_script", "script", "after_script"}) {
        if (job[key])
            for (const auto& line : strings(job[key]))
                lines.push_back(line);
    }
    return lines;
}

} // namespace

class GitLabCiFileTest : public QObject {
    Q_OBJECT

private slots:
    void isTheSameBytesEveryTime();
    void hasTheThreeStagesAndJobs();
    void runsTheRightJobsForEachPipeline_data();
    void runsTheRightJobsForEachPipeline();
    void rulesAreAsDocumented();
    void scriptsRunTheGatehouseCli();
    void noTokenIsEverOnAScriptLine();
    void applyRunsAloneAfterValidateOnTheDefaultBranchOnly();
    void theImageAndVariablesAreExplained();
};

void GitLabCiFileTest::isTheSameBytesEveryTime()
{
    const auto text = gitlabCiFileText();
    QCOMPARE(gitlabCiFileText(), text);
    QVERIFY(text.ends_with('\n'));
    QVERIFY(text.find('\t') == std::string::npos);
    QCOMPARE(std::string(kGitLabCiFileName), std::string(".gitlab-ci.yml"));
}

void GitLabCiFileTest::hasTheThreeStagesAndJobs()
{
    const auto file = pipeline();
    QVERIFY(file.IsMap());
    QCOMPARE(strings(file["stages"]), kJobs);
    for (const auto& job : kJobs) {
        QVERIFY2(file[job].IsMap(), job.c_str());
        QCOMPARE(file[job]["stage"].as<std::string>(), job);
    }
    std::set<std::string> keys;
    for (const auto& entry : file)
        keys.insert(entry.first.as<std::string>());
    QCOMPARE(keys, (std::set<std::string>{"workflow", "variables", "image", "stages", "validate", "plan", "apply"}));
}

void GitLabCiFileTest::runsTheRightJobsForEachPipeline_data()
{
    QTest::addColumn<QString>("variables");
    QTest::addColumn<QString>("jobs");
    const QString main = "CI_DEFAULT_BRANCH=main;";
    QTest::newRow("merge request") << main + "CI_PIPELINE_SOURCE=merge_request_event;CI_MERGE_REQUEST_IID=7" << "validate,plan";
    QTest::newRow("push to the default branch") << main + "CI_PIPELINE_SOURCE=push;CI_COMMIT_BRANCH=main" << "validate,apply";
    QTest::newRow("merge commit on the default branch, web run") << main + "CI_PIPELINE_SOURCE=web;CI_COMMIT_BRANCH=main"
                                                                 << "validate,apply";
    QTest::newRow("push to a branch with an open merge request")
        << main + "CI_PIPELINE_SOURCE=push;CI_COMMIT_BRANCH=config/export;CI_OPEN_MERGE_REQUESTS=group/project!7" << "";
    QTest::newRow("push to another branch") << main + "CI_PIPELINE_SOURCE=push;CI_COMMIT_BRANCH=config/export" << "";
    QTest::newRow("push to the default branch with an open merge request")
        << main + "CI_PIPELINE_SOURCE=push;CI_COMMIT_BRANCH=main;CI_OPEN_MERGE_REQUESTS=group/project!8" << "";
    QTest::newRow("tag") << main + "CI_PIPELINE_SOURCE=push;CI_COMMIT_TAG=v1" << "";
}

void GitLabCiFileTest::runsTheRightJobsForEachPipeline()
{
    QFETCH(QString, variables);
    QFETCH(QString, jobs);
    QCOMPARE(jobsFor(variablesFrom(variables)), jobs);
}

void GitLabCiFileTest::rulesAreAsDocumented()
{
    const auto file = pipeline();
    QCOMPARE(ruleConditions(file["workflow"]["rules"]),
        (std::vector<std::string>{kOnMergeRequest, kOnBranchWithMergeRequest, kOnDefaultBranch}));
    QCOMPARE(file["workflow"]["rules"][1]["when"].as<std::string>(), std::string("never"));
    QCOMPARE(ruleConditions(file["validate"]["rules"]),
        (std::vector<std::string>{kOnMergeRequest, kOnDefaultBranch}));
    QCOMPARE(ruleConditions(file["plan"]["rules"]), std::vector<std::string>{kOnMergeRequest});
    QCOMPARE(ruleConditions(file["apply"]["rules"]), std::vector<std::string>{kOnDefaultBranch});
}

void GitLabCiFileTest::scriptsRunTheGatehouseCli()
{
    const auto file = pipeline();
    QCOMPARE(scriptLines(file["validate"]), (std::vector<std::string>{kUrlCheck, kValidateScript}));
    QCOMPARE(scriptLines(file["plan"]), (std::vector<std::string>{kUrlCheck, kPlanScript}));
    QCOMPARE(scriptLines(file["apply"]), (std::vector<std::string>{kUrlCheck, kApplyScript}));
}

void GitLabCiFileTest::noTokenIsEverOnAScriptLine()
{
    const auto file = pipeline();
    for (const auto& job : kJobs) {
        for (const auto& line : scriptLines(file[job])) {
            QVERIFY2(line.find("TOKEN") == std::string::npos, line.c_str());
            QVERIFY2(line.find("--token") == std::string::npos, line.c_str());
        }
    }
    // validate and plan get the operator token through the variable the CLI reads; apply the protected one.
    QCOMPARE(file["plan"]["variables"]["GATEHOUSE_ADMIN_TOKEN"].as<std::string>(), std::string("$GATEHOUSE_PLAN_TOKEN"));
    QCOMPARE(file["validate"]["variables"]["GATEHOUSE_ADMIN_TOKEN"].as<std::string>(), std::string("$GATEHOUSE_PLAN_TOKEN"));
    QVERIFY(!file["apply"]["variables"]);
}

void GitLabCiFileTest::applyRunsAloneAfterValidateOnTheDefaultBranchOnly()
{
    const auto apply = pipeline()["apply"];
    QCOMPARE(apply["resource_group"].as<std::string>(), std::string("gatehouse-apply"));
    QCOMPARE(strings(apply["needs"]), std::vector<std::string>{"validate"});
    QCOMPARE(apply["environment"]["name"].as<std::string>(), std::string("gatehouse"));
    for (const auto& rule : apply["rules"]) {
        QVERIFY(rule["if"].as<std::string>().find("merge_request_event") == std::string::npos);
        QVERIFY(!rule["when"]);
    }
    QCOMPARE(jobsFor(variablesFrom("CI_DEFAULT_BRANCH=main;CI_PIPELINE_SOURCE=merge_request_event")).contains("apply"), false);
}

void GitLabCiFileTest::theImageAndVariablesAreExplained()
{
    const auto file = pipeline();
    QCOMPARE(file["image"]["name"].as<std::string>(), std::string("$GATEHOUSE_IMAGE"));
    QCOMPARE(file["variables"]["GATEHOUSE_IMAGE"].as<std::string>(), std::string("gatehouse:latest"));
    const auto text = gitlabCiFileText();
    for (const char* variable : {"GATEHOUSE_ADMIN_URL", "GATEHOUSE_ADMIN_TOKEN", "GATEHOUSE_PLAN_TOKEN", "GATEHOUSE_IMAGE"})
        QVERIFY2(text.find("#   " + std::string(variable) + " ") != std::string::npos, variable);
    QVERIFY(text.find("must contain the `gatehouse` binary") != std::string::npos);
    QVERIFY(text.find("Masked and protected") != std::string::npos);
}

QTEST_GUILESS_MAIN(GitLabCiFileTest)
#include "GitLabCiFileTest.moc"
