#pragma once
// A file_system for tests: forwards to another file_system and fails
// operations on request, to exercise full disks, read errors and flaky
// devices without touching the real device.
//
// An injected failure happens before the wrapped file system is called, so
// a failed write leaves nothing behind (as a real write_file must) and a
// failed remove removes nothing. Error texts follow the file_system format:
// "<operation> '<path>': <reason>". Thread-safe.

#include "storage/file_system.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ember {

class fault_injecting_file_system final : public file_system {
public:
  /// The reason given for injected write failures by default.
  static constexpr std::string_view no_space = "No space left on device";

  /// The reason given for other injected failures by default.
  static constexpr std::string_view io_error = "Input/output error";

  /// Wraps `inner`; a null `inner` means default_file_system().
  explicit fault_injecting_file_system(
    std::shared_ptr<file_system> inner = nullptr);

  /// Every write_file fails with `reason` until `heal()`.
  void fail_writes(std::string reason = std::string{no_space});

  /// Every read_file fails with `reason` until `heal()`.
  void fail_reads(std::string reason = std::string{io_error});

  /// The next `n` operations that can fail (all but `exists`) fail with
  /// `reason`, then operations succeed again.
  void fail_next(std::size_t n, std::string reason = std::string{io_error});

  /// Stops all injected failures.
  void heal();

  /// Operations that failed because of an injected fault so far.
  std::size_t injected_failures() const;

  /// write_file calls so far (failed or not).
  std::size_t writes() const;

  /// read_file calls so far (failed or not).
  std::size_t reads() const;

  std::optional<std::string> write_file(const std::string& path,
                                        std::string_view data) override;

  std::optional<std::string> read_file(const std::string& path,
                                       std::string& out) override;

  std::optional<std::string> remove_file(const std::string& path) override;

  bool exists(const std::string& path) override;

  std::optional<std::string> create_dirs(const std::string& path) override;

  std::optional<std::string> remove_all(const std::string& path) override;

private:
  enum class op { write, read, other };

  // Returns the injected error for an operation, if any, and counts it.
  std::optional<std::string> injected(op kind, std::string_view operation,
                                      const std::string& path);

  std::shared_ptr<file_system> inner_;
  mutable std::mutex mtx_;
  std::optional<std::string> write_failure_;
  std::optional<std::string> read_failure_;
  std::size_t fail_next_count_ = 0;
  std::string fail_next_reason_;
  std::size_t injected_failures_ = 0;
  std::size_t writes_ = 0;
  std::size_t reads_ = 0;
};

} // namespace ember
