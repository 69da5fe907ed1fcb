#include "metrics/PrometheusTextWriter.h"

#include <array>

namespace gatehouse {
namespace {

std::string_view typeName(PrometheusTextWriter::Type type)
{
    switch (type) {
    case PrometheusTextWriter::Type::Counter:
        return "counter";
    case PrometheusTextWriter::Type::Gauge:
        return "gauge";
    case PrometheusTextWriter::Type::Histogram:
        return "histogram";
    }
    return "untyped";
}

// The length of the valid UTF-8 sequence at the start of `text`, or 0 if it does not start with one.
std::size_t utf8SequenceLength(std::string_view text)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!continuation(1) || !continuation(2))
            return 0;
        // No overlong forms (E0 80..9F) and no UTF-16 surrogates (ED A0..BF).
        if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) > 0x9F))
            return 0;
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!continuation(1) || !continuation(2) || !continuation(3))
            return 0;
        if ((lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

std::string PrometheusTextWriter::escapeLabelValue(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    std::size_t at = 0;
    while (at < value.size()) {
        const char c = value[at];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else if (const auto length = utf8SequenceLength(value.substr(at)); length > 0) {
            out.append(value.substr(at, length));
            at += length;
            continue;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
        }
        ++at;
    }
    return out;
}

std::string PrometheusTextWriter::escapeHelp(std::string_view help)
{
    std::string out;
    out.reserve(help.size());
    for (const char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string PrometheusTextWriter::formatMillionths(int64_t millionths)
{
    // Exact, unlike printing a double: a counter of micro-dollars must read back as it was counted.
    const bool negative = millionths < 0;
    const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(millionths) : static_cast<uint64_t>(millionths);
    std::string out = (negative ? "-" : "") + std::to_string(magnitude / 1'000'000);
    if (const uint64_t fraction = magnitude % 1'000'000; fraction != 0) {
        auto digits = std::to_string(fraction);
        digits.insert(0, 6 - digits.size(), '0');
        digits.erase(digits.find_last_not_of('0') + 1);
        out += "." + digits;
    }
    return out;
}

void PrometheusTextWriter::family(std::string_view name, Type type, std::string_view help)
{
    m_text.append("# HELP ").append(name).append(" ").append(escapeHelp(help)).append("\n");
    m_text.append("# TYPE ").append(name).append(" ").append(typeName(type)).append("\n");
}

void PrometheusTextWriter::beginSample(std::string_view name, std::string_view suffix, Labels labels, const Label* extra)
{
    m_text.append(name).append(suffix);
    if (labels.size() == 0 && !extra) {
        m_text += ' ';
        return;
    }
    m_text += '{';
    bool first = true;
    const auto appendLabel = [&](const Label& label) {
        if (!first)
            m_text += ',';
        first = false;
        m_text.append(label.first).append("=\"").append(escapeLabelValue(label.second)).append("\"");
    };
    for (const auto& label : labels)
        appendLabel(label);
    if (extra)
        appendLabel(*extra);
    m_text += "} ";
}

void PrometheusTextWriter::sample(std::string_view name, Labels labels, uint64_t value)
{
    beginSample(name, {}, labels);
    m_text.append(std::to_string(value)).append("\n");
}

void PrometheusTextWriter::sample(std::string_view name, Labels labels, int64_t value)
{
    beginSample(name, {}, labels);
    m_text.append(std::to_string(value)).append("\n");
}

void PrometheusTextWriter::sampleText(std::string_view name, Labels labels, std::string_view value)
{
    beginSample(name, {}, labels);
    m_text.append(value).append("\n");
}

void PrometheusTextWriter::histogram(std::string_view name, Labels labels, const DurationHistogram& histogram)
{
    // The bounds as `le` values, formatted once: a page writes them for every histogram.
    static const auto bounds = [] {
        std::array<std::string, DurationHistogram::kUpperBoundsMicros.size()> text;
        for (std::size_t i = 0; i < text.size(); ++i)
            text[i] = formatMillionths(DurationHistogram::kUpperBoundsMicros[i]);
        return text;
    }();
    const auto& counts = histogram.bucketCounts();
    uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        cumulative += counts[i];
        const Label le{"le", bounds[i]};
        beginSample(name, "_bucket", labels, &le);
        m_text.append(std::to_string(cumulative)).append("\n");
    }
    const Label infinity{"le", "+Inf"};
    beginSample(name, "_bucket", labels, &infinity);
    m_text.append(std::to_string(histogram.count())).append("\n");
    beginSample(name, "_sum", labels);
    m_text.append(formatMillionths(histogram.sumMicros())).append("\n");
    beginSample(name, "_count", labels);
    m_text.append(std::to_string(histogram.count())).append("\n");
}

} // namespace gatehouse
