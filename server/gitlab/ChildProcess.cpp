// posix_spawn + poll: the output pipes and a pidfd for the child's exit, under one deadline.
#include "ChildProcess.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <stdexcept>
#include <unistd.h>
#include <utility>

namespace gatehouse {
namespace {

class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    ~FileDescriptor() { reset(); }
    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

std::pair<FileDescriptor, FileDescriptor> makePipe()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    return {FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

void throwIfFailed(int rc, const char* what)
{
    if (rc != 0)
        throw std::system_error(rc, std::generic_category(), what);
}

// posix_spawn's C structures, destroyed on every path out.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnSetup()
    {
        throwIfFailed(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init");
        if (int rc = posix_spawnattr_init(&attributes); rc != 0) {
            posix_spawn_file_actions_destroy(&actions);
            throw std::system_error(rc, std::generic_category(), "posix_spawnattr_init");
        }
    }
    ~SpawnSetup()
    {
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
    }
};

std::vector<char*> pointersTo(const std::vector<std::string>& strings)
{
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (const auto& s : strings)
        pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

// Reads what is there; false at end of file (or a hard error, which ends the stream the same way).
bool drain(int fd, std::string& into, std::size_t limit, bool& truncated)
{
    std::array<char, 65536> buffer;
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n > 0) {
            std::size_t room = into.size() < limit ? limit - into.size() : 0;
            std::size_t kept = std::min<std::size_t>(room, std::size_t(n));
            into.append(buffer.data(), kept);
            if (kept < std::size_t(n))
                truncated = true;
            continue;
        }
        if (n == 0)
            return false;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

int exitCodeOf(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

} // namespace

ChildProcessResult runChildProcess(const ChildProcessRequest& request)
{
    if (request.arguments.empty())
        throw std::invalid_argument("runChildProcess: no program given");

    auto [outRead, outWrite] = makePipe();
    auto [errRead, errWrite] = makePipe();

    pid_t pid = -1;
    {
        SpawnSetup setup;
        throwIfFailed(posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0), "addopen");
        throwIfFailed(posix_spawn_file_actions_adddup2(&setup.actions, outWrite.get(), 1), "adddup2");
        throwIfFailed(posix_spawn_file_actions_adddup2(&setup.actions, errWrite.get(), 2), "adddup2");
        // Descriptors the gateway opened without O_CLOEXEC (sockets, databases) stay with the gateway.
        throwIfFailed(posix_spawn_file_actions_addclosefrom_np(&setup.actions, 3), "addclosefrom");
        if (!request.workingDirectory.empty())
            throwIfFailed(posix_spawn_file_actions_addchdir_np(&setup.actions, request.workingDirectory.c_str()), "addchdir");

        // A process group of its own, so the deadline can kill git's helpers (git-remote-https,
        // the askpass script) along with git; default signal handling, so a SIGPIPE the gateway
        // ignores is not ignored in the child.
        sigset_t emptyMask, allSignals;
        sigemptyset(&emptyMask);
        sigfillset(&allSignals);
        throwIfFailed(posix_spawnattr_setpgroup(&setup.attributes, 0), "setpgroup");
        throwIfFailed(posix_spawnattr_setsigmask(&setup.attributes, &emptyMask), "setsigmask");
        throwIfFailed(posix_spawnattr_setsigdefault(&setup.attributes, &allSignals), "setsigdefault");
        throwIfFailed(posix_spawnattr_setflags(&setup.attributes,
                          POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
            "setflags");

        auto argv = pointersTo(request.arguments);
        auto envp = pointersTo(request.environment);
        int rc = ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attributes, argv.data(), envp.data());
        if (rc != 0)
            throw std::system_error(rc, std::generic_category(), "could not start " + request.arguments[0]);
    }
    outWrite.reset();
    errWrite.reset();
    ::fcntl(outRead.get(), F_SETFL, O_NONBLOCK);
    ::fcntl(errRead.get(), F_SETFL, O_NONBLOCK);

    // The pidfd tells when the child exits even if it closed its output early; without it (old
    // kernels) the end of both streams stands for the exit.
    // (The raw system call: glibc 2.36's <sys/pidfd.h> lacks extern "C" and does not link from C++.)
    FileDescriptor exitWatch(int(::syscall(SYS_pidfd_open, pid, 0)));

    ChildProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + request.timeout;
    bool exited = false;
    for (;;) {
        bool streamsOpen = outRead.valid() || errRead.valid();
        if (!streamsOpen && (exited || !exitWatch.valid()))
            break;
        auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (remaining.count() <= 0) {
            result.timedOut = true;
            // The child is not reaped yet, so its pid still names its group.
            ::kill(-pid, SIGKILL);
            break;
        }
        std::array<pollfd, 3> fds{};
        nfds_t count = 0;
        int outIndex = -1, errIndex = -1, exitIndex = -1;
        if (outRead.valid()) {
            outIndex = int(count);
            fds[count++] = {outRead.get(), POLLIN, 0};
        }
        if (errRead.valid()) {
            errIndex = int(count);
            fds[count++] = {errRead.get(), POLLIN, 0};
        }
        if (exitWatch.valid() && !exited) {
            exitIndex = int(count);
            fds[count++] = {exitWatch.get(), POLLIN, 0};
        }
        int ready = ::poll(fds.data(), count, int(std::min<long long>(remaining.count(), 60'000)));
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            throw std::system_error(errno, std::generic_category(), "poll");
        }
        if (outIndex >= 0 && fds[outIndex].revents != 0
            && !drain(outRead.get(), result.standardOutput, request.outputLimit, result.outputTruncated))
            outRead.reset();
        if (errIndex >= 0 && fds[errIndex].revents != 0
            && !drain(errRead.get(), result.standardError, request.outputLimit, result.outputTruncated))
            errRead.reset();
        if (exitIndex >= 0 && fds[exitIndex].revents != 0)
            exited = true;
    }

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exitCode = exitCodeOf(status);
    return result;
}

} // namespace gatehouse
