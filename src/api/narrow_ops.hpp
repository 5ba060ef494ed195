#pragma once
// Executor-side functions of the Dataset API's sources and narrow
// operations: descriptor types whose `add` registers the function under
// the name api/fn_identity.hpp derives from the descriptor's type.
// Partitions are std::vector<T> in a std::any (api/typed_functions.hpp).
//
// A shipped function F is rebuilt as `F{}`; with a bound argument of type
// A (not void), it is called with the argument (decoded once per
// partition) after the record: f(record, arg).

#include "api/current_task.hpp"
#include "api/fn_identity.hpp"
#include "api/typed_functions.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/variant.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ember::detail {

// -- calling shipped functions -----------------------------------------------------

/// F{} with its bound argument (none if A is void).
template <class F, class A>
struct bound {
  F f{};
  A arg;

  explicit bound(std::string_view args) : arg(decode<A>(args)) {
  }

  template <class... X>
  decltype(auto) operator()(X&&... xs) {
    return std::invoke(f, std::forward<X>(xs)..., std::as_const(arg));
  }
};

template <class F>
struct bound<F, void> {
  F f{};

  explicit bound(std::string_view) {
  }

  template <class... X>
  decltype(auto) operator()(X&&... xs) {
    return std::invoke(f, std::forward<X>(xs)...);
  }
};

/// Whether F (with bound argument A; none if void) can be called with X...
template <class F, class A, class... X>
inline constexpr bool callable_with
  = std::is_invocable_v<F&, X..., const A&>;

template <class F, class... X>
inline constexpr bool callable_with<F, void, X...>
  = std::is_invocable_v<F&, X...>;

template <class F, class A, class... X>
struct call_result {
  using type = std::invoke_result_t<F&, X..., const A&>;
};

template <class F, class... X>
struct call_result<F, void, X...> {
  using type = std::invoke_result_t<F&, X...>;
};

/// What it returns, without cv-ref (only if callable_with).
template <class F, class A, class... X>
using call_result_t = std::remove_cvref_t<typename call_result<F, A, X...>::type>;

/// Callable with X... and returning something convertible to R.
template <class R, class F, class A, class... X>
constexpr bool returns_convertible() {
  if constexpr (callable_with<F, A, X...>)
    return std::is_convertible_v<typename call_result<F, A, X...>::type, R>;
  else
    return false;
}

/// Encodes a bound argument (nothing for void).
template <class A>
std::string encode_arg(const A& a) {
  return encode(a);
}

template <class T>
struct is_std_vector : std::false_type {};
template <class T, class Alloc>
struct is_std_vector<std::vector<T, Alloc>> : std::true_type {};

template <class T>
struct is_std_pair : std::false_type {};
template <class K, class V>
struct is_std_pair<std::pair<K, V>> : std::true_type {};

/// Registers `fn` as a narrow function from partitions of In.
template <class In, class Fn>
void add_narrow_on(function_registry& r, const std::string& name, Fn fn) {
  r.add_narrow(name, [fn](task_context&, std::string_view args, std::any in) {
    return std::any{fn(args, take_records<In>(std::move(in)))};
  });
}

// -- sources -------------------------------------------------------------------------

/// A partition encoded as std::vector<T> (parallelize).
template <class T>
struct vector_source {
  static void add(function_registry& r, const std::string& name) {
    r.add_source(name, [](task_context&, std::string_view, std::string_view in) {
      return std::any{decode<std::vector<T>>(in)};
    });
  }
};

/// A slice of an arithmetic progression: (first, count, step).
struct range_source {
  static void add(function_registry& r, const std::string& name) {
    r.add_source(name, [](task_context&, std::string_view, std::string_view in) {
      std::int64_t first = 0;
      std::int64_t count = 0;
      std::int64_t step = 1;
      decode_into(in, first, count, step);
      std::vector<std::int64_t> out;
      out.reserve(static_cast<std::size_t>(count));
      for (std::int64_t i = 0; i < count; ++i)
        out.push_back(first + i * step);
      return std::any{std::move(out)};
    });
  }
};

// -- narrow operations ---------------------------------------------------------------

template <class F, class T, class A>
struct map_op {
  using result = call_result_t<F, A, T&>;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view args, std::vector<T> xs) {
      bound<F, A> f{args};
      std::vector<result> out;
      out.reserve(xs.size());
      for (auto& x : xs)
        out.push_back(f(x));
      return out;
    });
  }
};

template <class F, class T, class A>
struct filter_op {
  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view args, std::vector<T> xs) {
      bound<F, A> f{args};
      std::vector<T> out;
      for (auto& x : xs)
        if (static_cast<bool>(f(std::as_const(x))))
          out.push_back(std::move(x));
      return out;
    });
  }
};

/// f(record) returns a std::vector of results.
template <class F, class T, class A>
struct flat_map_op {
  using result = typename call_result_t<F, A, T&>::value_type;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view args, std::vector<T> xs) {
      bound<F, A> f{args};
      std::vector<result> out;
      for (auto& x : xs) {
        auto ys = f(x);
        out.insert(out.end(), std::make_move_iterator(ys.begin()),
                   std::make_move_iterator(ys.end()));
      }
      return out;
    });
  }
};

/// f(std::vector<T>&&) returns the partition's new records.
template <class F, class T, class A>
struct map_partitions_op {
  using result = typename call_result_t<F, A, std::vector<T>&&>::value_type;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view args, std::vector<T> xs) {
      bound<F, A> f{args};
      return std::vector<result>(f(std::move(xs)));
    });
  }
};

template <class F, class T>
struct key_by_op {
  using key = call_result_t<F, void, const T&>;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view, std::vector<T> xs) {
      F f{};
      std::vector<std::pair<key, T>> out;
      out.reserve(xs.size());
      for (auto& x : xs) {
        auto k = std::invoke(f, std::as_const(x));
        out.emplace_back(std::move(k), std::move(x));
      }
      return out;
    });
  }
};

template <class F, class K, class V, class A>
struct map_values_op {
  using result = call_result_t<F, A, V&>;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<std::pair<K, V>>(
      r, name, [](std::string_view args, std::vector<std::pair<K, V>> xs) {
        bound<F, A> f{args};
        std::vector<std::pair<K, result>> out;
        out.reserve(xs.size());
        for (auto& [k, v] : xs) {
          auto w = f(v);
          out.emplace_back(std::move(k), std::move(w));
        }
        return out;
      });
  }
};

/// Bernoulli sampling; args: (fraction, seed). The generator's seed mixes
/// the seed with the task's partition index.
template <class T>
struct sample_op {
  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<T>(r, name, [](std::string_view args, std::vector<T> xs) {
      double fraction = 0;
      std::int64_t seed = 0;
      decode_into(args, fraction, seed);
      auto* ctx = current_task_context();
      auto p = ctx != nullptr ? ctx->partition() : 0;
      return sample_partition(xs, fraction, sample_seed(seed, p));
    });
  }
};

/// (k, v) -> (k, variant<V, W> holding v at index I): one side of a cogroup.
template <class K, class V, class W, std::size_t I>
struct tag_op {
  using side = std::conditional_t<I == 0, V, W>;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<std::pair<K, side>>(
      r, name, [](std::string_view, std::vector<std::pair<K, side>> xs) {
        std::vector<std::pair<K, std::variant<V, W>>> out;
        out.reserve(xs.size());
        for (auto& [k, x] : xs)
          out.emplace_back(std::move(k), std::variant<V, W>{
                                           std::in_place_index<I>,
                                           std::move(x)});
        return out;
      });
  }
};

/// The cogroup of two pair datasets: each key with its values on each side.
template <class K, class V, class W>
using cogrouped = std::pair<K, std::pair<std::vector<V>, std::vector<W>>>;

/// Cogroups -> inner join pairs (Outer: every left value, with nullopt when
/// the key has no right value).
template <class K, class V, class W, bool Outer>
struct join_op {
  using right = std::conditional_t<Outer, std::optional<W>, W>;
  using result = std::pair<K, std::pair<V, right>>;

  static void add(function_registry& r, const std::string& name) {
    add_narrow_on<cogrouped<K, V, W>>(
      r, name, [](std::string_view, std::vector<cogrouped<K, V, W>> xs) {
        std::vector<result> out;
        for (auto& [k, sides] : xs) {
          auto& [vs, ws] = sides;
          for (auto& v : vs) {
            if constexpr (Outer)
              if (ws.empty())
                out.emplace_back(k, std::pair<V, right>{v, std::nullopt});
            for (auto& w : ws)
              out.emplace_back(k, std::pair<V, right>{v, w});
          }
        }
        return out;
      });
  }
};

// -- function objects the API ships itself -------------------------------------------

struct first_fn {
  template <class P>
  auto operator()(const P& p) const {
    return p.first;
  }
};

struct second_fn {
  template <class P>
  auto operator()(const P& p) const {
    return p.second;
  }
};

struct one_fn {
  template <class X>
  std::int64_t operator()(const X&) const {
    return 1;
  }
};

} // namespace ember::detail
