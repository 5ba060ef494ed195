#pragma once
// Where the BlockManager keeps a block, as in Spark's StorageLevel (only the
// three levels Ember needs; blocks are always stored serialized).
//
//   memory_only:         in the memory store; the put fails if the block
//                        does not fit.
//   memory_and_disk_ser: in the memory store if it fits, otherwise on disk.
//   disk_only:           on disk.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ember {

enum class storage_level : std::uint8_t {
  memory_only = 0,
  memory_and_disk_ser = 1,
  disk_only = 2,
};

/// Spark's name of the level: "MEMORY_ONLY", "MEMORY_AND_DISK_SER",
/// "DISK_ONLY". Unknown values (e.g. a corrupt message) give "UNKNOWN(<n>)".
inline std::string to_string(storage_level x) {
  switch (x) {
    case storage_level::memory_only:
      return "MEMORY_ONLY";
    case storage_level::memory_and_disk_ser:
      return "MEMORY_AND_DISK_SER";
    case storage_level::disk_only:
      return "DISK_ONLY";
  }
  return "UNKNOWN(" + std::to_string(static_cast<int>(x)) + ")";
}

/// Whether `x` is one of the named levels (a value read from the wire may
/// not be).
inline bool is_valid(storage_level x) noexcept {
  switch (x) {
    case storage_level::memory_only:
    case storage_level::memory_and_disk_ser:
    case storage_level::disk_only:
      return true;
  }
  return false;
}

/// Parses a level name as printed by `to_string`, ignoring ASCII case;
/// nullopt for anything else.
inline std::optional<storage_level>
parse_storage_level(std::string_view text) noexcept {
  auto equals = [](std::string_view x, std::string_view y) {
    if (x.size() != y.size())
      return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      auto lower = [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      };
      if (lower(x[i]) != lower(y[i]))
        return false;
    }
    return true;
  };
  for (auto level : {storage_level::memory_only,
                     storage_level::memory_and_disk_ser,
                     storage_level::disk_only})
    if (equals(text, to_string(level)))
      return level;
  return std::nullopt;
}

} // namespace ember
