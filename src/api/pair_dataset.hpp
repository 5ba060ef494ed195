#pragma once
// Operations of pair datasets, dataset<std::pair<K, V>> (Spark's
// PairRDDFunctions). Include api/dataset.hpp (or api/context.hpp).
//
// Keys are hash partitioned with ember::stable_hash (declare ember_hash
// for your own key types), except by sort_by_key, which range partitions
// with operator<. `partitions` 0 means as many partitions as this dataset
// (for joins: as the larger side). Within a reduce partition, keys come in
// the order the reducer first saw them; sort_by_key sorts.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace ember {

template <class Self, class K, class V>
struct pair_ops<Self, std::pair<K, V>> {
  using key_type = K;
  using mapped_type = V;

  /// (k, f(v) [, arg]) for every record (k, v); keeps the partitioning.
  template <class F>
  auto map_values(F) const {
    return map_values_impl<F, void>({});
  }

  template <class F, class A>
  auto map_values(F, const A& arg) const {
    return map_values_impl<F, A>(detail::encode_arg(arg));
  }

  auto keys() const {
    return self().map(detail::first_fn{});
  }

  auto values() const {
    return self().map(detail::second_fn{});
  }

  /// One record per key: its values combined with f(V, V) -> V
  /// (associative and commutative), on the map side too.
  template <class F>
  Self reduce_by_key(F, int partitions = 0) const {
    check_shippable<F>();
    static_assert(detail::returns_convertible<V, F, void, V&&, V&&>(),
                  "ember: reduce_by_key's function must be callable as "
                  "f(V, V) and return a V");
    return shuffled<std::pair<K, V>>(
      self().node_, stable_name<detail::combine_codec<F, K, V>>(), partitions,
      {}, "reduce_by_key");
  }

  /// (k, every value of k) per key; values are not combined on the map
  /// side.
  auto group_by_key(int partitions = 0) const {
    return shuffled<std::pair<K, std::vector<V>>>(
      self().node_, stable_name<detail::group_codec<K, V>>(), partitions, {},
      "group_by_key");
  }

  /// One record per key: its values folded into a U from `zero` with
  /// seq(U, V) -> U within map partitions, the U's merged with
  /// comb(U, U) -> U across them.
  template <class U, class Seq, class Comb>
  auto aggregate_by_key(U zero, Seq, Comb, int partitions = 0) const {
    check_serializable<U>();
    check_shippable<Seq>();
    check_shippable<Comb>();
    static_assert(detail::returns_convertible<U, Seq, void, U&&, V&&>(),
                  "ember: aggregate_by_key's seq must be callable as "
                  "seq(U, V) and return a U");
    static_assert(detail::returns_convertible<U, Comb, void, U&&, U&&>(),
                  "ember: aggregate_by_key's comb must be callable as "
                  "comb(U, U) and return a U");
    return shuffled<std::pair<K, U>>(
      self().node_,
      stable_name<detail::aggregate_codec<Seq, Comb, K, V, U>>(), partitions,
      encode(zero), "aggregate_by_key");
  }

  /// (k, (values of k here, values of k in `other`)) for every key of
  /// either side.
  template <class W>
  auto cogroup(const dataset<std::pair<K, W>>& other,
               int partitions = 0) const {
    const auto& me = self();
    me.check_same_context(other.state_);
    auto n = partitions > 0 ? partitions
                            : std::max(me.pick(0), other.pick(0));
    auto left = narrow_node(
      me.node_, stable_name<detail::tag_op<K, V, W, 0>>(), {}, "cogroup left");
    auto right = narrow_node(
      other.node_, stable_name<detail::tag_op<K, V, W, 1>>(), {},
      "cogroup right");
    auto both = union_node({left, right}, "cogroup inputs");
    return me.template derive<detail::cogrouped<K, V, W>>(shuffle_node(
      both, stable_name<detail::cogroup_codec<K, V, W>>(),
      hash_partitioner{me.pick(n)}.spec(), {}, "cogroup"));
  }

  /// (k, (v, w)) for every v of k here and w of k in `other`.
  template <class W>
  auto join(const dataset<std::pair<K, W>>& other, int partitions = 0) const {
    return flatten<W, false>(cogroup(other, partitions), "join");
  }

  /// (k, (v, w)) as join, plus (k, (v, nullopt)) for every v of a key
  /// that `other` lacks.
  template <class W>
  auto left_outer_join(const dataset<std::pair<K, W>>& other,
                       int partitions = 0) const {
    return flatten<W, true>(cogroup(other, partitions), "left_outer_join");
  }

  /// Sorted by key (operator<): partition i's keys all precede partition
  /// i + 1's. Runs a job at once to sample the keys for the range bounds
  /// (Spark's RangePartitioner); there may be fewer partitions than asked
  /// for when keys repeat.
  Self sort_by_key(bool ascending = true, int partitions = 0) const {
    const auto& me = self();
    auto n = me.pick(partitions);
    std::vector<K> bounds;
    if (n > 1)
      bounds = sample_bounds(n);
    range_partitioner<K> rp{std::move(bounds), ascending};
    return me.template derive<std::pair<K, V>>(shuffle_node(
      me.node_, stable_name<detail::sort_codec<K, V>>(), rp.spec(),
      encode(ascending), "sort_by_key"));
  }

  /// The number of records of each key.
  std::map<K, std::int64_t> count_by_key() const {
    return count_by_key_action().run(self().state_);
  }

  auto count_by_key_async() const {
    return count_by_key_action().run_async(self().state_);
  }

private:
  const Self& self() const {
    return static_cast<const Self&>(*this);
  }

  template <class R>
  dataset<R> shuffled(plan_ptr parent, const std::string& codec,
                      int partitions, std::string codec_args,
                      std::string name) const {
    const auto& me = self();
    return me.template derive<R>(
      shuffle_node(std::move(parent), codec,
                           hash_partitioner{me.pick(partitions)}.spec(),
                           std::move(codec_args), std::move(name)));
  }

  template <class F, class A>
  auto map_values_impl(std::string args) const {
    const auto& me = self();
    if constexpr (!detail::usable_fn<F, A, V&>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, A, V&>,
                    "ember: map_values' function must be callable with a "
                    "const V& (and the bound argument)");
      return me;
    } else {
      using op = detail::map_values_op<F, K, V, A>;
      return me.template derive<std::pair<K, typename op::result>>(
        narrow_node(me.node_, stable_name<op>(), std::move(args),
                            "map_values"));
    }
  }

  template <class W, bool Outer>
  static auto flatten(const dataset<detail::cogrouped<K, V, W>>& groups,
                      std::string name) {
    using op = detail::join_op<K, V, W, Outer>;
    return groups.template derive<typename op::result>(narrow_node(
      groups.node_, stable_name<op>(), {}, std::move(name)));
  }

  /// Range bounds for n partitions from a sample of the keys (Spark's
  /// RangePartitioner: about 20 keys per partition, 3x oversampled, each
  /// weighted by its partition's size over its sample's size).
  std::vector<K> sample_bounds(int n) const {
    const auto& me = self();
    auto sample_size = std::min(20.0 * n, 1e6);
    auto per_partition = static_cast<std::int64_t>(
      std::ceil(3.0 * sample_size / std::max(1, me.partitions())));
    auto seed = static_cast<std::int64_t>(splitmix64(
      static_cast<std::uint64_t>(n)));
    auto spec = lineage_job(me.node_,
                            stable_name<detail::key_sample_result<K, V>>(),
                            encode(per_partition, seed), "sort_by_key sample");
    return detail::action{std::move(spec), [n](job_result res) {
             std::vector<std::pair<K, double>> weighted;
             for (auto& v : res.values) {
               std::int64_t count = 0;
               std::vector<K> keys;
               decode_into(v.view(), count, keys);
               if (keys.empty())
                 continue;
               auto weight = static_cast<double>(count)
                             / static_cast<double>(keys.size());
               for (auto& k : keys)
                 weighted.emplace_back(std::move(k), weight);
             }
             return compute_weighted_range_bounds(std::move(weighted), n);
           }}
      .run(me.state_);
  }

  auto count_by_key_action() const {
    using counted = std::pair<K, std::int64_t>;
    auto counts = map_values(detail::one_fn{})
                    .reduce_by_key(std::plus<std::int64_t>{});
    return detail::action{
      lineage_job(counts.node_, stable_name<detail::collect_result<counted>>(),
                  {}, "count_by_key"),
      [](job_result res) {
        auto xs = detail::concat_values<counted>(res);
        return std::map<K, std::int64_t>(xs.begin(), xs.end());
      }};
  }
};

} // namespace ember
