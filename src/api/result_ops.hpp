#pragma once
// Executor-side result functions of the Dataset API's actions: each turns
// a partition into the task's encoded result (see api/narrow_ops.hpp for
// how descriptors are registered and shipped functions called).

#include "api/narrow_ops.hpp"
#include "api/text_format.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember::detail {

/// Registers `fn(args, records, out)` as a result function on partitions
/// of In, timing it as result serialisation.
template <class In, class Fn>
void add_result_on(function_registry& r, const std::string& name, Fn fn) {
  r.add_result(name, [fn](task_context&, std::string_view args,
                          std::any in, std::string& out) {
    auto xs = take_records<In>(std::move(in));
    fn(args, std::move(xs), out);
  });
}

/// Times an encoding step as result serialisation.
template <class Fn>
void timed_encode(task_context& ctx, Fn fn) {
  auto t0 = std::chrono::steady_clock::now();
  fn();
  ctx.add_serialization_time_ns(
    std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now() - t0)
      .count());
}

/// The partition's records, as std::vector<T>.
template <class T>
struct collect_result {
  static void add(function_registry& r, const std::string& name) {
    r.add_result(name, [](task_context& ctx, std::string_view, std::any in,
                          std::string& out) {
      auto xs = take_records<T>(std::move(in));
      timed_encode(ctx, [&] { encode_into(out, xs); });
    });
  }
};

/// The number of records, as std::int64_t.
template <class T>
struct count_result {
  static void add(function_registry& r, const std::string& name) {
    add_result_on<T>(r, name,
                     [](std::string_view, std::vector<T> xs, std::string& out) {
                       encode_into(out, static_cast<std::int64_t>(xs.size()));
                     });
  }
};

/// The partition reduced with F, as std::optional<T> (empty: nullopt).
template <class F, class T>
struct reduce_result {
  static void add(function_registry& r, const std::string& name) {
    add_result_on<T>(r, name,
                     [](std::string_view, std::vector<T> xs, std::string& out) {
                       F f{};
                       std::optional<T> acc;
                       for (auto& x : xs)
                         acc = acc ? T(std::invoke(f, std::move(*acc), x))
                                   : std::move(x);
                       encode_into(out, acc);
                     });
  }
};

/// The partition folded with F from the zero value in args, as T.
template <class F, class T>
struct fold_result {
  static void add(function_registry& r, const std::string& name) {
    add_result_on<T>(r, name,
                     [](std::string_view args, std::vector<T> xs,
                        std::string& out) {
                       F f{};
                       auto acc = decode<T>(args);
                       for (auto& x : xs)
                         acc = T(std::invoke(f, std::move(acc), x));
                       encode_into(out, acc);
                     });
  }
};

/// The first n records (n in args), as std::vector<T>.
template <class T>
struct take_result {
  static void add(function_registry& r, const std::string& name) {
    add_result_on<T>(r, name,
                     [](std::string_view args, std::vector<T> xs,
                        std::string& out) {
                       auto n = decode<std::int64_t>(args);
                       if (static_cast<std::int64_t>(xs.size()) > n)
                         xs.resize(static_cast<std::size_t>(n));
                       encode_into(out, xs);
                     });
  }
};

/// Calls F on every record; no value.
template <class F, class T, class A>
struct foreach_result {
  static void add(function_registry& r, const std::string& name) {
    add_result_on<T>(r, name,
                     [](std::string_view args, std::vector<T> xs,
                        std::string&) {
                       bound<F, A> f{args};
                       for (auto& x : xs)
                         f(std::as_const(x));
                     });
  }
};

/// Writes the partition as <dir>/part-NNNNN, one line per record; the
/// number of lines as std::int64_t. The file appears at once (written
/// under _temporary/, then renamed), whatever attempts run.
template <class T>
struct save_text_result {
  static void add(function_registry& r, const std::string& name) {
    r.add_result(name, [](task_context& ctx, std::string_view args,
                          std::any in, std::string& out) {
      namespace fs = std::filesystem;
      auto xs = take_records<T>(std::move(in));
      fs::path dir{decode<std::string>(args)};
      char part[32];
      std::snprintf(part, sizeof(part), "part-%05d", ctx.partition());
      auto tmp_dir = dir / "_temporary";
      fs::create_directories(tmp_dir);
      auto tmp = tmp_dir / (std::string{part} + ".attempt-"
                            + std::to_string(ctx.tid()));
      {
        std::ofstream os{tmp, std::ios::binary | std::ios::trunc};
        for (auto& x : xs) {
          write_text(os, x);
          os << '\n';
        }
        os.flush();
        if (!os)
          throw std::runtime_error("save_as_text_file: cannot write "
                                   + tmp.string());
      }
      fs::rename(tmp, dir / part);
      encode_into(out, static_cast<std::int64_t>(xs.size()));
    });
  }
};

/// For sort_by_key's range bounds: (number of records, a reservoir sample
/// of their keys); args: (sample size, seed).
template <class K, class V>
struct key_sample_result {
  static void add(function_registry& r, const std::string& name) {
    r.add_result(name, [](task_context& ctx, std::string_view args,
                          std::any in, std::string& out) {
      auto xs = take_records<std::pair<K, V>>(std::move(in));
      std::int64_t k = 0;
      std::int64_t seed = 0;
      decode_into(args, k, seed);
      std::vector<K> keys;
      keys.reserve(xs.size());
      for (auto& x : xs)
        keys.push_back(std::move(x.first));
      auto sample = reservoir_sample(keys, static_cast<std::size_t>(k),
                                     sample_seed(seed, ctx.partition()));
      encode_into(out, static_cast<std::int64_t>(keys.size()), sample);
    });
  }
};

} // namespace ember::detail
