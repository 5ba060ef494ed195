#pragma once
// Task functions, registered by name before `main` runs.
//
// Executors in other processes run the same binary, so a task names its
// function by a stable string, never by a pointer. Register with
//
//   EMBER_TASK(pi_sample, &count_hits);   // name "pi_sample"
//
// where the function has one of these shapes (Args, Input and Result are
// types cereal can serialise):
//
//   Result fn(task_context&, const Args&);
//   Result fn(task_context&, const Args&, const Input& partition_input);
//
// The erased form encodes the result straight into the result buffer.

#include "api/task_context.hpp"
#include "common/serialization.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ember {

/// Decodes its inputs, runs, and appends the encoded result to `out`.
using erased_task_fn = std::function<void(
  task_context& ctx, std::string_view args, std::string_view input,
  std::string& out)>;

class task_registry {
public:
  /// The process-wide registry.
  static task_registry& global();

  /// Adds `fn` under `name`; throws std::logic_error on a duplicate name.
  void add(std::string name, erased_task_fn fn);

  /// The function registered as `name`, or nullptr.
  const erased_task_fn* find(std::string_view name) const;

  /// Registered names, sorted.
  std::vector<std::string> names() const;

  /// A digest of the registered names: equal in two processes of the same
  /// binary (FNV-1a, no per-process seed).
  std::uint64_t fingerprint() const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, erased_task_fn, std::less<>> fns_;
};

/// Appends the encoding of `value` to `out`, timing it for the metrics.
template <class T>
void encode_result(task_context& ctx, std::string& out, const T& value) {
  auto t0 = std::chrono::steady_clock::now();
  encode_into(out, value);
  ctx.add_serialization_time_ns(
    std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - t0)
      .count());
}

/// Registers a typed task function; returns true (for static init).
template <class Result, class Args>
bool register_task(std::string name,
                   Result (*fn)(task_context&, const Args&)) {
  task_registry::global().add(
    std::move(name), [fn](task_context& ctx, std::string_view args,
                          std::string_view, std::string& out) {
      auto decoded = decode<Args>(args);
      encode_result(ctx, out, fn(ctx, decoded));
    });
  return true;
}

template <class Result, class Args, class Input>
bool register_task(std::string name,
                   Result (*fn)(task_context&, const Args&, const Input&)) {
  task_registry::global().add(
    std::move(name), [fn](task_context& ctx, std::string_view args,
                          std::string_view input, std::string& out) {
      auto decoded_args = decode<Args>(args);
      auto decoded_input = decode<Input>(input);
      encode_result(ctx, out, fn(ctx, decoded_args, decoded_input));
    });
  return true;
}

/// A digest of `names` (FNV-1a over each name and a separator): the same
/// in every process and on every run.
std::uint64_t fingerprint_of(const std::vector<std::string>& names);

/// Encodes a task binary: 'F', the function's name and its encoded
/// arguments.
std::string encode_task_binary(std::string_view function,
                               std::string_view args);

/// Splits a task binary; throws decode_error if malformed.
void decode_task_binary(std::string_view binary, std::string_view& function,
                        std::string_view& args);

} // namespace ember

#define EMBER_TASK_CONCAT_IMPL(a, b) a##b
#define EMBER_TASK_CONCAT(a, b) EMBER_TASK_CONCAT_IMPL(a, b)

/// Registers `fn` under the name `name` (an identifier) before main.
#define EMBER_TASK(name, fn)                                                  \
  static const bool EMBER_TASK_CONCAT(ember_task_registered_, name)          \
    = ::ember::register_task(#name, fn)
