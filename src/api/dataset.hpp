#pragma once
// ember::dataset<T>: a typed, partitioned, immutable collection computed
// lazily by Ember (Spark's RDD). Made by an ember::context
// (api/context.hpp); transformations build lineage, actions run jobs.
//
//   ember::context ctx;
//   auto words = ctx.text_file("data/*.txt")
//                  .flat_map([](const std::string& line) { return split(line); });
//   auto counts = words.map([](const std::string& w) { return std::pair{w, 1L}; })
//                   .reduce_by_key(std::plus<long>{});
//   for (auto& [w, n] : counts.collect()) ...
//
// Functions are shipped by type (api/fn_identity.hpp): capture-less
// lambdas, empty function objects, free functions as ember::fn<&f>. State
// goes in as an explicit, serialisable argument after the function:
//   ds.map([](const int& x, const int& k) { return x * k; }, 3);
// Element types must be serialisable with cereal (compile-time check).
// flat_map's function returns a std::vector of results per record.
// Functions that need their task (partition, attempt, accumulators) call
// ember::current_task_context().
//
// Pair datasets (T = std::pair<K, V>) have the operations of
// api/pair_dataset.hpp too. Every action has an `_async` variant returning
// a future_action (a std::future that can cancel its job).

#include "api/actions.hpp"
#include "api/context_state.hpp"
#include "api/fn_identity.hpp"
#include "api/narrow_ops.hpp"
#include "api/plan.hpp"
#include "api/shuffle_ops.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ember {

template <class T>
class dataset;

template <class Self, class T>
struct pair_ops {}; // not a pair dataset: nothing more

} // namespace ember

#include "api/pair_dataset.hpp"

namespace ember {

template <class T>
class dataset : public pair_ops<dataset<T>, T> {
  static_assert(serializable<T>,
                "ember: this element type cannot be serialised with cereal, "
                "so it cannot travel between driver and executors: give it "
                "`template <class Archive> void serialize(Archive&)` (or "
                "save/load) and include the cereal/types/ header of every "
                "standard type it holds");

public:
  using value_type = T;

  /// The number of partitions.
  int partitions() const noexcept {
    return node_->node.num_partitions;
  }

  /// The operation that made it ("map", "reduce_by_key", ...).
  const std::string& name() const noexcept {
    return node_->node.name;
  }

  // -- narrow transformations ---------------------------------------------------

  /// f(const T&) -> R, for every record.
  template <class F>
  auto map(F) const {
    return map_impl<F, void>({});
  }

  /// f(const T&, const A&) -> R, with `arg` shipped along.
  template <class F, class A>
  auto map(F, const A& arg) const {
    return map_impl<F, A>(detail::encode_arg(arg));
  }

  /// The records for which f(const T&) [, arg] is true.
  template <class F>
  dataset filter(F) const {
    return filter_impl<F, void>({});
  }

  template <class F, class A>
  dataset filter(F, const A& arg) const {
    return filter_impl<F, A>(detail::encode_arg(arg));
  }

  /// f(const T&) [, arg] -> std::vector<R>: zero or more results each.
  template <class F>
  auto flat_map(F) const {
    return flat_map_impl<F, void>({});
  }

  template <class F, class A>
  auto flat_map(F, const A& arg) const {
    return flat_map_impl<F, A>(detail::encode_arg(arg));
  }

  /// f(std::vector<T>&&) [, arg] -> std::vector<R>: a whole partition.
  template <class F>
  auto map_partitions(F) const {
    return map_partitions_impl<F, void>({});
  }

  template <class F, class A>
  auto map_partitions(F, const A& arg) const {
    return map_partitions_impl<F, A>(detail::encode_arg(arg));
  }

  /// (f(x), x) for every record x.
  template <class F>
  auto key_by(F) const {
    if constexpr (!detail::usable_fn<F, void, const T&>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, void, const T&>,
                    "ember: key_by's function must be callable with a "
                    "const T&");
      return *this;
    } else {
      using op = detail::key_by_op<F, T>;
      return derive<std::pair<typename op::key, T>>(
        narrow_node(node_, stable_name<op>(), {}, "key_by"));
    }
  }

  /// The records of both, this one's partitions first (no shuffle).
  /// Expects: both from the same context.
  dataset union_with(const dataset& other) const {
    check_same_context(other.state_);
    return derive<T>(union_node({node_, other.node_}, "union"));
  }

  /// A Bernoulli sample keeping each record with probability `fraction`
  /// (in [0, 1]), the same for the same seed: each partition draws from
  /// a generator seeded with `seed` and the task's partition index (which
  /// is this dataset's partition index unless a union lies between the
  /// sample and the job's target).
  dataset sample(double fraction, std::uint64_t seed) const {
    if (!(fraction >= 0 && fraction <= 1))
      throw std::invalid_argument("sample: fraction must be in [0, 1]");
    return derive<T>(narrow_node(
      node_, stable_name<detail::sample_op<T>>(),
      encode(fraction, static_cast<std::int64_t>(seed)), "sample"));
  }

  // -- shuffles -----------------------------------------------------------------

  /// Each distinct record once, hash partitioned by the record (needs
  /// ember::stable_hash and ==). `partitions` 0: as many as this one.
  dataset distinct(int partitions = 0) const {
    return derive<T>(shuffle_node(
      node_, stable_name<detail::distinct_codec<T>>(),
      hash_partitioner{pick(partitions)}.spec(), {}, "distinct"));
  }

  /// The same records in `n` partitions (n >= 1), dealt round-robin.
  dataset repartition(int n) const {
    if (n < 1)
      throw std::invalid_argument("repartition: n must be >= 1");
    return derive<T>(shuffle_node(
      node_, stable_name<detail::repartition_codec<T>>(),
      hash_partitioner{n}.spec(), {}, "repartition"));
  }

  // -- actions ------------------------------------------------------------------

  /// Every record, in partition order.
  std::vector<T> collect() const {
    return detail::collect_action<T>(node_).run(state_);
  }
  auto collect_async() const {
    return detail::collect_action<T>(node_).run_async(state_);
  }

  std::int64_t count() const {
    return detail::count_action<T>(node_).run(state_);
  }
  auto count_async() const {
    return detail::count_action<T>(node_).run_async(state_);
  }

  /// The records combined with f(T, T) -> T (associative and
  /// commutative). Throws empty_dataset_error without records.
  template <class F>
  T reduce(F) const {
    return detail::reduce_action<F, T>(node_).run(state_);
  }
  template <class F>
  auto reduce_async(F) const {
    return detail::reduce_action<F, T>(node_).run_async(state_);
  }

  /// Each partition folded from `zero` with f(T, T) -> T, then the
  /// partitions' results folded from `zero` (Spark's fold).
  template <class F>
  T fold(T zero, F) const {
    return detail::fold_action<F>(node_, std::move(zero)).run(state_);
  }
  template <class F>
  auto fold_async(T zero, F) const {
    return detail::fold_action<F>(node_, std::move(zero)).run_async(state_);
  }

  /// The first `n` records (n >= 0) in partition order. Runs the whole job.
  std::vector<T> take(std::int64_t n) const {
    return detail::take_action<T>(node_, n).run(state_);
  }
  auto take_async(std::int64_t n) const {
    return detail::take_action<T>(node_, n).run_async(state_);
  }

  /// The first record. Throws empty_dataset_error without records.
  T first() const {
    auto xs = take(1);
    if (xs.empty())
      throw empty_dataset_error("first: empty collection");
    return std::move(xs.front());
  }

  /// Calls f(const T&) [, arg] for every record, on the executors.
  template <class F>
  void foreach(F) const {
    detail::foreach_action<F, T, void>(node_, {}).run(state_);
  }
  template <class F, class A>
  void foreach(F, const A& arg) const {
    detail::foreach_action<F, T, A>(node_, detail::encode_arg(arg)).run(state_);
  }
  template <class F>
  auto foreach_async(F) const {
    return detail::foreach_action<F, T, void>(node_, {}).run_async(state_);
  }
  template <class F, class A>
  auto foreach_async(F, const A& arg) const {
    return detail::foreach_action<F, T, A>(node_, detail::encode_arg(arg))
      .run_async(state_);
  }

  /// Writes <dir>/part-00000, part-00001, ... (one file per partition, one
  /// line per record; see api/text_format.hpp) and <dir>/_SUCCESS. Throws
  /// std::invalid_argument if `dir` exists and is not an empty directory.
  void save_as_text_file(const std::string& dir) const {
    detail::save_action<T>(node_, dir).run(state_);
  }
  auto save_as_text_file_async(const std::string& dir) const {
    return detail::save_action<T>(node_, dir).run_async(state_);
  }

private:
  friend class context;
  template <class>
  friend class dataset;
  template <class, class>
  friend struct pair_ops;

  dataset(detail::state_ptr state, plan_ptr node)
    : state_(std::move(state)), node_(std::move(node)) {
  }

  template <class R>
  dataset<R> derive(plan_ptr node) const {
    return dataset<R>{state_, std::move(node)};
  }

  int pick(int partitions) const {
    if (partitions < 0)
      throw std::invalid_argument("the number of partitions must be >= 0");
    return partitions > 0 ? partitions : std::max(1, this->partitions());
  }

  void check_same_context(const detail::state_ptr& other) const {
    if (other != state_)
      throw std::invalid_argument("datasets of different contexts cannot "
                                  "be combined");
  }

  template <class F, class A>
  auto map_impl(std::string args) const {
    if constexpr (!detail::usable_fn<F, A, T&>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, A, T&>,
                    "ember: map's function must be callable with a const T& "
                    "(and the bound argument)");
      return *this;
    } else {
      using op = detail::map_op<F, T, A>;
      return derive<typename op::result>(narrow_node(
        node_, stable_name<op>(), std::move(args), "map"));
    }
  }

  template <class F, class A>
  dataset filter_impl(std::string args) const {
    if constexpr (!detail::usable_fn<F, A, const T&>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, A, const T&>,
                    "ember: filter's function must be callable with a const "
                    "T& (and the bound argument) and return a bool");
      return *this;
    } else {
      return derive<T>(narrow_node(
        node_, stable_name<detail::filter_op<F, T, A>>(), std::move(args),
        "filter"));
    }
  }

  template <class F, class A>
  auto flat_map_impl(std::string args) const {
    if constexpr (!detail::usable_fn<F, A, T&>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, A, T&>,
                    "ember: flat_map's function must be callable with a "
                    "const T& (and the bound argument)");
      return *this;
    } else if constexpr (!detail::is_std_vector<
                           detail::call_result_t<F, A, T&>>::value) {
      static_assert(detail::is_std_vector<detail::call_result_t<F, A, T&>>::value,
                    "ember: flat_map's function must return a std::vector");
      return *this;
    } else {
      using op = detail::flat_map_op<F, T, A>;
      return derive<typename op::result>(narrow_node(
        node_, stable_name<op>(), std::move(args), "flat_map"));
    }
  }

  template <class F, class A>
  auto map_partitions_impl(std::string args) const {
    using in = std::vector<T>&&;
    if constexpr (!detail::usable_fn<F, A, in>) {
      check_shippable<F>();
      static_assert(detail::callable_with<F, A, in>,
                    "ember: map_partitions' function must be callable with a "
                    "std::vector<T>&& (and the bound argument)");
      return *this;
    } else if constexpr (!detail::is_std_vector<
                           detail::call_result_t<F, A, in>>::value) {
      static_assert(detail::is_std_vector<detail::call_result_t<F, A, in>>::value,
                    "ember: map_partitions' function must return a "
                    "std::vector");
      return *this;
    } else {
      using op = detail::map_partitions_op<F, T, A>;
      return derive<typename op::result>(narrow_node(
        node_, stable_name<op>(), std::move(args), "map_partitions"));
    }
  }

  detail::state_ptr state_;
  plan_ptr node_;
};

} // namespace ember
