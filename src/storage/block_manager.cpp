#include "storage/block_manager.hpp"

#include "common/config.hpp"
#include "common/logging.hpp"
#include "storage/block_id.hpp"

#include <filesystem>
#include <random>

namespace ember {

namespace {

std::string random_hex(std::size_t digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::random_device rd;
  std::mt19937_64 gen{(static_cast<std::uint64_t>(rd()) << 32) ^ rd()};
  std::uniform_int_distribution<int> dist{0, 15};
  std::string result;
  for (std::size_t i = 0; i < digits; ++i)
    result += hex[dist(gen)];
  return result;
}

const block_manager_options& validated(const block_manager_options& options) {
  if (options.memory_limit < 0)
    throw storage_error("invalid memory limit for the block manager: "
                        + std::to_string(options.memory_limit)
                        + " (must be >= 0)");
  if (options.disk_limit < 0)
    throw storage_error("invalid disk limit for the block manager: "
                        + std::to_string(options.disk_limit)
                        + " (must be >= 0; 0 means no limit)");
  return options;
}

} // namespace

block_manager_options
block_manager_options::from_config(const config& cfg,
                                   const std::string& executor_id) {
  block_manager_options result;
  result.memory_limit = cfg.storage_memory;
  result.disk_limit = cfg.storage_disk;
  if (!cfg.local_dir.empty()) {
    std::string name = "executor-";
    for (char c : executor_id) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '_' || c == '-';
      name += ok ? c : '_';
    }
    result.directory = (std::filesystem::path{cfg.local_dir} / name).string();
  }
  return result;
}

block_manager::dir_info
block_manager::make_directory(const block_manager_options& options,
                              file_system& fs) {
  dir_info result;
  if (!options.directory.empty()) {
    result.path = options.directory;
    result.created = !fs.exists(result.path);
    if (auto err = fs.create_dirs(result.path))
      throw storage_error("cannot create block directory: " + *err);
    return result;
  }
  std::error_code ec;
  auto root = std::filesystem::temp_directory_path(ec);
  if (ec)
    throw storage_error("cannot find the system temp directory for blocks: "
                        + ec.message());
  // A fresh name: never adopt a directory someone else uses.
  constexpr int attempts = 16;
  for (int i = 0; i < attempts; ++i) {
    auto path = (root / ("ember-blockmgr-" + random_hex(16))).string();
    if (fs.exists(path))
      continue;
    if (auto err = fs.create_dirs(path))
      throw storage_error("cannot create block directory: " + *err);
    result.path = std::move(path);
    result.created = true;
    return result;
  }
  throw storage_error("cannot create block directory: no unused name under '"
                      + root.string() + "'");
}

block_manager::block_manager(block_manager_options options)
  : fs_(validated(options).fs ? options.fs : default_file_system()),
    dir_(make_directory(options, *fs_)),
    memory_(options.memory_limit),
    disk_(dir_.path, options.disk_limit, fs_) {
}

block_manager::~block_manager() {
  if (dir_.created) {
    if (auto err = fs_->remove_all(dir_.path))
      logger().warn("block manager: could not remove its directory: {}",
                    *err);
  } else {
    disk_.clear();
  }
}

std::optional<std::string>
block_manager::put(const std::string& id, bytes data, storage_level level) {
  if (auto err = check_block_id(id))
    return err;
  if (!is_valid(level))
    return "invalid storage level " + to_string(level) + " for block '" + id
           + "'";
  auto size = std::to_string(data.size());
  auto no_room_in_memory = [&] {
    return "block '" + id + "' (" + size
           + " bytes) does not fit in the memory store ("
           + std::to_string(memory_.free()) + " of "
           + std::to_string(memory_.limit()) + " bytes free)";
  };
  switch (level) {
    case storage_level::memory_only:
      if (!memory_.put(id, std::move(data)))
        return no_room_in_memory();
      disk_.remove(id);
      return std::nullopt;
    case storage_level::memory_and_disk_ser:
      if (memory_.put(id, data)) {
        disk_.remove(id);
        return std::nullopt;
      }
      if (auto err = disk_.put(id, data))
        return no_room_in_memory() + " and writing it to disk failed: "
               + *err;
      memory_.remove(id);
      return std::nullopt;
    case storage_level::disk_only:
      if (auto err = disk_.put(id, data))
        return "writing block '" + id + "' (" + size
               + " bytes) to disk failed: " + *err;
      memory_.remove(id);
      return std::nullopt;
  }
  return "unhandled storage level"; // unreachable: checked by is_valid
}

std::optional<bytes> block_manager::get(const std::string& id,
                                        std::string* error) const {
  if (error != nullptr)
    error->clear();
  if (auto result = memory_.get(id))
    return result;
  return disk_.get(id, error);
}

bool block_manager::remove(const std::string& id) {
  // Both, although a block is never in both stores.
  bool in_memory = memory_.remove(id);
  bool on_disk = disk_.remove(id);
  return in_memory || on_disk;
}

std::size_t block_manager::remove_prefix(const std::string& prefix) {
  std::size_t n = 0;
  for (auto& id : memory_.ids())
    if (id.rfind(prefix, 0) == 0 && memory_.remove(id))
      ++n;
  for (auto& id : disk_.ids())
    if (id.rfind(prefix, 0) == 0 && disk_.remove(id))
      ++n;
  return n;
}

bool block_manager::contains(const std::string& id) const {
  return memory_.contains(id) || disk_.contains(id);
}

std::optional<storage_level>
block_manager::location(const std::string& id) const {
  if (memory_.contains(id))
    return storage_level::memory_only;
  if (disk_.contains(id))
    return storage_level::disk_only;
  return std::nullopt;
}

} // namespace ember
