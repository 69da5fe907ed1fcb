// API keys: format, entropy (no repeats), SHA-256 hashing, visible prefix.
#include "auth/ApiKey.h"

#include <QtTest>

#include <set>

using namespace gatehouse;

class ApiKeyTest : public QObject {
    Q_OBJECT

private slots:
    void generatedKeysHaveTheDocumentedShape()
    {
        const auto key = generateApiKey();
        QCOMPARE(key.size(), std::size_t(43));
        QVERIFY(key.starts_with("gk-"));
        for (const char c : key.substr(3))
            QVERIFY2(std::isalnum(static_cast<unsigned char>(c)), key.c_str());
    }

    void generatedKeysDoNotRepeat()
    {
        std::set<std::string> keys;
        for (int i = 0; i < 2000; ++i)
            keys.insert(generateApiKey());
        QCOMPARE(keys.size(), std::size_t(2000));
    }

    void hashIsLowerCaseHexSha256()
    {
        // FIPS 180-2 test vector.
        QCOMPARE(hashApiKey("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QVERIFY(hashApiKey("gk-a") != hashApiKey("gk-b"));
    }

    void prefixShowsOnlyTheStart()
    {
        const auto key = generateApiKey();
        QCOMPARE(visibleKeyPrefix(key), key.substr(0, 10));
        QCOMPARE(visibleKeyPrefix("short"), std::string("short"));
    }
};

QTEST_GUILESS_MAIN(ApiKeyTest)
#include "ApiKeyTest.moc"
