#include "storage/testing/fault_injecting_file_system.hpp"

namespace ember {

fault_injecting_file_system::fault_injecting_file_system(
  std::shared_ptr<file_system> inner)
  : inner_(inner ? std::move(inner) : default_file_system()) {
}

void fault_injecting_file_system::fail_writes(std::string reason) {
  std::lock_guard<std::mutex> guard{mtx_};
  write_failure_ = std::move(reason);
}

void fault_injecting_file_system::fail_reads(std::string reason) {
  std::lock_guard<std::mutex> guard{mtx_};
  read_failure_ = std::move(reason);
}

void fault_injecting_file_system::fail_next(std::size_t n,
                                            std::string reason) {
  std::lock_guard<std::mutex> guard{mtx_};
  fail_next_count_ = n;
  fail_next_reason_ = std::move(reason);
}

void fault_injecting_file_system::heal() {
  std::lock_guard<std::mutex> guard{mtx_};
  write_failure_.reset();
  read_failure_.reset();
  fail_next_count_ = 0;
}

std::size_t fault_injecting_file_system::injected_failures() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return injected_failures_;
}

std::size_t fault_injecting_file_system::writes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return writes_;
}

std::size_t fault_injecting_file_system::reads() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return reads_;
}

std::optional<std::string>
fault_injecting_file_system::injected(op kind, std::string_view operation,
                                      const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (kind == op::write)
    ++writes_;
  else if (kind == op::read)
    ++reads_;
  const std::string* reason = nullptr;
  if (fail_next_count_ > 0) {
    --fail_next_count_;
    reason = &fail_next_reason_;
  } else if (kind == op::write && write_failure_) {
    reason = &*write_failure_;
  } else if (kind == op::read && read_failure_) {
    reason = &*read_failure_;
  }
  if (reason == nullptr)
    return std::nullopt;
  ++injected_failures_;
  std::string result{operation};
  result += " '";
  result += path;
  result += "': ";
  result += *reason;
  return result;
}

std::optional<std::string>
fault_injecting_file_system::write_file(const std::string& path,
                                        std::string_view data) {
  if (auto err = injected(op::write, "write", path))
    return err;
  return inner_->write_file(path, data);
}

std::optional<std::string>
fault_injecting_file_system::read_file(const std::string& path,
                                       std::string& out) {
  if (auto err = injected(op::read, "read", path)) {
    out.clear();
    return err;
  }
  return inner_->read_file(path, out);
}

std::optional<std::string>
fault_injecting_file_system::remove_file(const std::string& path) {
  if (auto err = injected(op::other, "remove", path))
    return err;
  return inner_->remove_file(path);
}

bool fault_injecting_file_system::exists(const std::string& path) {
  return inner_->exists(path);
}

std::optional<std::string>
fault_injecting_file_system::create_dirs(const std::string& path) {
  if (auto err = injected(op::other, "create directory", path))
    return err;
  return inner_->create_dirs(path);
}

std::optional<std::string>
fault_injecting_file_system::remove_all(const std::string& path) {
  if (auto err = injected(op::other, "remove directory", path))
    return err;
  return inner_->remove_all(path);
}

} // namespace ember
