// The error thrown while reading configuration: a message that names the file, line and field.
#pragma once

#include <stdexcept>

namespace gatehouse {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace gatehouse
