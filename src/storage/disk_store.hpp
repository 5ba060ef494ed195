#pragma once
// Blocks kept as files in one directory (Spark's DiskStore), through a
// file_system so that tests can inject disk faults.
//
// The file of block `id` is `<directory>/<id>`; ids must pass
// check_block_id, so a file name never leaves the directory. The store
// indexes only blocks it wrote itself; files already in the directory are
// ignored. The directory must exist (the BlockManager creates it).
//
// Not thread-safe: the owner (the BlockManager actor) serialises access.

#include "common/bytes.hpp"
#include "storage/file_system.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ember {

class disk_store {
public:
  /// `limit` is the most bytes of blocks the store keeps on disk; 0 (or
  /// less) means no limit beyond the device's. A null `fs` means
  /// default_file_system().
  disk_store(std::string directory, std::int64_t limit,
             std::shared_ptr<file_system> fs);

  disk_store(const disk_store&) = delete;
  disk_store& operator=(const disk_store&) = delete;

  /// Writes `data` as block `id`, replacing any block with that id. Returns
  /// std::nullopt on success, otherwise the reason: an invalid id, the
  /// limit, or the file system's error (e.g. "write '<path>': No space left
  /// on device"). On failure no partial file is left and a previous block
  /// with this id is unchanged.
  std::optional<std::string> put(const std::string& id, const bytes& data);

  /// Reads block `id`. Returns nullopt if the store has no such block or
  /// reading fails; in the latter case, if `error` is not null, `*error`
  /// receives the reason (and is cleared otherwise). A block that cannot be
  /// read stays indexed: the failure may be transient.
  std::optional<bytes> get(const std::string& id,
                           std::string* error = nullptr) const;

  /// Removes block `id` from the index and deletes its file. Returns false
  /// if there was no such block. A failure to delete the file is logged and
  /// otherwise ignored.
  bool remove(const std::string& id);

  bool contains(const std::string& id) const;

  /// Where block `id` is (or would be) stored. `id` must be valid.
  std::string path_of(const std::string& id) const;

  const std::string& directory() const noexcept {
    return dir_;
  }

  /// Sum of the sizes of all stored blocks.
  std::int64_t used() const noexcept {
    return used_;
  }

  /// 0 means no limit.
  std::int64_t limit() const noexcept {
    return limit_;
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

  /// Removes all blocks and their files.
  void clear();

private:
  std::string dir_;
  std::int64_t limit_;
  std::shared_ptr<file_system> fs_;
  std::int64_t used_ = 0;
  std::unordered_map<std::string, std::int64_t> blocks_; // id -> size
};

} // namespace ember
