#pragma once
// ember::bytes: an immutable, shared, sliceable byte buffer.
//
// Contract: copying a `bytes` shares the storage (no byte is copied), and a
// slice shares the storage of its parent. Result bytes travel from the task
// runner to the driver as `bytes`, so a large result is encoded once and then
// only moved or shared, never copied, inside one process.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ember {

class bytes {
public:
  bytes() = default;

  /// Takes ownership of `buf` without copying it.
  explicit bytes(std::string buf)
    : buf_(std::make_shared<const std::string>(std::move(buf))),
      off_(0),
      len_(buf_->size()) {
  }

  static bytes copy_of(std::string_view sv) {
    return bytes{std::string{sv}};
  }

  const char* data() const noexcept {
    return buf_ ? buf_->data() + off_ : nullptr;
  }

  std::size_t size() const noexcept {
    return len_;
  }

  bool empty() const noexcept {
    return len_ == 0;
  }

  std::string_view view() const noexcept {
    return buf_ ? std::string_view{buf_->data() + off_, len_}
                : std::string_view{};
  }

  /// A sub-range that shares this buffer's storage. Clamps to the end.
  bytes slice(std::size_t offset, std::size_t length) const {
    bytes result;
    if (offset > len_)
      offset = len_;
    if (length > len_ - offset)
      length = len_ - offset;
    result.buf_ = buf_;
    result.off_ = off_ + offset;
    result.len_ = length;
    return result;
  }

  std::string to_string() const {
    return std::string{view()};
  }

  /// Number of `bytes` objects sharing the storage (for tests of the
  /// no-copy rule).
  long use_count() const noexcept {
    return buf_.use_count();
  }

  /// Address of the shared storage (for tests of the no-copy rule).
  const void* storage_id() const noexcept {
    return buf_.get();
  }

  friend bool operator==(const bytes& x, const bytes& y) noexcept {
    return x.view() == y.view();
  }

private:
  std::shared_ptr<const std::string> buf_;
  std::size_t off_ = 0;
  std::size_t len_ = 0;
};

} // namespace ember
