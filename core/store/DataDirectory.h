// Where Gatehouse keeps its database and local files.
#pragma once

#include <string>

namespace gatehouse {

// $XDG_DATA_HOME/gatehouse, else ~/.local/share/gatehouse.
std::string defaultDataDirectory();

// Creates the directory (0700: it holds call logs and key hashes). Throws StoreError naming the problem.
void prepareDataDirectory(const std::string& path);

// A private (0700) scratch data directory under the system's temporary directory, removed with
// everything in it when this goes: where a configuration is validated without touching any real
// data directory. Throws StoreError when it cannot be made.
class ScratchDataDirectory {
public:
    ScratchDataDirectory();
    ~ScratchDataDirectory();
    ScratchDataDirectory(const ScratchDataDirectory&) = delete;
    ScratchDataDirectory& operator=(const ScratchDataDirectory&) = delete;

    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace gatehouse
