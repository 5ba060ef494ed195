#include "storage/disk_store.hpp"

#include "common/logging.hpp"
#include "storage/block_id.hpp"

namespace ember {

disk_store::disk_store(std::string directory, std::int64_t limit,
                       std::shared_ptr<file_system> fs)
  : dir_(std::move(directory)),
    limit_(limit < 0 ? 0 : limit),
    fs_(fs ? std::move(fs) : default_file_system()) {
  while (dir_.size() > 1 && dir_.back() == '/')
    dir_.pop_back();
}

std::string disk_store::path_of(const std::string& id) const {
  return dir_ + "/" + id;
}

std::optional<std::string> disk_store::put(const std::string& id,
                                           const bytes& data) {
  if (auto err = check_block_id(id))
    return err;
  auto size = static_cast<std::int64_t>(data.size());
  if (limit_ > 0) {
    std::int64_t freed = 0;
    if (auto i = blocks_.find(id); i != blocks_.end())
      freed = i->second;
    if (size > limit_ - (used_ - freed))
      return "not enough room in the disk store for block '" + id + "' ("
             + std::to_string(size) + " bytes): "
             + std::to_string(used_ - freed) + " of "
             + std::to_string(limit_) + " bytes in use";
  }
  if (auto err = fs_->write_file(path_of(id), data.view()))
    return err;
  auto [i, added] = blocks_.try_emplace(id, size);
  if (!added) {
    used_ -= i->second;
    i->second = size;
  }
  used_ += size;
  return std::nullopt;
}

std::optional<bytes> disk_store::get(const std::string& id,
                                     std::string* error) const {
  if (error != nullptr)
    error->clear();
  auto i = blocks_.find(id);
  if (i == blocks_.end())
    return std::nullopt;
  std::string buf;
  if (auto err = fs_->read_file(path_of(id), buf)) {
    if (error != nullptr)
      *error = std::move(*err);
    return std::nullopt;
  }
  if (static_cast<std::int64_t>(buf.size()) != i->second) {
    if (error != nullptr)
      *error = "read '" + path_of(id) + "': expected "
               + std::to_string(i->second) + " bytes, found "
               + std::to_string(buf.size());
    return std::nullopt;
  }
  return bytes{std::move(buf)};
}

bool disk_store::remove(const std::string& id) {
  auto i = blocks_.find(id);
  if (i == blocks_.end())
    return false;
  used_ -= i->second;
  blocks_.erase(i);
  if (auto err = fs_->remove_file(path_of(id)))
    logger().warn("disk store: could not delete block file: {}", *err);
  return true;
}

bool disk_store::contains(const std::string& id) const {
  return blocks_.count(id) > 0;
}

void disk_store::clear() {
  for (auto& [id, size] : blocks_)
    if (auto err = fs_->remove_file(path_of(id)))
      logger().warn("disk store: could not delete block file: {}", *err);
  blocks_.clear();
  used_ = 0;
}

} // namespace ember
