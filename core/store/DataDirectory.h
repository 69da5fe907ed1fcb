// Where Gatehouse keeps its database and local files.
#pragma once

#include <string>

namespace gatehouse {

// $XDG_DATA_HOME/gatehouse, else ~/.local/share/gatehouse.
std::string defaultDataDirectory();

// Creates the directory (0700: it holds call logs and key hashes). Throws StoreError naming the problem.
void prepareDataDirectory(const std::string& path);

} // namespace gatehouse
