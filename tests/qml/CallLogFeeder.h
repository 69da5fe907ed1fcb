// For Qt Quick Tests of the Call log: a real CallLogModel that QML fills with calls it describes.
#pragma once

#include "CallLogModel.h"

#include <QObject>
#include <QVariantList>

// Each call is an object with the admin API's field names (request_id, model, status, error_code,
// tenant, consumer, key_prefix, endpoint, stream, latency_us, ttfb_us, prompt_tokens,
// completion_tokens, cost_usd); add() hands them over as the writer would and flushes at once.
class CallLogFeeder : public QObject {
    Q_OBJECT
    Q_PROPERTY(CallLogModel* calls READ calls CONSTANT)

public:
    explicit CallLogFeeder(QObject* parent = nullptr);

    CallLogModel* calls() const { return m_calls; }
    Q_INVOKABLE void add(const QVariantList& calls);

private:
    CallLogModel* m_calls; // child
};
