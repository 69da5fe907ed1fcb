// Runs a program as a child process with a fixed environment and a deadline, capturing its output.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace gatehouse {

struct ChildProcessRequest {
    // argv, no shell: arguments[0] is the program, looked up on the gateway's own PATH. Nothing is
    // ever quoted or split, so a value cannot turn into an option or a second command.
    std::vector<std::string> arguments;
    // The child's whole environment as NAME=value; nothing of the parent's is inherited, so
    // secrets and settings (proxies, GIT_DIR, ...) the gateway happens to have never leak in.
    std::vector<std::string> environment;
    // Empty: the gateway's current directory.
    std::filesystem::path workingDirectory;
    // After this the child's whole process group is killed (SIGKILL), so a stuck network command
    // or one of its helpers cannot hold the caller for ever.
    std::chrono::milliseconds timeout = std::chrono::seconds(120);
    // Per stream; the rest is read and dropped so the child never blocks on a full pipe.
    std::size_t outputLimit = std::size_t(64) << 20;
};

struct ChildProcessResult {
    int exitCode = -1;           // the exit status, or 128 + signal when a signal ended the child
    std::string standardOutput;
    std::string standardError;
    bool timedOut = false;       // the deadline passed and the child was killed
    bool outputTruncated = false;
};

// Starts the child with stdin on /dev/null, in a new process group, with default signal
// dispositions and no inherited file descriptors beyond 0-2, and waits until it has exited and
// its output pipes are closed (a background grandchild still holding them counts as running), or
// until the deadline. Throws std::system_error when the program cannot be started at all (not
// found, not executable); a program that starts and fails is a result, not an exception.
ChildProcessResult runChildProcess(const ChildProcessRequest& request);

// What GitWorkspace runs its commands through: runChildProcess, or in tests a wrapper that records
// each request (to check that no secret is ever on a command line).
using ChildProcessRunner = std::function<ChildProcessResult(const ChildProcessRequest&)>;

} // namespace gatehouse
