#include "store/FeedbackStore.h"

namespace gatehouse {

FeedbackStore::FeedbackStore(const std::string& path)
    : m_db(std::make_unique<Database>(path))
{
}

FeedbackStore::~FeedbackStore() = default;

std::optional<CallFeedback> FeedbackStore::add(CallFeedback feedback, const std::string& tenant)
{
    std::lock_guard lock(m_mutex);
    {
        auto call = m_db->prepare("SELECT 1 FROM calls WHERE request_id = ? AND COALESCE(tenant, '') = ? LIMIT 1");
        call.bind(1, feedback.requestId).bind(2, tenant);
        if (!call.step())
            return std::nullopt;
    }
    feedback.createdAtMs = systemNowMs();
    auto insert = m_db->prepare("INSERT INTO call_feedback(request_id, score, comment, key_prefix, created_at_ms) VALUES(?, ?, ?, ?, ?)");
    insert.bind(1, feedback.requestId).bindReal(2, feedback.score);
    if (feedback.comment.empty())
        insert.bindNull(3);
    else
        insert.bind(3, feedback.comment);
    insert.bind(4, feedback.keyPrefix).bind(5, feedback.createdAtMs);
    insert.step();
    feedback.id = m_db->lastInsertRowId();
    return feedback;
}

} // namespace gatehouse
