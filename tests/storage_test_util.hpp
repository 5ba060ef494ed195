#pragma once
// Helpers shared by the storage tests: a scratch directory that is removed
// again, and small file utilities.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace ember::storage_test {

/// A fresh directory under the system temp dir, removed on destruction.
class scratch_dir {
public:
  scratch_dir() {
    std::random_device rd;
    auto root = std::filesystem::temp_directory_path();
    do {
      path_ = root / ("ember-storage-test-" + std::to_string(rd()));
    } while (std::filesystem::exists(path_));
    std::filesystem::create_directories(path_);
  }

  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::filesystem::path& path() const {
    return path_;
  }

  /// `path() / name` as a string.
  std::string sub(const std::string& name) const {
    return (path_ / name).string();
  }

private:
  std::filesystem::path path_;
};

/// Names of all entries directly in `dir`, sorted.
inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
  std::vector<std::string> result;
  for (auto& entry : std::filesystem::directory_iterator{dir})
    result.push_back(entry.path().filename().string());
  std::sort(result.begin(), result.end());
  return result;
}

inline void write_text(const std::filesystem::path& path,
                       const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return std::string{std::istreambuf_iterator<char>{in},
                     std::istreambuf_iterator<char>{}};
}

} // namespace ember::storage_test
