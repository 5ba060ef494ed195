#pragma once
// An executor's BlockManager (the storage half of Spark's BlockManager):
// named blocks of bytes in a memory store and a disk store.
//
// Each block id lives in at most one of the two stores. `get` looks in
// memory first, then on disk. Putting an existing id replaces the block;
// a failed put changes nothing, neither that block nor any other.
//
// The disk directory is `options.directory`, or, if that is empty, a fresh
// directory "ember-blockmgr-<random>" under the system temp dir. The
// constructor creates it (with missing parents). On destruction the block
// manager deletes the files of the blocks it holds; if it created the
// directory itself (a temp dir, or a configured one that did not exist yet)
// it removes the directory with everything in it.
//
// Not thread-safe: the BlockManager actor serialises access.

#include "common/bytes.hpp"
#include "storage/disk_store.hpp"
#include "storage/file_system.hpp"
#include "storage/memory_store.hpp"
#include "storage/storage_level.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace ember {

struct config;

/// The block manager could not start (e.g. its directory cannot be
/// created). The message says what failed and why.
class storage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct block_manager_options {
  /// Byte limit of the memory store (config::storage_memory).
  std::int64_t memory_limit = std::int64_t{512} << 20;
  /// Byte limit of the disk store; 0 means no limit (config::storage_disk).
  std::int64_t disk_limit = 0;
  /// Directory for disk blocks; empty means a fresh temp dir.
  std::string directory;
  /// The file system of the disk store; null means default_file_system().
  std::shared_ptr<file_system> fs;

  /// Limits from `cfg`. With a configured local_dir the directory is
  /// "<local_dir>/executor-<executor_id>" (characters other than
  /// [A-Za-z0-9_-] in the id become '_'), so that executors sharing a
  /// local_dir never share block files; otherwise a temp dir.
  static block_manager_options from_config(const config& cfg,
                                           const std::string& executor_id);
};

class block_manager {
public:
  /// Creates the disk directory. Throws storage_error if a limit is
  /// negative or the directory cannot be created, e.g. "cannot create block
  /// directory: create directory '/x/y': Permission denied".
  explicit block_manager(block_manager_options options);

  ~block_manager();

  block_manager(const block_manager&) = delete;
  block_manager& operator=(const block_manager&) = delete;

  /// Stores `data` as block `id` at `level`. Returns std::nullopt on
  /// success, otherwise why the block was not stored:
  ///  - an invalid id (see check_block_id) or level;
  ///  - memory_only: the block does not fit in the memory store;
  ///  - memory_and_disk_ser: it does not fit in memory and the disk write
  ///    failed;
  ///  - disk_only: the disk write failed (e.g. "... No space left on
  ///    device").
  /// Memory blocks share `data`'s storage.
  std::optional<std::string> put(const std::string& id, bytes data,
                                 storage_level level);

  /// Block `id`, from memory (sharing the stored storage, no copy) or from
  /// disk. nullopt if there is no such block or its file cannot be read; in
  /// the latter case, if `error` is not null, `*error` receives the reason
  /// (it is cleared otherwise).
  std::optional<bytes> get(const std::string& id,
                           std::string* error = nullptr) const;

  /// Removes block `id` from whichever store holds it; false if none does.
  bool remove(const std::string& id);

  bool contains(const std::string& id) const;

  /// Removes every block whose id starts with `prefix` (e.g. a shuffle's
  /// "shuffle_3_"); returns how many.
  std::size_t remove_prefix(const std::string& prefix);

  /// Where block `id` is: memory_only for the memory store, disk_only for
  /// the disk store; nullopt if absent.
  std::optional<storage_level> location(const std::string& id) const;

  std::int64_t memory_used() const noexcept {
    return memory_.used();
  }

  std::int64_t disk_used() const noexcept {
    return disk_.used();
  }

  std::size_t block_count() const noexcept {
    return memory_.size() + disk_.size();
  }

  /// The directory holding disk blocks.
  const std::string& directory() const noexcept {
    return disk_.directory();
  }

  const memory_store& memory() const noexcept {
    return memory_;
  }

  const disk_store& disk() const noexcept {
    return disk_;
  }

private:
  struct dir_info {
    std::string path;
    bool created = false;
  };

  static dir_info make_directory(const block_manager_options& options,
                                 file_system& fs);

  block_manager(block_manager_options options,
                std::shared_ptr<file_system> fs);

  std::shared_ptr<file_system> fs_;
  dir_info dir_;
  memory_store memory_;
  disk_store disk_;
};

} // namespace ember
