// Pair datasets (api/pair_dataset.hpp): keyed transformations, the
// shuffles by key, joins and sorting, each compared with a plain C++
// computation on generated data with skewed keys and empty partitions.

#include "dataset_test_util.hpp"

#include "api/context.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <sstream>

using namespace ember;
using namespace ember::testing;

namespace {

/// Shares its mangled name with dataset_test.cpp's twin_fn.
struct twin_fn {
  std::int64_t operator()(const std::int64_t& x) const {
    return x * 10;
  }
};

} // namespace

std::vector<std::int64_t> ember::testing::map_with_twin_b(context& ctx) {
  return ctx.range(0, 3, 1, 2).map(twin_fn{}).collect();
}

std::string ember::testing::twin_name_b() {
  return stable_name<detail::map_op<twin_fn, std::int64_t, void>>();
}

TEST_CASE("key_by, map_values, keys, values and union_with") {
  context ctx{small_cluster()};
  auto xs = random_ints(300, 50, 3);
  auto ds = ctx.parallelize(xs, 5);
  auto keyed = ds.key_by([](const std::int64_t& x) { return x % 10; });
  std::vector<kv> expected;
  for (auto x : xs)
    expected.emplace_back(x % 10, x);
  CHECK(keyed.collect() == expected);
  std::vector<std::pair<std::int64_t, std::string>> labelled;
  for (auto& [k, v] : expected)
    labelled.emplace_back(k, "v" + std::to_string(v));
  CHECK(keyed
          .map_values([](const std::int64_t& v, const std::string& prefix) {
            return prefix + std::to_string(v);
          }, std::string{"v"})
          .collect()
        == labelled);
  std::vector<std::int64_t> keys;
  for (auto& e : expected)
    keys.push_back(e.first);
  CHECK(keyed.keys().collect() == keys);
  CHECK(keyed.values().collect() == xs);

  auto other = ctx.range(0, 7, 1, 3);
  auto both = ds.union_with(other);
  CHECK(both.partitions() == 8);
  auto all = xs;
  for (std::int64_t i = 0; i < 7; ++i)
    all.push_back(i);
  CHECK(both.collect() == all);
  CHECK(both.union_with(both).count() == 2 * static_cast<std::int64_t>(all.size()));
  context other_ctx{small_cluster(1, 1)};
  CHECK_THROWS_AS(ds.union_with(other_ctx.parallelize(xs, 1)),
                  std::invalid_argument);
}

TEST_CASE("reduce_by_key, group_by_key, aggregate_by_key and count_by_key") {
  context ctx{small_cluster()};
  auto pairs = skewed_pairs(3000, 40, 5);
  auto ds = ctx.parallelize(pairs, 6);
  std::map<std::int64_t, std::int64_t> sums;
  std::map<std::int64_t, std::int64_t> counts;
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> min_max;
  for (auto& [k, v] : pairs) {
    sums[k] += v;
    ++counts[k];
    auto [it, added] = min_max.try_emplace(k, v, v);
    it->second.first = std::min(it->second.first, v);
    it->second.second = std::max(it->second.second, v);
  }

  for (int parts : {0, 1, 3, 64}) {
    auto reduced = ds.reduce_by_key(std::plus<std::int64_t>{}, parts).collect();
    std::map<std::int64_t, std::int64_t> got(reduced.begin(), reduced.end());
    CHECK(got.size() == reduced.size()); // one record per key
    CHECK(got == sums);
  }

  auto grouped = ds.group_by_key(5).collect();
  std::map<std::int64_t, std::vector<std::int64_t>> got_groups;
  for (auto& [k, vs] : grouped) {
    CHECK(got_groups.count(k) == 0);
    got_groups[k] = sorted(vs);
  }
  CHECK(got_groups == groups_of(pairs));

  using range_of = std::pair<std::int64_t, std::int64_t>;
  auto aggregated
    = ds.aggregate_by_key(range_of{1 << 30, -1},
                          [](range_of acc, const std::int64_t& v) {
                            return range_of{std::min(acc.first, v),
                                            std::max(acc.second, v)};
                          },
                          [](range_of a, const range_of& b) {
                            return range_of{std::min(a.first, b.first),
                                            std::max(a.second, b.second)};
                          },
                          4)
        .collect();
  CHECK(std::map<std::int64_t, range_of>(aggregated.begin(), aggregated.end())
        == min_max);

  // The zero value is folded in once per key and map partition, as Spark.
  auto with_zero = ctx.parallelize(std::vector<kv>{{1, 1}, {1, 1}, {1, 1}}, 3)
                     .aggregate_by_key(std::int64_t{10},
                                       std::plus<std::int64_t>{},
                                       std::plus<std::int64_t>{})
                     .collect();
  CHECK(with_zero == std::vector<kv>{{1, 33}});

  CHECK(ds.count_by_key() == counts);
  auto words = word_pairs(500, 6);
  std::map<std::string, std::int64_t> word_counts;
  for (auto& [w, n] : words)
    ++word_counts[w];
  CHECK(ctx.parallelize(words, 9).count_by_key() == word_counts);
  CHECK(ctx.parallelize(std::vector<kv>{}, 3).count_by_key().empty());
}

TEST_CASE("join, left_outer_join and cogroup match nested loops") {
  context ctx{small_cluster()};
  auto left = skewed_pairs(400, 30, 7);
  std::vector<std::pair<std::int64_t, std::string>> right;
  for (std::int64_t k = 10; k < 60; k += 2)
    for (std::int64_t i = 0; i < k % 3 + 1; ++i)
      right.emplace_back(k, "r" + std::to_string(k) + "." + std::to_string(i));
  auto l = ctx.parallelize(left, 5);
  auto r = ctx.parallelize(right, 3);

  using joined = std::pair<std::int64_t, std::pair<std::int64_t, std::string>>;
  using outer = std::pair<std::int64_t,
                          std::pair<std::int64_t, std::optional<std::string>>>;
  std::vector<joined> inner_expected;
  std::vector<outer> outer_expected;
  for (auto& [k, v] : left) {
    bool matched = false;
    for (auto& [k2, w] : right)
      if (k == k2) {
        inner_expected.push_back({k, {v, w}});
        outer_expected.push_back({k, {v, w}});
        matched = true;
      }
    if (!matched)
      outer_expected.push_back({k, {v, std::nullopt}});
  }
  for (int parts : {0, 1, 7}) {
    auto j = l.join(r, parts);
    CHECK(j.partitions() == (parts == 0 ? 5 : parts));
    CHECK(sorted(j.collect()) == sorted(inner_expected));
    CHECK(sorted(l.left_outer_join(r, parts).collect())
          == sorted(outer_expected));
  }
  // Against an empty side.
  auto none = ctx.parallelize(std::vector<std::pair<std::int64_t, std::string>>{}, 2);
  CHECK(l.join(none).count() == 0);
  CHECK(l.left_outer_join(none).count() == static_cast<std::int64_t>(left.size()));

  auto co = l.cogroup(r).collect();
  std::set<std::int64_t> all_keys;
  for (auto& [k, v] : left)
    all_keys.insert(k);
  for (auto& [k, w] : right)
    all_keys.insert(k);
  CHECK(co.size() == all_keys.size());
  auto right_groups = groups_of(right);
  auto left_groups = groups_of(left);
  for (auto& [k, sides] : co) {
    CHECK(sorted(sides.first) == left_groups[k]);
    CHECK(sorted(sides.second) == right_groups[k]);
  }
}

TEST_CASE("sort_by_key orders across and within partitions") {
  context ctx{small_cluster()};
  auto pairs = skewed_pairs(5000, 1000, 8);
  auto ds = ctx.parallelize(pairs, 6);
  auto by_key = [](const kv& a, const kv& b) { return a.first < b.first; };
  auto expected = pairs;
  std::stable_sort(expected.begin(), expected.end(), by_key);

  auto asc = ds.sort_by_key(true, 4);
  CHECK(asc.partitions() <= 4);
  CHECK(asc.partitions() > 1);
  auto got = asc.collect();
  CHECK(std::is_sorted(got.begin(), got.end(), by_key));
  CHECK(sorted(got) == sorted(pairs));
  auto keys_of = [](const std::vector<kv>& xs) {
    std::vector<std::int64_t> out;
    for (auto& x : xs)
      out.push_back(x.first);
    return out;
  };
  CHECK(keys_of(got) == keys_of(expected));

  auto desc = ds.sort_by_key(false, 3).collect();
  CHECK(std::is_sorted(desc.rbegin(), desc.rend(), by_key));
  CHECK(sorted(desc) == sorted(pairs));

  // Strings; one key only; no records.
  auto words = ctx.parallelize(word_pairs(300, 9), 4).sort_by_key().collect();
  CHECK(std::is_sorted(words.begin(), words.end(),
                       [](auto& a, auto& b) { return a.first < b.first; }));
  CHECK(words.size() == 300);
  auto same = ctx.parallelize(std::vector<kv>(50, kv{3, 4}), 5).sort_by_key(true, 4);
  CHECK(same.collect() == std::vector<kv>(50, kv{3, 4}));
  CHECK(ctx.parallelize(std::vector<kv>{}, 3).sort_by_key().collect().empty());
}

TEST_CASE("a word count pipeline over several shuffles") {
  context ctx{small_cluster()};
  std::vector<std::string> lines;
  auto words = word_pairs(2000, 11);
  for (std::size_t i = 0; i < words.size(); i += 5) {
    std::string line;
    for (std::size_t j = i; j < std::min(words.size(), i + 5); ++j)
      line += words[j].first + " ";
    lines.push_back(line);
  }
  std::map<std::string, std::int64_t> expected;
  for (auto& w : words)
    ++expected[w.first];
  std::vector<std::pair<std::int64_t, std::string>> by_count;
  for (auto& [w, n] : expected)
    by_count.emplace_back(n, w);
  std::sort(by_count.rbegin(), by_count.rend());

  auto counts = ctx.parallelize(lines, 8)
                  .flat_map([](const std::string& line) {
                    std::vector<std::string> out;
                    std::istringstream in{line};
                    for (std::string w; in >> w;)
                      out.push_back(w);
                    return out;
                  })
                  .map([](const std::string& w) { return skv{w, 1}; })
                  .reduce_by_key(std::plus<std::int64_t>{}, 3);
  auto ranked = counts
                  .map([](const skv& wc) {
                    return std::pair{wc.second, wc.first};
                  })
                  .sort_by_key(false, 2)
                  .collect();
  CHECK(ranked.size() == by_count.size());
  std::vector<std::int64_t> got_counts;
  std::vector<std::int64_t> expected_counts;
  for (auto& r : ranked)
    got_counts.push_back(r.first);
  for (auto& r : by_count)
    expected_counts.push_back(r.first);
  CHECK(got_counts == expected_counts);
  CHECK(sorted(ranked) == sorted(by_count));
  auto collected = counts.collect();
  CHECK(std::map<std::string, std::int64_t>(collected.begin(), collected.end())
        == expected);
}
