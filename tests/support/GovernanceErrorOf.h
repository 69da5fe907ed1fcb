// Catching the GovernanceError a store call throws, for table tests of refusals.
#pragma once

#include "store/GovernanceStore.h"

#include <QString>

#include <optional>

// The error `body` throws; nullopt when it throws none.
template<typename Body>
std::optional<gatehouse::GovernanceError> errorOf(Body&& body)
{
    try {
        body();
    } catch (const gatehouse::GovernanceError& error) {
        return error;
    }
    return std::nullopt;
}

// The error's message, or "<no error>", for failure messages.
inline QString text(const std::optional<gatehouse::GovernanceError>& error)
{
    return error ? QString::fromUtf8(error->what()) : QString("<no error>");
}
