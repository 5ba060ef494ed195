#pragma once
// Which strings are valid block ids.
//
// A block id names a block in every store and is also its file name in the
// disk store, so ids are restricted to a portable file-name alphabet rather
// than escaped: 1 to 200 characters from [A-Za-z0-9_.-], not starting with
// '.' and without ".." (so no id can name a parent directory, and ids stay
// apart from the disk store's hidden temporary files). Spark's ids ("rdd_0_1", "shuffle_0_1_2",
// "broadcast_0_piece0", "taskresult_7") all qualify.

#include "common/ids.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ember {

inline constexpr std::size_t max_block_id_length = 200;

/// std::nullopt if `id` is a valid block id, otherwise the reason, e.g.
/// "invalid block id 'a/b': '/' is not allowed".
std::optional<std::string> check_block_id(std::string_view id);

// -- shuffle blocks (Spark's ShuffleBlockId) -----------------------------------

/// The parts of a shuffle block id.
struct shuffle_block_ref {
  shuffle_id shuffle = -1;
  std::int64_t map_id = -1; // task id of the map task that wrote the block
  int reduce_id = -1;

  friend bool operator==(const shuffle_block_ref&,
                         const shuffle_block_ref&) = default;
};

/// "shuffle_<shuffle>_<map_id>_<reduce_id>". Throws std::invalid_argument
/// if a part is negative.
std::string shuffle_block_id(shuffle_id shuffle, std::int64_t map_id,
                             int reduce_id);

/// The parts of a shuffle block id, or std::nullopt unless `id` is exactly
/// what `shuffle_block_id` writes (decimal, no sign, no leading zeros, in
/// range), so that a parsed id prints back to itself.
std::optional<shuffle_block_ref> parse_shuffle_block_id(std::string_view id);

/// "shuffle_<shuffle>_": every block of the shuffle starts with it (for
/// removing a shuffle's blocks).
std::string shuffle_block_prefix(shuffle_id shuffle);

} // namespace ember
