// Multi-stage jobs end to end in local mode (real threads): word count,
// group-by and a two-shuffle job, compared with results computed without
// Ember.

#include "test_lineage_functions.hpp"

#include "api/engine.hpp"
#include "api/lineage_builder.hpp"
#include "common/serialization.hpp"
#include "scheduler/partitioner.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

using namespace ember;
using namespace ember::testing;

namespace {

template <class T>
std::vector<T> collect(engine& eng, job_spec spec) {
  auto res = eng.run(std::move(spec));
  std::vector<T> out;
  for (auto& v : res.values)
    for (auto& x : decode<std::vector<T>>(v.view()))
      out.push_back(std::move(x));
  return out;
}

config two_executors() {
  config cfg;
  cfg.local_executors = 2;
  cfg.executor_cores = 2;
  return cfg;
}

} // namespace

TEST_CASE("word count over a shuffle matches a plain computation") {
  engine eng{two_executors()};
  auto lines = generated_lines(2000, 7);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 8);
  auto words = b.narrow(src, "t_split");
  auto pairs = b.narrow(words, "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{5}.spec());
  auto result = collect<word_count>(eng, b.job(counts, "t_collect_wc"));
  std::map<std::string, std::int64_t> got{result.begin(), result.end()};
  CHECK(got.size() == result.size()); // one record per word
  CHECK(got == reference_word_count(lines));
}

TEST_CASE("more partitions than records, and empty partitions") {
  engine eng{two_executors()};
  std::vector<std::string> lines{"a b", "b c c"};
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 7);
  auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{9}.spec());
  auto result = collect<word_count>(eng, b.job(counts, "t_collect_wc"));
  std::map<std::string, std::int64_t> got{result.begin(), result.end()};
  CHECK(got == reference_word_count(lines));
}

TEST_CASE("group by key gathers every value under its key") {
  engine eng{two_executors()};
  auto lines = generated_lines(500, 11);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 6);
  auto keyed = b.narrow(b.narrow(src, "t_split"), "t_key_by_initial");
  auto groups = b.shuffle(keyed, "t_group_by_initial",
                          hash_partitioner{4}.spec());
  auto result = collect<std::pair<std::string, std::vector<std::string>>>(
    eng, b.job(groups, "t_collect_groups"));
  std::map<std::string, std::multiset<std::string>> expected;
  std::vector<std::string> words;
  for (auto& line : lines)
    split_words(line, words);
  for (auto& w : words)
    expected[w.substr(0, 1)].insert(w);
  std::map<std::string, std::multiset<std::string>> got;
  for (auto& [k, vs] : result) {
    CHECK(got.count(k) == 0); // each key once
    got[k].insert(vs.begin(), vs.end());
  }
  CHECK(got == expected);
}

TEST_CASE("a two-shuffle job: how many words occur how often") {
  engine eng{two_executors()};
  auto lines = generated_lines(3000, 3);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 6);
  auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{4}.spec());
  auto by_count = b.narrow(b.narrow(counts, "t_by_count"), "t_count_one");
  auto histogram = b.shuffle(by_count, "t_sum_by_count",
                             hash_partitioner{3}.spec());
  auto result = collect<std::pair<std::int64_t, std::int64_t>>(
    eng, b.job(histogram, "t_collect_ii"));
  std::map<std::int64_t, std::int64_t> expected;
  for (auto& [w, c] : reference_word_count(lines))
    ++expected[c];
  std::map<std::int64_t, std::int64_t> got{result.begin(), result.end()};
  CHECK(got == expected);
}

TEST_CASE("a range-partitioned shuffle orders keys across partitions") {
  engine eng{two_executors()};
  auto lines = generated_lines(1000, 5);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 4);
  auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{3}.spec());
  auto by_count = b.narrow(counts, "t_by_count");
  // Bounds 10 and 100: counts <= 10, <= 100, above.
  range_partitioner<std::int64_t> rp{{10, 100}};
  auto sorted = b.shuffle(by_count, "t_plain_by_count", rp.spec());
  auto res = eng.run(b.job(sorted, "t_collect_is"));
  REQUIRE(res.values.size() == 3);
  std::int64_t previous_max = 0;
  std::size_t total = 0;
  for (auto& v : res.values) {
    auto part = decode<std::vector<std::pair<std::int64_t, std::string>>>(
      v.view());
    total += part.size();
    for (auto& [c, w] : part)
      CHECK(c > previous_max - (previous_max == 0 ? 1 : 0));
    if (!part.empty())
      previous_max = std::max_element(part.begin(), part.end())->first;
  }
  CHECK(total == reference_word_count(lines).size());
}

TEST_CASE("a diamond: one shuffle read through two paths and a union") {
  engine eng{two_executors()};
  auto lines = generated_lines(400, 9);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 4);
  auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{3}.spec());
  auto both = b.union_of({counts, counts});
  auto result = collect<word_count>(eng, b.job(both, "t_collect_wc"));
  auto expected = reference_word_count(lines);
  CHECK(result.size() == 2 * expected.size());
  std::map<std::string, std::int64_t> got;
  for (auto& [w, c] : result)
    got[w] += c;
  for (auto& [w, c] : expected)
    CHECK(got[w] == 2 * c);
}

TEST_CASE("several jobs over one lineage give the same result") {
  engine eng{two_executors()};
  auto lines = generated_lines(300, 1);
  lineage_builder b;
  auto src = b.parallelize("t_lines", lines, 3);
  auto pairs = b.narrow(b.narrow(src, "t_split"), "t_pair_one");
  auto counts = b.shuffle(pairs, "t_sum_by_word", hash_partitioner{2}.spec());
  auto first = collect<word_count>(eng, b.job(counts, "t_collect_wc"));
  auto second = collect<word_count>(eng, b.job(counts, "t_collect_wc"));
  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  CHECK(first == second);
}
