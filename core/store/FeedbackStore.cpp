#include "store/FeedbackStore.h"

namespace gatehouse {

FeedbackStore::FeedbackStore(const std::string& path)
    : m_db(std::make_unique<Database>(path))
{
    // It runs on a data-plane worker: a short wait for the writer's lock, then a clear 503.
    m_db->setBusyTimeout(kMaxLockWait);
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
    // One score per call and key: posting again replaces it, so no caller outweighs the others.
    auto insert = m_db->prepare("INSERT INTO call_feedback(request_id, score, comment, key_prefix, created_at_ms) VALUES(?, ?, ?, ?, ?) "
                                "ON CONFLICT(request_id, key_prefix) DO UPDATE SET score = excluded.score, comment = excluded.comment, "
                                "created_at_ms = excluded.created_at_ms RETURNING id");
    insert.bind(1, feedback.requestId).bindReal(2, feedback.score);
    if (feedback.comment.empty())
        insert.bindNull(3);
    else
        insert.bind(3, feedback.comment);
    insert.bind(4, feedback.keyPrefix).bind(5, feedback.createdAtMs);
    if (insert.step())
        feedback.id = insert.columnInt(0);
    while (insert.step()) {
    }
    return feedback;
}

} // namespace gatehouse
