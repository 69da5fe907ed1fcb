#include "store/DataDirectory.h"

#include "store/Database.h"

#include <cstdlib>
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

} // namespace gatehouse
