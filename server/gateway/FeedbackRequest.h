// POST /v1/feedback (docs/prompts.md "Feedback"): the body read and checked, and the answer.
#pragma once

#include "openai/ApiError.h"
#include "store/FeedbackStore.h"

#include <string>
#include <string_view>
#include <variant>

namespace gatehouse {

// {"request_id": "...", "score": 1, "comment": "..."}: the feedback, or the 400 naming the field.
std::variant<CallFeedback, ApiError> readFeedbackRequest(std::string_view body);

// {"object": "feedback", "id", "request_id", "score", "comment", "created_at_ms"}
std::string feedbackJson(const CallFeedback& feedback);

} // namespace gatehouse
