#pragma once
// The file operations the disk store needs, behind an interface so that
// tests can inject faults (see storage/testing/fault_injecting_file_system.hpp).
//
// Contract for every implementation:
//  - Operations never throw for I/O problems (std::bad_alloc aside). Those
//    returning `std::optional<std::string>` give std::nullopt on success and
//    a human-readable error otherwise, of the form
//    "<operation> '<path>': <reason>", where <reason> is the system's text
//    for the error (e.g. "No space left on device").
//  - `write_file` is all or nothing: after a failed write no file exists at
//    `path` that was not there before, and a file that was there before is
//    unchanged. A reader never sees a partially written file.
//  - Implementations must be safe to call from several threads at once.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ember {

class file_system {
public:
  virtual ~file_system();

  /// Creates or replaces the file at `path` with `data`.
  virtual std::optional<std::string> write_file(const std::string& path,
                                                std::string_view data) = 0;

  /// Reads the whole file at `path` into `out` (replacing its content).
  /// On failure `out` is left empty.
  virtual std::optional<std::string> read_file(const std::string& path,
                                               std::string& out) = 0;

  /// Removes the file at `path`. Removing a missing file is an error.
  virtual std::optional<std::string> remove_file(const std::string& path) = 0;

  /// Whether anything exists at `path`. Errors count as "does not exist".
  virtual bool exists(const std::string& path) = 0;

  /// Creates the directory `path` and any missing parents. Succeeds if
  /// `path` already is a directory.
  virtual std::optional<std::string> create_dirs(const std::string& path) = 0;

  /// Removes `path` and everything below it. Succeeds if `path` is missing.
  virtual std::optional<std::string> remove_all(const std::string& path) = 0;
};

/// The real file system (POSIX calls and std::filesystem).
///
/// `write_file` writes to a hidden temporary file next to `path` (named
/// ".<file name>.tmp.<pid>.<n>") and renames it into place, so a partial
/// write never appears under `path`. Short writes are retried; a write that
/// makes no progress is reported as "No space left on device". Data is not
/// fsync'ed: blocks do not outlive their process.
class posix_file_system final : public file_system {
public:
  std::optional<std::string> write_file(const std::string& path,
                                        std::string_view data) override;

  std::optional<std::string> read_file(const std::string& path,
                                       std::string& out) override;

  std::optional<std::string> remove_file(const std::string& path) override;

  bool exists(const std::string& path) override;

  std::optional<std::string> create_dirs(const std::string& path) override;

  std::optional<std::string> remove_all(const std::string& path) override;
};

/// A shared posix_file_system.
std::shared_ptr<file_system> default_file_system();

} // namespace ember
