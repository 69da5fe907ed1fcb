// Thrown by a translator when a request cannot be carried to (or an answer back from) another
// API without losing meaning: e.g. `n: 3` to a provider that answers one choice. It carries the
// OpenAI-shaped error the client gets (ingress APIs re-shape it, e.g. for /v1/messages).
#pragma once

#include "openai/ApiError.h"

#include <stdexcept>

namespace gatehouse {

class TranslationError : public std::runtime_error {
public:
    explicit TranslationError(ApiError error)
        : std::runtime_error(error.message)
        , m_error(std::move(error))
    {
    }
    const ApiError& error() const { return m_error; }

private:
    ApiError m_error;
};

} // namespace gatehouse
