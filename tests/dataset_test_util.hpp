#pragma once
// Shared by the Dataset API tests: a small local configuration, generated
// data (skewed keys, empty partitions) and plain C++ references.

#include "api/context.hpp"

#include <cereal/types/string.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace ember::testing {

using kv = std::pair<std::int64_t, std::int64_t>;
using skv = std::pair<std::string, std::int64_t>;

/// Two executors with two cores each.
inline config small_cluster(int executors = 2, int cores = 2) {
  config cfg;
  cfg.local_executors = executors;
  cfg.executor_cores = cores;
  return cfg;
}

/// `n` integers in [0, bound).
inline std::vector<std::int64_t> random_ints(std::size_t n, std::int64_t bound,
                                             std::uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bound)));
  return out;
}

/// `n` pairs whose keys are heavily skewed towards 0 (min of three draws
/// out of `keys`).
inline std::vector<kv> skewed_pairs(std::size_t n, std::int64_t keys,
                                    std::uint64_t seed) {
  std::mt19937_64 rng{seed};
  std::vector<kv> out;
  auto k = static_cast<std::uint64_t>(keys);
  for (std::size_t i = 0; i < n; ++i) {
    auto key = std::min({rng() % k, rng() % k, rng() % k});
    out.emplace_back(static_cast<std::int64_t>(key),
                     static_cast<std::int64_t>(rng() % 1000));
  }
  return out;
}

/// Words drawn from a small skewed vocabulary, with counts.
inline std::vector<skv> word_pairs(std::size_t n, std::uint64_t seed) {
  static const char* vocabulary[] = {"spark", "ember", "actor", "shuffle",
                                     "stage", "task",  "block", "driver"};
  std::mt19937_64 rng{seed};
  std::vector<skv> out;
  for (std::size_t i = 0; i < n; ++i)
    out.emplace_back(vocabulary[std::min(rng() % 8, rng() % 8)],
                     static_cast<std::int64_t>(rng() % 10));
  return out;
}

template <class T>
std::vector<T> sorted(std::vector<T> xs) {
  std::sort(xs.begin(), xs.end());
  return xs;
}

/// Values grouped by key, each group sorted.
template <class K, class V>
std::map<K, std::vector<V>> groups_of(const std::vector<std::pair<K, V>>& xs) {
  std::map<K, std::vector<V>> out;
  for (auto& [k, v] : xs)
    out[k].push_back(v);
  for (auto& [k, vs] : out)
    std::sort(vs.begin(), vs.end());
  return out;
}

/// Each maps range(0, 3) with a function object named `twin_fn` in an
/// anonymous namespace of its own translation unit (dataset_test.cpp: x +
/// 1, pair_dataset_test.cpp: x * 10): one mangled name, two functions.
std::vector<std::int64_t> map_with_twin_a(context& ctx);
std::vector<std::int64_t> map_with_twin_b(context& ctx);
/// The stable names of those two maps.
std::string twin_name_a();
std::string twin_name_b();

/// A fresh empty directory under the system temp dir, removed at the end.
class temp_dir {
public:
  temp_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path()
            / ("ember-dataset-test-" + std::to_string(rd()) + "-"
               + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const {
    return path_;
  }

  std::string operator/(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

} // namespace ember::testing
