#pragma once
// Shipping functions to executors by stable identity.
//
// Executors in other processes run the same binary, so a function travels
// as a name registered before `main`, never as a pointer. The Dataset API
// ships *types*: a capture-less lambda or any empty, default-constructible
// function object F is rebuilt on the executor as `F{}`. Free functions
// become such a type with `ember::fn<&f>`:
//
//   ds.map([](const int& x) { return x * 2; });   // a capture-less lambda
//   ds.filter(ember::fn<&is_prime>);              // a free function
//   ds.map(std::negate<int>{});                   // an empty function object
//
// Each operation names its executor-side function after the mangled name of
// a descriptor type (`typeid(op<F, T...>).name()`: operation kind, function
// and element types), registered through `registrar<Op>`, whose static data
// member runs the registration during static initialisation — before main,
// in every process of the binary. Types with internal linkage (lambdas in
// anonymous namespaces or static functions) may share a mangled name across
// translation units; `claim_stable_name` tells them apart by their
// type_info and appends "#2", "#3", ... in static-initialisation order,
// which is the same in every process of one binary.

#include "api/function_registry.hpp"

#include <cereal/archives/binary.hpp>
#include <cereal/details/traits.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace ember {

// -- free functions as shippable types ------------------------------------------

/// An empty function object calling `F` (a function pointer or a pointer
/// to member): a free function's stable identity.
template <auto F>
struct fn_t {
  template <class... Args>
  constexpr decltype(auto) operator()(Args&&... args) const
    noexcept(std::is_nothrow_invocable_v<decltype(F), Args...>) {
    return std::invoke(F, std::forward<Args>(args)...);
  }
};

/// `ds.map(ember::fn<&square>)`.
template <auto F>
inline constexpr fn_t<F> fn{};

// -- what may be shipped ---------------------------------------------------------

/// Rebuildable from its type alone: no state travels with it.
template <class F>
concept shippable_function = std::is_class_v<F> && std::is_empty_v<F>
                             && std::is_default_constructible_v<F>;

/// Fails compilation with a message saying what to do.
template <class F>
constexpr void check_shippable() {
  static_assert(shippable_function<F>,
                "ember: this function cannot be shipped to executors: pass "
                "state as an explicit argument or a broadcast variable (only "
                "capture-less lambdas and empty, default-constructible "
                "function objects are shipped; wrap a free function f as "
                "ember::fn<&f>)");
}

namespace detail {

template <class T>
struct cereal_serializable
  : std::bool_constant<
      cereal::traits::is_output_serializable<T,
                                             cereal::BinaryOutputArchive>::value
      && cereal::traits::is_input_serializable<
        T, cereal::BinaryInputArchive>::value> {};

/// cereal's traits accept a container whatever its elements: look inside.
template <class T>
struct deep_serializable : cereal_serializable<T> {};

template <class A, class B>
struct deep_serializable<std::pair<A, B>>
  : std::conjunction<deep_serializable<std::remove_cv_t<A>>,
                     deep_serializable<B>> {};

template <class... Ts>
struct deep_serializable<std::tuple<Ts...>>
  : std::conjunction<deep_serializable<Ts>...> {};

template <class... Ts>
struct deep_serializable<std::variant<Ts...>>
  : std::conjunction<deep_serializable<Ts>...> {};

template <class T, class A>
struct deep_serializable<std::vector<T, A>> : deep_serializable<T> {};

template <class T>
struct deep_serializable<std::optional<T>> : deep_serializable<T> {};

template <class K, class V, class C, class A>
struct deep_serializable<std::map<K, V, C, A>>
  : std::conjunction<deep_serializable<K>, deep_serializable<V>> {};

template <class K, class V, class H, class E, class A>
struct deep_serializable<std::unordered_map<K, V, H, E, A>>
  : std::conjunction<deep_serializable<K>, deep_serializable<V>> {};

} // namespace detail

/// What cereal can write to and read from Ember's binary archives (looking
/// inside pairs, tuples, variants, vectors, optionals and maps).
template <class T>
concept serializable = detail::deep_serializable<T>::value;

/// Fails compilation with a message saying what to do.
template <class T>
constexpr void check_serializable() {
  static_assert(serializable<T>,
                "ember: this element type cannot be serialised with cereal, "
                "so it cannot travel between driver and executors: give it "
                "`template <class Archive> void serialize(Archive&)` (or "
                "save/load) and include the cereal/types/ header of every "
                "standard type it holds");
}

// -- stable names and their registration -------------------------------------------

/// Claims the executor-side name of the function described by `type`,
/// whose mangled name is `mangled`. The same type always gets the same
/// name; another type with the same mangled name (internal linkage in
/// another translation unit) gets "<mangled>#<n>". `fresh` tells whether
/// the caller must register the function.
std::string claim_stable_name(const char* mangled, const std::type_info& type,
                              bool& fresh);

/// The executor-side function of operation descriptor `Op` (a type with
/// `static void add(function_registry&, const std::string& name)`),
/// registered before main.
template <class Op>
struct registrar {
  /// The registered name; registers on first use.
  static const std::string& name() {
    (void) &done; // odr-use: instantiates `done`, run before main
    static const std::string result = [] {
      bool fresh = false;
      auto n = claim_stable_name(typeid(Op).name(), typeid(Op), fresh);
      if (fresh)
        Op::add(function_registry::global(), n);
      return n;
    }();
    return result;
  }

  /// Initialised during static initialisation in every process.
  static inline const bool done = (name(), true);
};

/// The stable name of operation `Op`, registering it if needed.
template <class Op>
const std::string& stable_name() {
  return registrar<Op>::name();
}

} // namespace ember
