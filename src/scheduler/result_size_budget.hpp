#pragma once
// The running total of a task set's result bytes, checked against
// max_result_size (Spark's TaskSetManager.canFetchMoreResults).
//
// Shared between the task scheduler (which owns the task set) and the
// TaskResultGetter actors (which check it off the scheduler's path), so it
// is thread-safe.

#include <atomic>
#include <cstdint>
#include <string>

namespace ember {

class result_size_budget {
public:
  /// `limit` <= 0 means no limit.
  explicit result_size_budget(std::int64_t limit) : limit_(limit) {
  }

  /// Adds one task's result of `size` bytes. Returns false, and fills
  /// `error` with "Total size of serialized results of N tasks (X) is
  /// bigger than max_result_size (Y)", once the total exceeds the limit.
  bool try_add(std::int64_t size, std::string& error);

  std::int64_t total() const noexcept {
    return total_.load();
  }

  std::int64_t limit() const noexcept {
    return limit_;
  }

private:
  std::int64_t limit_;
  std::atomic<std::int64_t> total_{0};
  std::atomic<std::int64_t> tasks_{0};
};

/// Spark's Utils.bytesToString: "100.0 B", "2.0 KiB", "1024.0 MiB".
std::string format_bytes(std::int64_t size);

} // namespace ember
