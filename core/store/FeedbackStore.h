// Feedback on calls (docs/prompts.md "Feedback"): POST /v1/feedback {request_id, score, comment}
// scores a call the caller's tenant made, once per key (posting again replaces the score). Prompt
// analytics average the scores per version. Retention deletes a call's feedback with the call.
// Used by the data plane (on a thread of its own, not a worker): its own connection, one writer at a time.
#pragma once

#include "store/Database.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace gatehouse {

struct CallFeedback {
    int64_t id = 0;
    std::string requestId;
    double score = 0;
    std::string comment;
    std::string keyPrefix; // the key that sent it
    int64_t createdAtMs = 0;
};

class FeedbackStore {
public:
    static constexpr double kMinScore = -100;
    static constexpr double kMaxScore = 100;
    static constexpr std::size_t kMaxCommentBytes = 4000;
    static constexpr std::chrono::milliseconds kMaxLockWait{250};

    // Opens its own connection to the database at `path` (migrated already).
    explicit FeedbackStore(const std::string& path);
    ~FeedbackStore();

    // Stores the feedback if `feedback.requestId` names a call of `tenant` that has been written;
    // nullopt if there is none (unknown, another tenant's, or not written yet). Throws StoreError.
    std::optional<CallFeedback> add(CallFeedback feedback, const std::string& tenant);

private:
    std::mutex m_mutex;
    std::unique_ptr<Database> m_db;
};

} // namespace gatehouse
