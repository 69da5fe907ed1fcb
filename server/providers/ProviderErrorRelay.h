// A provider's error answer (status >= 400) passed on to the client: read whole (they are small),
// re-shaped by the provider's dialect with the provider's message kept, Retry-After passed on.
// Shared by the pass-through and the translating providers.
#pragma once

#include "dialects/ProviderDialect.h"
#include "gateway/RequestContext.h"
#include "upstream/UpstreamExchange.h"

namespace gatehouse {

Awaitable<void> relayProviderError(RequestContext& context, ResponseChannel& channel, UpstreamExchange& exchange,
    const ProviderDialect& dialect, const DialectTarget& target);

} // namespace gatehouse
