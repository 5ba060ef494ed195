#include "storage/memory_store.hpp"

namespace ember {

memory_store::memory_store(std::int64_t limit)
  : limit_(limit < 0 ? 0 : limit) {
}

bool memory_store::fits(const std::string& id, std::int64_t size) const {
  if (size < 0 || size > limit_)
    return false;
  std::int64_t freed = 0;
  if (auto i = blocks_.find(id); i != blocks_.end())
    freed = static_cast<std::int64_t>(i->second.size());
  // used_ - freed <= limit_ always holds, so this cannot overflow.
  return size <= limit_ - (used_ - freed);
}

bool memory_store::put(const std::string& id, bytes data) {
  auto size = static_cast<std::int64_t>(data.size());
  if (!fits(id, size))
    return false;
  auto [i, added] = blocks_.try_emplace(id, std::move(data));
  // try_emplace leaves `data` untouched if `id` was present.
  if (!added) {
    used_ -= static_cast<std::int64_t>(i->second.size());
    i->second = std::move(data);
  }
  used_ += size;
  return true;
}

std::optional<bytes> memory_store::get(const std::string& id) const {
  if (auto i = blocks_.find(id); i != blocks_.end())
    return i->second;
  return std::nullopt;
}

bool memory_store::remove(const std::string& id) {
  auto i = blocks_.find(id);
  if (i == blocks_.end())
    return false;
  used_ -= static_cast<std::int64_t>(i->second.size());
  blocks_.erase(i);
  return true;
}

bool memory_store::contains(const std::string& id) const {
  return blocks_.count(id) > 0;
}

void memory_store::clear() {
  blocks_.clear();
  used_ = 0;
}

} // namespace ember
