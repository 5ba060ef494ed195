#pragma once
// Shuffle codecs of the Dataset API: how map tasks write a partition's
// records into one block per reduce partition (combining by key where the
// operation allows it) and how a reduce task merges its blocks. Registered
// like the other descriptors (api/narrow_ops.hpp).

#include "api/narrow_ops.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace ember::detail {

/// A hash table keyed by the stable hash (same layout in every process).
template <class K, class V>
using stable_table = std::unordered_map<K, V, stable_hasher<K>>;

/// Encodes each non-empty bucket (an empty string for an empty one).
template <class R>
std::vector<std::string> encode_buckets(std::vector<std::vector<R>>& buckets) {
  std::vector<std::string> out(buckets.size());
  for (std::size_t r = 0; r < buckets.size(); ++r)
    if (!buckets[r].empty())
      out[r] = encode(buckets[r]);
  return out;
}

/// Decodes every block as std::vector<R> and passes each record to `fn`.
template <class R, class Fn>
void for_each_in_blocks(const std::vector<bytes>& blocks, Fn&& fn) {
  for (auto& b : blocks)
    for (auto& x : decode<std::vector<R>>(b.view()))
      fn(std::move(x));
}

/// reduce_by_key: values combined with F on both sides.
template <class F, class K, class V>
struct combine_codec {
  static std::vector<std::pair<K, V>> combine(std::vector<std::pair<K, V>> xs) {
    F f{};
    stable_table<K, std::size_t> index;
    std::vector<std::pair<K, V>> out;
    for (auto& [k, v] : xs) {
      auto [it, added] = index.try_emplace(k, out.size());
      if (added)
        out.emplace_back(std::move(k), std::move(v));
      else {
        auto& acc = out[it->second].second;
        acc = V(std::invoke(f, std::move(acc), std::move(v)));
      }
    }
    return out;
  }

  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view) {
      return write_buckets<K, V>(
        combine(take_records<std::pair<K, V>>(std::move(in))), spec);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      std::vector<std::pair<K, V>> all;
      for_each_in_blocks<std::pair<K, V>>(
        blocks, [&](std::pair<K, V>&& x) { all.push_back(std::move(x)); });
      return std::any{combine(std::move(all))};
    };
    // Incremental: the state stays at one record per key seen so far.
    codec.begin = [](task_context&, std::string_view) {
      return std::any{std::vector<std::pair<K, V>>{}};
    };
    codec.add = [](task_context&, std::any& state, const bytes& block,
                   std::string_view) {
      auto& acc = std::any_cast<std::vector<std::pair<K, V>>&>(state);
      for_each_in_blocks<std::pair<K, V>>(
        std::vector<bytes>{block},
        [&](std::pair<K, V>&& x) { acc.push_back(std::move(x)); });
      acc = combine(std::move(acc));
    };
    codec.finish = [](task_context&, std::any&& state, std::string_view) {
      return std::any{
        std::move(std::any_cast<std::vector<std::pair<K, V>>&>(state))};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// aggregate_by_key: map side folds values into U with Seq from the zero
/// value (codec args); reduce side merges the U's with Comb.
template <class Seq, class Comb, class K, class V, class U>
struct aggregate_codec {
  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view args) {
      auto zero = decode<U>(args);
      Seq seq{};
      stable_table<K, std::size_t> index;
      std::vector<std::pair<K, U>> out;
      for (auto& [k, v] : take_records<std::pair<K, V>>(std::move(in))) {
        auto [it, added] = index.try_emplace(k, out.size());
        if (added)
          out.emplace_back(std::move(k), zero);
        auto& acc = out[it->second].second;
        acc = U(std::invoke(seq, std::move(acc), std::move(v)));
      }
      return write_buckets<K, U>(std::move(out), spec);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      std::vector<std::pair<K, U>> all;
      for_each_in_blocks<std::pair<K, U>>(
        blocks, [&](std::pair<K, U>&& x) { all.push_back(std::move(x)); });
      return std::any{combine_codec<Comb, K, U>::combine(std::move(all))};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// group_by_key: (k, [v...]) in first-seen key order; no map-side
/// combining (as Spark's groupByKey).
template <class K, class V>
struct group_codec {
  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view) {
      return write_buckets<K, V>(take_records<std::pair<K, V>>(std::move(in)),
                                 spec);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      stable_table<K, std::size_t> index;
      std::vector<std::pair<K, std::vector<V>>> out;
      for_each_in_blocks<std::pair<K, V>>(blocks, [&](std::pair<K, V>&& x) {
        auto [it, added] = index.try_emplace(x.first, out.size());
        if (added)
          out.emplace_back(std::move(x.first), std::vector<V>{});
        out[it->second].second.push_back(std::move(x.second));
      });
      return std::any{std::move(out)};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// cogroup: records tagged by side (variant index 0: left, 1: right) ->
/// (k, ([v...], [w...])).
template <class K, class V, class W>
struct cogroup_codec {
  using tagged = std::pair<K, std::variant<V, W>>;

  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view) {
      return write_buckets<K, std::variant<V, W>>(
        take_records<tagged>(std::move(in)), spec);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      stable_table<K, std::size_t> index;
      std::vector<cogrouped<K, V, W>> out;
      for_each_in_blocks<tagged>(blocks, [&](tagged&& x) {
        auto [it, added] = index.try_emplace(x.first, out.size());
        if (added)
          out.emplace_back(std::move(x.first),
                           std::pair<std::vector<V>, std::vector<W>>{});
        auto& sides = out[it->second].second;
        if (x.second.index() == 0)
          sides.first.push_back(std::move(std::get<0>(x.second)));
        else
          sides.second.push_back(std::move(std::get<1>(x.second)));
      });
      return std::any{std::move(out)};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// distinct: records (not pairs) deduplicated on both sides, hash
/// partitioned by the whole record.
template <class T>
struct distinct_codec {
  static std::vector<T> dedupe(std::vector<T>&& xs) {
    std::unordered_set<T, stable_hasher<T>> seen;
    std::vector<T> out;
    for (auto& x : xs)
      if (seen.insert(x).second)
        out.push_back(std::move(x));
    return out;
  }

  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view) {
      hash_partitioner hp{spec.num_partitions};
      std::vector<std::vector<T>> buckets(
        static_cast<std::size_t>(spec.num_partitions));
      for (auto& x : dedupe(take_records<T>(std::move(in))))
        buckets[static_cast<std::size_t>(hp.partition(x))].push_back(
          std::move(x));
      return encode_buckets(buckets);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      std::vector<T> all;
      for_each_in_blocks<T>(blocks, [&](T&& x) { all.push_back(std::move(x)); });
      return std::any{dedupe(std::move(all))};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// sort_by_key: range partitioned by key; the reducer sorts its records by
/// key (stably), ascending unless the codec args say otherwise.
template <class K, class V>
struct sort_codec {
  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                     std::string_view) {
      auto rp = range_partitioner<K>::from_spec(spec);
      std::vector<std::vector<std::pair<K, V>>> buckets(
        static_cast<std::size_t>(spec.num_partitions));
      for (auto& x : take_records<std::pair<K, V>>(std::move(in)))
        buckets[static_cast<std::size_t>(rp.partition(x.first))].push_back(
          std::move(x));
      return encode_buckets(buckets);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view args) {
      auto ascending = decode<bool>(args);
      std::vector<std::pair<K, V>> all;
      for_each_in_blocks<std::pair<K, V>>(
        blocks, [&](std::pair<K, V>&& x) { all.push_back(std::move(x)); });
      if (ascending)
        std::stable_sort(all.begin(), all.end(),
                         [](const auto& a, const auto& b) {
                           return a.first < b.first;
                         });
      else
        std::stable_sort(all.begin(), all.end(),
                         [](const auto& a, const auto& b) {
                           return b.first < a.first;
                         });
      return std::any{std::move(all)};
    };
    r.add_codec(name, std::move(codec));
  }
};

/// repartition: records (not pairs) dealt round-robin from a position
/// derived from the map partition's index (as Spark's repartition).
template <class T>
struct repartition_codec {
  static void add(function_registry& r, const std::string& name) {
    shuffle_codec codec;
    codec.write = [](task_context& ctx, std::any in,
                     const partitioner_spec& spec, std::string_view) {
      auto n = static_cast<std::uint64_t>(spec.num_partitions);
      std::vector<std::vector<T>> buckets(n);
      auto next = splitmix64(static_cast<std::uint64_t>(ctx.partition())) % n;
      for (auto& x : take_records<T>(std::move(in))) {
        buckets[next].push_back(std::move(x));
        next = (next + 1) % n;
      }
      return encode_buckets(buckets);
    };
    codec.read = [](task_context&, const std::vector<bytes>& blocks,
                    std::string_view) {
      std::vector<T> all;
      for_each_in_blocks<T>(blocks, [&](T&& x) { all.push_back(std::move(x)); });
      return std::any{std::move(all)};
    };
    r.add_codec(name, std::move(codec));
  }
};

} // namespace ember::detail
