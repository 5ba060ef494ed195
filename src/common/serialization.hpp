#pragma once
// Cereal helpers that write into and read from memory without extra copies.
//
// `encode_into(out, value)` appends the binary encoding of `value` to `out`;
// `decode<T>(view)` reads a `T` back. Both use cereal's portable-size binary
// archives. Decoding malformed input throws `decode_error`, never crashes.

#include <cereal/archives/binary.hpp>

#include <istream>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>

namespace ember {

class decode_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace detail {

/// A streambuf that appends to a std::string it does not own.
class string_append_buf : public std::streambuf {
public:
  explicit string_append_buf(std::string& out) : out_(out) {
  }

protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }

  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof()))
      out_.push_back(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }

private:
  std::string& out_;
};

/// A read-only streambuf over memory it does not own.
class view_buf : public std::streambuf {
public:
  explicit view_buf(std::string_view in) {
    auto* p = const_cast<char*>(in.data());
    setg(p, p, p + in.size());
  }

  std::size_t consumed() const {
    return static_cast<std::size_t>(gptr() - eback());
  }
};

} // namespace detail

/// Appends the binary encoding of `xs...` to `out`.
template <class... Ts>
void encode_into(std::string& out, const Ts&... xs) {
  detail::string_append_buf buf{out};
  std::ostream os{&buf};
  cereal::BinaryOutputArchive ar{os};
  ar(xs...);
}

/// Returns the binary encoding of `xs...`.
template <class... Ts>
std::string encode(const Ts&... xs) {
  std::string out;
  encode_into(out, xs...);
  return out;
}

/// Decodes `xs...` from `in`. Throws `decode_error` on malformed input.
template <class... Ts>
void decode_into(std::string_view in, Ts&... xs) {
  detail::view_buf buf{in};
  std::istream is{&buf};
  try {
    cereal::BinaryInputArchive ar{is};
    ar(xs...);
  } catch (const cereal::Exception& e) {
    throw decode_error(std::string{"malformed input: "} + e.what());
  } catch (const std::bad_alloc&) {
    throw decode_error("malformed input: implausible length");
  } catch (const std::length_error&) {
    throw decode_error("malformed input: implausible length");
  }
}

template <class T>
T decode(std::string_view in) {
  T result{};
  decode_into(in, result);
  return result;
}

} // namespace ember
