#pragma once
// The jobs behind the Dataset API's actions: each action is a lineage job
// with a result function (api/result_ops.hpp) and a driver-side step that
// turns the per-partition results into the action's value. Run on the
// calling thread, or on a thread of its own for the `_async` variants.
// Include api/dataset.hpp instead.

#include "api/context_state.hpp"
#include "api/fn_identity.hpp"
#include "api/plan.hpp"
#include "api/result_ops.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ember {

/// reduce() or first() on a dataset without records (Spark throws
/// UnsupportedOperationException("empty collection")).
class empty_dataset_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail {

/// Usable as a shipped function taking X... (plus the bound argument A).
template <class F, class A, class... X>
inline constexpr bool usable_fn = shippable_function<F>
                                  && callable_with<F, A, X...>;

/// A job and how its result becomes the action's value.
template <class Finish>
struct action {
  job_spec spec;
  Finish finish;

  auto run(const state_ptr& st) && {
    return run_action(st, std::move(spec), std::move(finish));
  }

  auto run_async(const state_ptr& st) && {
    return run_action_async(st, std::move(spec), std::move(finish));
  }
};

template <class Finish>
action(job_spec, Finish) -> action<Finish>;

/// Decodes each partition's value as R.
template <class R>
std::vector<R> decode_values(const job_result& res) {
  std::vector<R> out;
  out.reserve(res.values.size());
  for (auto& v : res.values)
    out.push_back(decode<R>(v.view()));
  return out;
}

/// Concatenates per-partition vectors in partition order.
template <class T>
std::vector<T> concat_values(const job_result& res) {
  std::vector<T> out;
  for (auto& v : res.values) {
    auto part = decode<std::vector<T>>(v.view());
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  }
  return out;
}

/// Checks save_as_text_file's directory (absent or empty) and creates it.
void prepare_output_dir(const std::string& dir);

/// Removes the _temporary dir and marks the output complete (_SUCCESS).
void commit_output_dir(const std::string& dir);

template <class T>
auto collect_action(const plan_ptr& node) {
  return action{
    lineage_job(node, stable_name<collect_result<T>>(), {}, "collect"),
    [](job_result res) { return concat_values<T>(res); }};
}

template <class T>
auto count_action(const plan_ptr& node) {
  return action{lineage_job(node, stable_name<count_result<T>>(), {}, "count"),
                [](job_result res) {
                  std::int64_t n = 0;
                  for (auto c : decode_values<std::int64_t>(res))
                    n += c;
                  return n;
                }};
}

template <class F, class T>
auto reduce_action(const plan_ptr& node) {
  check_shippable<F>();
  static_assert(returns_convertible<T, F, void, T&&, const T&>(),
                "ember: reduce's function must be callable as f(T, T) and "
                "return a T");
  return action{
    lineage_job(node, stable_name<reduce_result<F, T>>(), {}, "reduce"),
    [](job_result res) {
      F f{};
      std::optional<T> acc;
      for (auto& part : decode_values<std::optional<T>>(res))
        if (part)
          acc = acc ? T(std::invoke(f, std::move(*acc), std::as_const(*part)))
                    : std::move(*part);
      if (!acc)
        throw empty_dataset_error("reduce: empty collection");
      return std::move(*acc);
    }};
}

template <class F, class T>
auto fold_action(const plan_ptr& node, T zero) {
  check_shippable<F>();
  static_assert(returns_convertible<T, F, void, T&&, const T&>(),
                "ember: fold's function must be callable as f(T, T) and "
                "return a T");
  auto args = encode(zero);
  return action{
    lineage_job(node, stable_name<fold_result<F, T>>(), std::move(args),
                "fold"),
    [zero = std::move(zero)](job_result res) {
      F f{};
      T acc = zero;
      for (auto& part : decode_values<T>(res))
        acc = T(std::invoke(f, std::move(acc), std::as_const(part)));
      return acc;
    }};
}

template <class T>
auto take_action(const plan_ptr& node, std::int64_t n) {
  if (n < 0)
    throw std::invalid_argument("take: n must be >= 0");
  return action{
    lineage_job(node, stable_name<take_result<T>>(), encode(n), "take"),
    [n](job_result res) {
      auto xs = concat_values<T>(res);
      if (static_cast<std::int64_t>(xs.size()) > n)
        xs.resize(static_cast<std::size_t>(n));
      return xs;
    }};
}

template <class F, class T, class A>
auto foreach_action(const plan_ptr& node, std::string args) {
  check_shippable<F>();
  static_assert(callable_with<F, A, const T&>,
                "ember: foreach's function must be callable with a const T& "
                "(and the bound argument)");
  return action{lineage_job(node, stable_name<foreach_result<F, T, A>>(),
                            std::move(args), "foreach"),
                [](job_result) {}};
}

template <class T>
auto save_action(const plan_ptr& node, const std::string& dir) {
  static_assert(text_writable<T>,
                "ember: save_as_text_file cannot write this record type: "
                "give it an operator<<(std::ostream&, const T&)");
  prepare_output_dir(dir);
  return action{lineage_job(node, stable_name<save_text_result<T>>(),
                            encode(dir), "save_as_text_file"),
                [dir](job_result) { commit_output_dir(dir); }};
}

} // namespace detail

} // namespace ember
