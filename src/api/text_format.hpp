#pragma once
// How save_as_text_file writes a record as one line: with operator<< if
// the type has one, else with std::format if available (C++20 <format>);
// pairs and tuples as "(a,b)" (as Spark prints tuples), optionals as the
// value or "None".

#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#if defined(__has_include)
#  if __has_include(<format>)
#    include <format>
#  endif
#endif

namespace ember {

template <class T>
concept ostreamable = requires(std::ostream& os, const T& x) { os << x; };

namespace detail {

template <class T>
struct is_tuple_like_record : std::false_type {};
template <class A, class B>
struct is_tuple_like_record<std::pair<A, B>> : std::true_type {};
template <class... Ts>
struct is_tuple_like_record<std::tuple<Ts...>> : std::true_type {};

template <class T>
struct is_optional_record : std::false_type {};
template <class T>
struct is_optional_record<std::optional<T>> : std::true_type {};

#if defined(__cpp_lib_format)
template <class T>
concept std_formattable
  = std::is_default_constructible_v<std::formatter<T, char>>;
#else
template <class T>
concept std_formattable = false;
#endif

template <class>
inline constexpr bool no_text_form = false;

} // namespace detail

/// Writes `x` as text (see above); unsupported types fail to compile.
template <class T>
void write_text(std::ostream& os, const T& x) {
  if constexpr (ostreamable<T>) {
    os << x;
  } else if constexpr (detail::std_formattable<T>) {
#if defined(__cpp_lib_format)
    os << std::format("{}", x);
#endif
  } else if constexpr (detail::is_tuple_like_record<T>::value) {
    os << '(';
    std::apply(
      [&os](const auto&... xs) {
        bool first = true;
        ((os << (first ? "" : ","), write_text(os, xs), first = false), ...);
      },
      x);
    os << ')';
  } else if constexpr (detail::is_optional_record<T>::value) {
    if (x)
      write_text(os, *x);
    else
      os << "None";
  } else {
    static_assert(detail::no_text_form<T>,
                  "ember: save_as_text_file cannot write this record type: "
                  "give it an operator<<(std::ostream&, const T&)");
  }
}

namespace detail {

template <class T>
struct text_writable_trait
  : std::bool_constant<ostreamable<T> || std_formattable<T>> {};

template <class A, class B>
struct text_writable_trait<std::pair<A, B>>
  : std::conjunction<text_writable_trait<A>, text_writable_trait<B>> {};

template <class... Ts>
struct text_writable_trait<std::tuple<Ts...>>
  : std::conjunction<text_writable_trait<Ts>...> {};

template <class T>
struct text_writable_trait<std::optional<T>> : text_writable_trait<T> {};

} // namespace detail

/// Whether write_text accepts T.
template <class T>
concept text_writable = detail::text_writable_trait<T>::value;

/// A record as one line of text.
template <class T>
std::string to_text(const T& x) {
  std::ostringstream os;
  write_text(os, x);
  return os.str();
}

} // namespace ember
