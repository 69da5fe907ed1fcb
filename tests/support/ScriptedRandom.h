// A RandomSource that hands out the values it was given, in turn: what a weighted choice picks is
// then known in advance.
#pragma once

#include "policy/RandomSource.h"

#include <cstddef>
#include <utility>
#include <vector>

class ScriptedRandom final : public gatehouse::RandomSource {
public:
    explicit ScriptedRandom(std::vector<double> values)
        : m_values(std::move(values))
    {
    }
    double uniform() override { return m_values[m_next++ % m_values.size()]; }

private:
    std::vector<double> m_values;
    std::size_t m_next = 0;
};
