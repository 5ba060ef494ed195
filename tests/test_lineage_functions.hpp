#pragma once
// Lineage functions shared by the multi-stage tests (registered once, in
// test_lineage_functions.cpp), and plain C++ references to check against.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ember::testing {

using word_count = std::pair<std::string, std::int64_t>;

/// Splits a line into lower-case words of letters.
void split_words(const std::string& line, std::vector<std::string>& out);

/// Word counts computed without Ember.
std::map<std::string, std::int64_t>
reference_word_count(const std::vector<std::string>& lines);

/// Deterministic text: `n` lines of skewed words.
std::vector<std::string> generated_lines(int n, std::uint64_t seed);

} // namespace ember::testing
