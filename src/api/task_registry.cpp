#include "api/task_registry.hpp"

#include <cstring>
#include <stdexcept>

namespace ember {

task_registry& task_registry::global() {
  static task_registry instance;
  return instance;
}

void task_registry::add(std::string name, erased_task_fn fn) {
  std::lock_guard guard{mtx_};
  auto [it, added] = fns_.emplace(std::move(name), std::move(fn));
  if (!added)
    throw std::logic_error("task function '" + it->first
                           + "' is registered twice");
}

const erased_task_fn* task_registry::find(std::string_view name) const {
  std::lock_guard guard{mtx_};
  auto it = fns_.find(name);
  return it == fns_.end() ? nullptr : &it->second;
}

std::vector<std::string> task_registry::names() const {
  std::lock_guard guard{mtx_};
  std::vector<std::string> result;
  for (auto& kv : fns_)
    result.push_back(kv.first);
  return result;
}

std::uint64_t task_registry::fingerprint() const {
  return fingerprint_of(names());
}

std::uint64_t fingerprint_of(const std::vector<std::string>& names) {
  std::uint64_t h = 1469598103934665603ull;
  for (auto& name : names) {
    for (unsigned char c : name) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  }
  return h;
}

std::string encode_task_binary(std::string_view function,
                               std::string_view args) {
  std::uint32_t len = static_cast<std::uint32_t>(function.size());
  std::string out;
  out.reserve(1 + sizeof(len) + function.size() + args.size());
  out.push_back('F');
  out.append(reinterpret_cast<const char*>(&len), sizeof(len));
  out.append(function);
  out.append(args);
  return out;
}

void decode_task_binary(std::string_view binary, std::string_view& function,
                        std::string_view& args) {
  std::uint32_t len = 0;
  if (binary.empty() || binary[0] != 'F')
    throw decode_error("not a task-function binary");
  binary.remove_prefix(1);
  if (binary.size() < sizeof(len))
    throw decode_error("task binary too short");
  std::memcpy(&len, binary.data(), sizeof(len));
  if (len > binary.size() - sizeof(len))
    throw decode_error("task binary: function name exceeds the binary");
  function = binary.substr(sizeof(len), len);
  args = binary.substr(sizeof(len) + len);
}

} // namespace ember
