#pragma once
// Which strings are valid block ids.
//
// A block id names a block in every store and is also its file name in the
// disk store, so ids are restricted to a portable file-name alphabet rather
// than escaped: 1 to 200 characters from [A-Za-z0-9_.-], not starting with
// '.' and without ".." (so no id can name a parent directory, and ids stay
// apart from the disk store's hidden temporary files). Spark's ids ("rdd_0_1", "shuffle_0_1_2",
// "broadcast_0_piece0", "taskresult_7") all qualify.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ember {

inline constexpr std::size_t max_block_id_length = 200;

/// std::nullopt if `id` is a valid block id, otherwise the reason, e.g.
/// "invalid block id 'a/b': '/' is not allowed".
std::optional<std::string> check_block_id(std::string_view id);

} // namespace ember
