// Tests of shuffle block ids (Spark's ShuffleBlockId): the format, parsing
// back only what the format writes, and the per-shuffle prefix.

#include "storage/block_id.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>

using namespace ember;

TEST_CASE("shuffle_block_id writes shuffle_<shuffle>_<map>_<reduce>") {
  CHECK(shuffle_block_id(0, 1, 2) == "shuffle_0_1_2");
  CHECK(shuffle_block_id(12, 1234567890123, 7) == "shuffle_12_1234567890123_7");
  CHECK_FALSE(check_block_id(shuffle_block_id(2147483647, INT64_MAX, 2147483647))
                .has_value());
}

TEST_CASE("shuffle_block_id rejects negative parts") {
  CHECK_THROWS_AS(shuffle_block_id(-1, 1, 2), std::invalid_argument);
  CHECK_THROWS_AS(shuffle_block_id(0, -1, 2), std::invalid_argument);
  CHECK_THROWS_AS(shuffle_block_id(0, 1, -2), std::invalid_argument);
}

TEST_CASE("parse_shuffle_block_id reads back what shuffle_block_id writes") {
  for (auto [s, m, r] : {std::tuple{0, std::int64_t{0}, 0},
                         std::tuple{3, std::int64_t{99}, 12},
                         std::tuple{2147483647, INT64_MAX, 2147483647}}) {
    auto parsed = parse_shuffle_block_id(shuffle_block_id(s, m, r));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == shuffle_block_ref{s, m, r});
  }
}

TEST_CASE("parse_shuffle_block_id rejects anything else") {
  for (const char* id :
       {"", "shuffle_", "shuffle_1", "shuffle_1_2", "shuffle_1_2_", "shuffle_1__3",
        "shuffle_1_2_3_4", "rdd_1_2", "taskresult_7", "shuffle_01_2_3",
        "shuffle_1_02_3", "shuffle_1_2_03", "shuffle_-1_2_3", "shuffle_+1_2_3",
        "shuffle_1_2_3x", "shuffle_a_2_3", "Shuffle_1_2_3", "shuffle_1_2_3 ",
        "shuffle_2147483648_2_3", "shuffle_1_9223372036854775808_3",
        "shuffle_1_2_2147483648"})
    CHECK_MESSAGE(!parse_shuffle_block_id(id).has_value(), id);
}

TEST_CASE("every block of a shuffle starts with its prefix, and only those") {
  CHECK(shuffle_block_prefix(1) == "shuffle_1_");
  auto starts_with = [](const std::string& s, const std::string& p) {
    return s.compare(0, p.size(), p) == 0;
  };
  CHECK(starts_with(shuffle_block_id(1, 5, 6), shuffle_block_prefix(1)));
  CHECK_FALSE(starts_with(shuffle_block_id(11, 5, 6), shuffle_block_prefix(1)));
  CHECK_FALSE(starts_with(shuffle_block_id(2, 1, 6), shuffle_block_prefix(1)));
}
