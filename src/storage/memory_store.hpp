#pragma once
// Blocks kept in memory, with a byte limit (Spark's MemoryStore, without
// eviction).
//
// A stored block is the caller's `bytes` itself: put and get share storage
// and never copy block content. A block's size is `data.size()`; a block
// that is a slice of a larger buffer keeps that whole buffer alive, but only
// the slice counts towards the limit.
//
// Not thread-safe: the owner (the BlockManager actor) serialises access.

#include "common/bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ember {

class memory_store {
public:
  /// `limit` is the most bytes the store holds; values below 0 count as 0.
  explicit memory_store(std::int64_t limit);

  memory_store(const memory_store&) = delete;
  memory_store& operator=(const memory_store&) = delete;

  /// Stores `data` under `id`, replacing any block with that id. Returns
  /// false, and changes nothing, if the store would then hold more than
  /// `limit()` bytes. (The replaced block's bytes count as free.)
  bool put(const std::string& id, bytes data);

  /// The block stored under `id`, sharing its storage; nullopt if none.
  std::optional<bytes> get(const std::string& id) const;

  /// Removes the block; false if there was none.
  bool remove(const std::string& id);

  bool contains(const std::string& id) const;

  /// Whether a block of `size` bytes stored under `id` would fit.
  bool fits(const std::string& id, std::int64_t size) const;

  /// Sum of the sizes of all stored blocks.
  std::int64_t used() const noexcept {
    return used_;
  }

  std::int64_t limit() const noexcept {
    return limit_;
  }

  std::int64_t free() const noexcept {
    return limit_ - used_;
  }

  /// Number of stored blocks.
  /// The ids of every stored block, in no particular order.
  std::vector<std::string> ids() const {
    std::vector<std::string> result;
    result.reserve(blocks_.size());
    for (auto& kv : blocks_)
      result.push_back(kv.first);
    return result;
  }

  std::size_t size() const noexcept {
    return blocks_.size();
  }

  /// Removes all blocks.
  void clear();

private:
  std::int64_t limit_;
  std::int64_t used_ = 0;
  std::unordered_map<std::string, bytes> blocks_;
};

} // namespace ember
