#include "test_lineage_functions.hpp"

#include "api/typed_functions.hpp"

#include <cctype>
#include <random>

namespace ember::testing {

void split_words(const std::string& line, std::vector<std::string>& out) {
  std::string word;
  for (char c : line) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty())
    out.push_back(std::move(word));
}

std::map<std::string, std::int64_t>
reference_word_count(const std::vector<std::string>& lines) {
  std::map<std::string, std::int64_t> counts;
  std::vector<std::string> words;
  for (auto& line : lines) {
    words.clear();
    split_words(line, words);
    for (auto& w : words)
      ++counts[w];
  }
  return counts;
}

std::vector<std::string> generated_lines(int n, std::uint64_t seed) {
  static const char* vocabulary[] = {"spark", "ember", "actor", "shuffle",
                                     "stage", "task",  "block", "driver",
                                     "executor", "map", "reduce", "join"};
  std::mt19937_64 rng{seed};
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    std::string line;
    auto words = 1 + rng() % 12;
    for (std::uint64_t w = 0; w < words; ++w) {
      // Skewed: low indices are much more frequent.
      auto a = rng() % 12;
      auto b = rng() % 12;
      line += vocabulary[std::min(a, b)];
      line += (w % 3 == 0) ? ", " : " ";
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

namespace {

word_count pair_one(const std::string& w) {
  return {w, 1};
}

std::int64_t add(const std::int64_t& x, const std::int64_t& y) {
  return x + y;
}

/// (word, count) -> (count, word): re-keys by count for a second shuffle.
std::pair<std::int64_t, std::string> by_count(const word_count& wc) {
  return {wc.second, wc.first};
}

std::pair<std::int64_t, std::int64_t> count_one(
  const std::pair<std::int64_t, std::string>& x) {
  return {x.first, 1};
}

/// word -> (first letter, word)
std::pair<std::string, std::string> key_by_initial(const std::string& w) {
  return {w.substr(0, 1), w};
}

bool long_word(const std::string& w) {
  return w.size() > 4;
}

const bool registered = [] {
  register_source<std::string>("t_lines");
  register_source<std::int64_t>("t_ints");
  register_flat_map<std::string, std::string>("t_split", &split_words);
  register_filter<std::string>("t_long_word", &long_word);
  register_map<std::string, word_count>("t_pair_one", &pair_one);
  register_map<word_count, std::pair<std::int64_t, std::string>>("t_by_count",
                                                                 &by_count);
  register_map<std::pair<std::int64_t, std::string>,
               std::pair<std::int64_t, std::int64_t>>("t_count_one",
                                                      &count_one);
  register_map<std::string, std::pair<std::string, std::string>>(
    "t_key_by_initial", &key_by_initial);
  register_combining_shuffle<std::string, std::int64_t>("t_sum_by_word",
                                                        &add);
  register_combining_shuffle<std::int64_t, std::int64_t>("t_sum_by_count",
                                                         &add);
  register_grouping_shuffle<std::string, std::string>("t_group_by_initial");
  register_shuffle<std::int64_t, std::string>("t_plain_by_count");
  register_collect<word_count>("t_collect_wc");
  register_collect<std::string>("t_collect_strings");
  register_collect<std::int64_t>("t_collect_ints");
  register_collect<std::pair<std::int64_t, std::int64_t>>("t_collect_ii");
  register_collect<std::pair<std::int64_t, std::string>>("t_collect_is");
  register_collect<std::pair<std::string, std::vector<std::string>>>(
    "t_collect_groups");
  register_count<std::string>("t_count_strings");
  return true;
}();

} // namespace

} // namespace ember::testing
