// Small conversions the admin API's JSON answers share.
#pragma once

#include "json/Json.h"

#include <cstdint>
#include <optional>

namespace gatehouse {

// The value, or null when unset.
inline Json nullableJson(const std::optional<int64_t>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

// Micro-dollars (how costs are counted) as a dollar amount.
inline Json usdJson(int64_t micros)
{
    return static_cast<double>(micros) / 1e6;
}

} // namespace gatehouse
