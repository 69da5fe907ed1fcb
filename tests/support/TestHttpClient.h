// A small blocking HTTP/1.1 client for tests: one connection, optional keep-alive, and a way to
// see a streamed body piece by piece with the time each piece arrived.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

struct TestResponse {
    int status = 0;
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    std::string error; // transport error, "" when a response was read
    std::string header(const std::string& name) const;
};

struct TimedPiece {
    std::chrono::steady_clock::time_point at;
    std::string data;
};

class TestHttpClient {
public:
    explicit TestHttpClient(unsigned short port, std::string host = "127.0.0.1");
    ~TestHttpClient();

    TestResponse request(const std::string& method, const std::string& target, const std::string& body = {},
        const std::map<std::string, std::string>& headers = {});

    // Convenience: POST JSON with a bearer key.
    TestResponse postJson(const std::string& target, const std::string& body, const std::string& key);

    // Sends raw bytes and reads one response (for malformed requests).
    TestResponse raw(const std::string& bytes);

    // Like request(), but records each body piece as it arrives.
    TestResponse requestStreaming(const std::string& method, const std::string& target, const std::string& body,
        const std::map<std::string, std::string>& headers, std::vector<TimedPiece>& pieces);

private:
    struct Impl;
    Impl* m_impl;
};
