// Conversation turns for providers that want user and model turns to alternate (Anthropic,
// Gemini), built from OpenAI messages, which may repeat a role (each tool result is its own
// message): consecutive items of one role join one turn, and an empty turn is left out (it says
// nothing, and both providers refuse one).
#pragma once

#include "json/Json.h"

#include <string>

namespace gatehouse {

class TurnList {
public:
    // `itemsKey`: the turn's member that holds its items ("content" blocks, Gemini "parts").
    explicit TurnList(std::string itemsKey)
        : m_itemsKey(std::move(itemsKey))
    {
    }

    void append(const char* role, Json items)
    {
        if (items.empty())
            return;
        if (!m_turns.empty() && m_turns.back()["role"] == role) {
            auto& existing = m_turns.back()[m_itemsKey];
            for (auto& item : items)
                existing.push_back(std::move(item));
            return;
        }
        m_turns.push_back({{"role", role}, {m_itemsKey, std::move(items)}});
    }

    Json take() { return std::move(m_turns); }

private:
    std::string m_itemsKey;
    Json m_turns = Json::array();
};

} // namespace gatehouse
