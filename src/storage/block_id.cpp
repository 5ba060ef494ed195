#include "storage/block_id.hpp"

#include <charconv>
#include <stdexcept>

namespace ember {

namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

std::string printable(std::string_view id) {
  // Keep error messages on one line and of bounded length.
  constexpr std::size_t max_shown = 64;
  std::string result;
  for (std::size_t i = 0; i < id.size() && i < max_shown; ++i) {
    auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c >= 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      result += "\\x";
      result += hex[c >> 4];
      result += hex[c & 0xf];
    } else {
      result += static_cast<char>(c);
    }
  }
  if (id.size() > max_shown)
    result += "...";
  return result;
}

std::string describe(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7f)
    return "byte " + std::to_string(static_cast<int>(u));
  return std::string{"'"} + c + "'";
}

} // namespace

std::optional<std::string> check_block_id(std::string_view id) {
  auto invalid = [&](const std::string& why) {
    return "invalid block id '" + printable(id) + "': " + why;
  };
  if (id.empty())
    return invalid("the id is empty");
  if (id.size() > max_block_id_length)
    return invalid("longer than " + std::to_string(max_block_id_length)
                   + " characters");
  if (id.front() == '.')
    return invalid("must not start with '.'");
  if (id.find("..") != std::string_view::npos)
    return invalid("\"..\" is not allowed");
  for (char c : id)
    if (!allowed(c))
      return invalid(describe(c)
                     + " is not allowed (use letters, digits, '_', '-', '.')");
  return std::nullopt;
}

// -- shuffle blocks -----------------------------------------------------------

namespace {

// Reads a canonical non-negative decimal (no sign, no leading zeros) from
// the front of `in`, up to `stop` or the end.
template <class Int>
std::optional<Int> take_number(std::string_view& in, char stop) {
  auto end = in.find(stop);
  auto digits = in.substr(0, end);
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0'))
    return std::nullopt;
  Int value{};
  auto [ptr, ec] = std::from_chars(digits.data(),
                                   digits.data() + digits.size(), value);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || value < 0)
    return std::nullopt;
  in.remove_prefix(end == std::string_view::npos ? in.size() : end);
  return value;
}

} // namespace

std::string shuffle_block_id(shuffle_id shuffle, std::int64_t map_id,
                             int reduce_id) {
  if (shuffle < 0 || map_id < 0 || reduce_id < 0)
    throw std::invalid_argument("shuffle_block_id: negative id");
  return shuffle_block_prefix(shuffle) + std::to_string(map_id) + "_"
         + std::to_string(reduce_id);
}

std::optional<shuffle_block_ref> parse_shuffle_block_id(std::string_view id) {
  constexpr std::string_view prefix = "shuffle_";
  if (id.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  id.remove_prefix(prefix.size());
  auto shuffle = take_number<shuffle_id>(id, '_');
  if (!shuffle || id.empty())
    return std::nullopt;
  id.remove_prefix(1);
  auto map_id = take_number<std::int64_t>(id, '_');
  if (!map_id || id.empty())
    return std::nullopt;
  id.remove_prefix(1);
  auto reduce_id = take_number<int>(id, '_');
  if (!reduce_id || !id.empty())
    return std::nullopt;
  return shuffle_block_ref{*shuffle, *map_id, *reduce_id};
}

std::string shuffle_block_prefix(shuffle_id shuffle) {
  return "shuffle_" + std::to_string(shuffle) + "_";
}

} // namespace ember
