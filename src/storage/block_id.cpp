#include "storage/block_id.hpp"

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

} // namespace ember
