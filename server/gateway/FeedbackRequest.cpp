#include "gateway/FeedbackRequest.h"

#include "json/Json.h"

#include <cmath>

namespace gatehouse {

std::variant<CallFeedback, ApiError> readFeedbackRequest(std::string_view body)
{
    const auto json = Json::parse(body, nullptr, false);
    if (!json.is_object())
        return ApiError::invalidRequest("The body must be a JSON object: {\"request_id\": \"...\", \"score\": 1, \"comment\": \"...\"}.");
    for (const auto& [name, value] : json.items()) {
        if (name != "request_id" && name != "score" && name != "comment")
            return ApiError::invalidRequest("Unknown field '" + name + "': send request_id, score and comment.", name, "unknown_field");
    }
    CallFeedback feedback;
    const auto requestId = json.find("request_id");
    if (requestId == json.end() || !requestId->is_string() || requestId->get_ref<const std::string&>().empty())
        return ApiError::invalidRequest("'request_id' is required: the x-gatehouse-request-id of the call the feedback is about.", "request_id");
    feedback.requestId = requestId->get<std::string>();
    const auto score = json.find("score");
    if (score == json.end() || !score->is_number() || !std::isfinite(score->get<double>()) || score->get<double>() < FeedbackStore::kMinScore
        || score->get<double>() > FeedbackStore::kMaxScore)
        return ApiError::invalidRequest("'score' is required: a number from -100 to 100 (e.g. 1 for good, 0 for bad).", "score");
    feedback.score = score->get<double>();
    if (const auto comment = json.find("comment"); comment != json.end() && !comment->is_null()) {
        if (!comment->is_string() || comment->get_ref<const std::string&>().size() > FeedbackStore::kMaxCommentBytes)
            return ApiError::invalidRequest("'comment' must be a string of at most 4000 bytes.", "comment");
        feedback.comment = comment->get<std::string>();
    }
    return feedback;
}

std::string feedbackJson(const CallFeedback& feedback)
{
    return Json{{"object", "feedback"}, {"id", feedback.id}, {"request_id", feedback.requestId}, {"score", feedback.score},
        {"comment", feedback.comment.empty() ? Json(nullptr) : Json(feedback.comment)}, {"created_at_ms", feedback.createdAtMs}}
        .dump();
}

} // namespace gatehouse
