// Writes the Prometheus text exposition format, version 0.0.4: each family's HELP and TYPE once,
// label values escaped, histograms as cumulative `_bucket` lines ending in +Inf, `_sum` and
// `_count`. Knows nothing of what the gateway measures (GatewayMetricsText does).
#pragma once

#include "metrics/DurationHistogram.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gatehouse {

class PrometheusTextWriter {
public:
    enum class Type { Counter, Gauge, Histogram };
    using Label = std::pair<std::string_view, std::string_view>; // name (a valid label name), value (any text)
    using Labels = std::initializer_list<Label>;

    // The HTTP Content-Type of what this writes.
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Starts a family: its HELP and TYPE lines. Every sample of the family must follow before the
    // next family starts (the format wants a family's lines together).
    void family(std::string_view name, Type type, std::string_view help);

    void sample(std::string_view name, Labels labels, uint64_t value);
    void sample(std::string_view name, Labels labels, int64_t value);
    void sample(std::string_view name, Labels labels, int value) { sample(name, labels, static_cast<int64_t>(value)); }
    // A value already in the format's number syntax (e.g. from formatMicros).
    void sampleText(std::string_view name, Labels labels, std::string_view value);
    // `name`_bucket{..., le="..."} for every bound and +Inf (cumulative), `name`_sum in seconds, `name`_count.
    void histogram(std::string_view name, Labels labels, const DurationHistogram& histogram);

    const std::string& text() const { return m_text; }
    std::string take() { return std::move(m_text); }

    // Label values: \ " and newline escaped as \\ \" \n; bytes that are not valid UTF-8 become
    // U+FFFD (the format requires UTF-8, and a scraper would reject the whole page).
    static std::string escapeLabelValue(std::string_view value);
    // HELP text: \ and newline escaped.
    static std::string escapeHelp(std::string_view help);
    // An integer number of millionths (micro-seconds, micro-dollars) as an exact decimal in units:
    // 2'500'000 → "2.5", 1'000 → "0.001", -5 → "-0.000005".
    static std::string formatMillionths(int64_t millionths);

private:
    void beginSample(std::string_view name, std::string_view suffix, Labels labels, const Label* extra = nullptr);

    std::string m_text;
};

} // namespace gatehouse
