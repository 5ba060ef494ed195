#pragma once
// Typed registration of the functions a lineage names (see
// api/function_registry.hpp). A partition is a std::vector<T> held in a
// std::any; these helpers do the casting, encoding and partitioning.
//
//   register_source<std::string>("lines");
//   register_flat_map<std::string, std::string>("split", &split_words);
//   register_map<std::string, std::pair<std::string, std::int64_t>>(
//     "pair_one", &pair_one);
//   register_combining_shuffle<std::string, std::int64_t>("sum", &add);
//   register_collect<std::pair<std::string, std::int64_t>>("collect_wc");

#include "api/function_registry.hpp"
#include "common/serialization.hpp"
#include "scheduler/partitioner.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <any>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ember {

/// The records of a partition.
template <class T>
std::vector<T> take_records(std::any&& x) {
  if (!x.has_value())
    return {};
  auto* p = std::any_cast<std::vector<T>>(&x);
  if (p == nullptr)
    throw std::runtime_error(std::string{"partition has an unexpected record "
                                         "type; expected "}
                             + typeid(T).name());
  return std::move(*p);
}

/// Decodes a source partition encoded as std::vector<T>.
template <class T>
void register_source(std::string name) {
  function_registry::global().add_source(
    std::move(name), [](task_context&, std::string_view, std::string_view in) {
      return std::any{decode<std::vector<T>>(in)};
    });
}

template <class In, class Out>
void register_map(std::string name, Out (*fn)(const In&)) {
  function_registry::global().add_narrow(
    std::move(name), [fn](task_context&, std::string_view, std::any in) {
      auto xs = take_records<In>(std::move(in));
      std::vector<Out> out;
      out.reserve(xs.size());
      for (auto& x : xs)
        out.push_back(fn(x));
      return std::any{std::move(out)};
    });
}

template <class In, class Out>
void register_flat_map(std::string name,
                       void (*fn)(const In&, std::vector<Out>&)) {
  function_registry::global().add_narrow(
    std::move(name), [fn](task_context&, std::string_view, std::any in) {
      auto xs = take_records<In>(std::move(in));
      std::vector<Out> out;
      for (auto& x : xs)
        fn(x, out);
      return std::any{std::move(out)};
    });
}

template <class T>
void register_filter(std::string name, bool (*fn)(const T&)) {
  function_registry::global().add_narrow(
    std::move(name), [fn](task_context&, std::string_view, std::any in) {
      auto xs = take_records<T>(std::move(in));
      std::vector<T> out;
      for (auto& x : xs)
        if (fn(x))
          out.push_back(std::move(x));
      return std::any{std::move(out)};
    });
}

/// A whole-partition operation.
template <class In, class Out>
void register_map_partitions(std::string name,
                             std::vector<Out> (*fn)(std::vector<In>&&)) {
  function_registry::global().add_narrow(
    std::move(name), [fn](task_context&, std::string_view, std::any in) {
      return std::any{fn(take_records<In>(std::move(in)))};
    });
}

/// Result: the partition's records, encoded as std::vector<T>.
template <class T>
void register_collect(std::string name) {
  function_registry::global().add_result(
    std::move(name),
    [](task_context& ctx, std::string_view, std::any in, std::string& out) {
      auto xs = take_records<T>(std::move(in));
      auto t0 = std::chrono::steady_clock::now();
      encode_into(out, xs);
      ctx.add_serialization_time_ns(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::steady_clock::now() - t0)
          .count());
    });
}

/// Result: the number of records, encoded as std::int64_t.
template <class T>
void register_count(std::string name) {
  function_registry::global().add_result(
    std::move(name),
    [](task_context&, std::string_view, std::any in, std::string& out) {
      encode_into(out, static_cast<std::int64_t>(
                         take_records<T>(std::move(in)).size()));
    });
}

namespace detail {

/// The partition function of `spec` for keys of type K.
template <class K>
std::function<int(const K&)> partition_function(const partitioner_spec& s) {
  if (s.kind == partitioner_kind::range) {
    auto rp = range_partitioner<K>::from_spec(s);
    return [rp = std::move(rp)](const K& k) { return rp.partition(k); };
  }
  hash_partitioner hp{s.num_partitions};
  return [hp](const K& k) { return hp.partition(k); };
}

template <class K>
struct stable_hasher {
  std::size_t operator()(const K& k) const {
    return static_cast<std::size_t>(stable_hash(k));
  }
};

/// Splits (key, value) records into encoded buckets, one per partition.
template <class K, class V>
std::vector<std::string>
write_buckets(std::vector<std::pair<K, V>>&& records,
              const partitioner_spec& spec) {
  auto part = partition_function<K>(spec);
  std::vector<std::vector<std::pair<K, V>>> buckets(
    static_cast<std::size_t>(spec.num_partitions));
  for (auto& kv : records)
    buckets[static_cast<std::size_t>(part(kv.first))].push_back(
      std::move(kv));
  std::vector<std::string> out(buckets.size());
  for (std::size_t r = 0; r < buckets.size(); ++r)
    if (!buckets[r].empty())
      out[r] = encode(buckets[r]);
  return out;
}

} // namespace detail

/// A shuffle of (K, V) records without combining: the reducer gets every
/// record of its partition (in map order).
template <class K, class V>
void register_shuffle(std::string name) {
  shuffle_codec codec;
  codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                   std::string_view) {
    return detail::write_buckets<K, V>(
      take_records<std::pair<K, V>>(std::move(in)), spec);
  };
  using records = std::vector<std::pair<K, V>>;
  auto append = [](records& out, const bytes& b) {
    auto part = decode<records>(b.view());
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  };
  codec.read = [append](task_context&, const std::vector<bytes>& blocks,
                        std::string_view) {
    records out;
    for (auto& b : blocks)
      append(out, b);
    return std::any{std::move(out)};
  };
  codec.begin = [](task_context&, std::string_view) {
    return std::any{records{}};
  };
  codec.add = [append](task_context&, std::any& state, const bytes& b,
                       std::string_view) {
    append(std::any_cast<records&>(state), b);
  };
  codec.finish = [](task_context&, std::any&& state, std::string_view) {
    return std::any{std::move(std::any_cast<records&>(state))};
  };
  function_registry::global().add_codec(std::move(name), std::move(codec));
}

/// A shuffle that combines values by key with `combine`, on the map side
/// (one record per key per map task) and on the reduce side.
template <class K, class V>
void register_combining_shuffle(std::string name,
                                V (*combine)(const V&, const V&)) {
  using table = std::unordered_map<K, V, detail::stable_hasher<K>>;
  auto merge_into = [combine](table& t, std::pair<K, V>&& kv) {
    auto [it, added] = t.try_emplace(std::move(kv.first), kv.second);
    if (!added)
      it->second = combine(it->second, kv.second);
  };
  shuffle_codec codec;
  codec.write = [merge_into](task_context&, std::any in,
                             const partitioner_spec& spec, std::string_view) {
    table t;
    for (auto& kv : take_records<std::pair<K, V>>(std::move(in)))
      merge_into(t, std::move(kv));
    std::vector<std::pair<K, V>> combined;
    combined.reserve(t.size());
    for (auto& kv : t)
      combined.emplace_back(kv.first, std::move(kv.second));
    return detail::write_buckets<K, V>(std::move(combined), spec);
  };
  auto to_records = [](table& t) {
    std::vector<std::pair<K, V>> out;
    out.reserve(t.size());
    for (auto& kv : t)
      out.emplace_back(kv.first, std::move(kv.second));
    return std::any{std::move(out)};
  };
  codec.read = [merge_into, to_records](task_context&,
                                        const std::vector<bytes>& blocks,
                                        std::string_view) {
    table t;
    for (auto& b : blocks)
      for (auto& kv : decode<std::vector<std::pair<K, V>>>(b.view()))
        merge_into(t, std::move(kv));
    return to_records(t);
  };
  codec.begin = [](task_context&, std::string_view) {
    return std::any{table{}};
  };
  codec.add = [merge_into](task_context&, std::any& state, const bytes& b,
                           std::string_view) {
    auto& t = std::any_cast<table&>(state);
    for (auto& kv : decode<std::vector<std::pair<K, V>>>(b.view()))
      merge_into(t, std::move(kv));
  };
  codec.finish = [to_records](task_context&, std::any&& state,
                              std::string_view) {
    return to_records(std::any_cast<table&>(state));
  };
  function_registry::global().add_codec(std::move(name), std::move(codec));
}

/// A shuffle that groups values by key: the reducer gets (K, [V...]).
template <class K, class V>
void register_grouping_shuffle(std::string name) {
  shuffle_codec codec;
  codec.write = [](task_context&, std::any in, const partitioner_spec& spec,
                   std::string_view) {
    return detail::write_buckets<K, V>(
      take_records<std::pair<K, V>>(std::move(in)), spec);
  };
  struct state_type {
    std::unordered_map<K, std::vector<V>, detail::stable_hasher<K>> groups;
    std::vector<K> order; // keys in first-seen order
  };
  auto add_block = [](state_type& st, const bytes& b) {
    for (auto& kv : decode<std::vector<std::pair<K, V>>>(b.view())) {
      auto [it, added] = st.groups.try_emplace(kv.first);
      if (added)
        st.order.push_back(kv.first);
      it->second.push_back(std::move(kv.second));
    }
  };
  auto to_records = [](state_type& st) {
    std::vector<std::pair<K, std::vector<V>>> out;
    out.reserve(st.order.size());
    for (auto& k : st.order)
      out.emplace_back(k, std::move(st.groups[k]));
    return std::any{std::move(out)};
  };
  codec.read = [add_block, to_records](task_context&,
                                       const std::vector<bytes>& blocks,
                                       std::string_view) {
    state_type st;
    for (auto& b : blocks)
      add_block(st, b);
    return to_records(st);
  };
  codec.begin = [](task_context&, std::string_view) {
    return std::any{std::make_shared<state_type>()};
  };
  codec.add = [add_block](task_context&, std::any& state, const bytes& b,
                          std::string_view) {
    add_block(*std::any_cast<std::shared_ptr<state_type>&>(state), b);
  };
  codec.finish = [to_records](task_context&, std::any&& state,
                              std::string_view) {
    return to_records(*std::any_cast<std::shared_ptr<state_type>&>(state));
  };
  function_registry::global().add_codec(std::move(name), std::move(codec));
}

} // namespace ember
