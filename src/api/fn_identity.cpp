#include "api/fn_identity.hpp"

#include <mutex>
#include <typeindex>

namespace ember {

namespace {

struct name_table {
  std::mutex mtx;
  /// Mangled name -> the types that claimed it, in claim order.
  std::map<std::string, std::vector<std::type_index>, std::less<>> claims;
};

name_table& table() {
  static name_table instance;
  return instance;
}

} // namespace

std::string claim_stable_name(const char* mangled, const std::type_info& type,
                              bool& fresh) {
  auto& t = table();
  std::lock_guard guard{t.mtx};
  auto& types = t.claims[mangled];
  std::size_t i = 0;
  while (i < types.size() && types[i] != std::type_index{type})
    ++i;
  fresh = i == types.size();
  if (fresh)
    types.emplace_back(type);
  std::string result{mangled};
  if (i > 0)
    result += "#" + std::to_string(i + 1);
  return result;
}

} // namespace ember
