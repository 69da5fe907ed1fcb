#include "store/DataDirectory.h"

#include "store/Database.h"

#include <cstdlib>
#include <stdlib.h>
#include <filesystem>

namespace gatehouse {

std::string defaultDataDirectory()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/gatehouse";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/gatehouse";
    return ".gatehouse";
}

void prepareDataDirectory(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool created = fs::create_directories(path, ec);
    if (ec)
        throw StoreError("cannot create the data directory " + path + ": " + ec.message());
    if (!fs::is_directory(path))
        throw StoreError("the data directory " + path + " exists but is not a directory");
    if (created)
        fs::permissions(path, fs::perms::owner_all, ec);
}

ScratchDataDirectory::ScratchDataDirectory()
{
    auto pattern = (std::filesystem::temp_directory_path() / "gatehouse-scratch-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        throw StoreError("cannot create a scratch directory in " + std::filesystem::temp_directory_path().string());
    m_path = pattern;
}

ScratchDataDirectory::~ScratchDataDirectory()
{
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace gatehouse
