// A call to a managed prompt (docs/prompts.md "Serving"): POST /v1/prompts/{name}/chat/completions
// with {"variables", "label" | "version", "stream", "user", "metadata", parameter overrides}. The
// stage picks the version (the label's, by weight, sticky per user), renders its messages with the
// variables and replaces the request body with the chat completion request they make, so the rest
// of the pipeline serves it exactly as a /v1/chat/completions call.
#pragma once

#include "gateway/RequestStages.h"

#include <functional>
#include <string_view>

namespace gatehouse {

class RandomSource;

// The prompt name in a path "/v1/prompts/{name}/chat/completions"; nullopt for another path.
std::optional<std::string_view> promptNameInPath(std::string_view path);

// The name access modes, approvals and keys' model lists know a prompt by: "prompt:<name>".
std::string promptAccessName(std::string_view prompt);

class RenderPromptStage final : public RequestStage {
public:
    // `random` gives the calling thread's generator (the split's draw without a user id).
    explicit RenderPromptStage(std::function<RandomSource&()> random);
    StageStatus run(RequestContext& context) const override;

private:
    std::function<RandomSource&()> m_random;
};

} // namespace gatehouse
