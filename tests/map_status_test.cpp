// Tests of map statuses (Spark's MapStatus): size compression, the choice
// between the compressed and highly compressed forms, what each form reports
// per block, and the wire encoding (small, validated).

#include "scheduler/map_status.hpp"

#include "common/serialization.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace ember;

namespace {

constexpr std::int64_t mib = 1024 * 1024;

map_output_location loc(const char* executor = "1", const char* host = "h1") {
  return map_output_location{executor, host};
}

bool within_10_percent(std::int64_t actual, std::int64_t expected) {
  return std::abs(static_cast<double>(actual - expected))
         <= 0.1 * static_cast<double>(expected);
}

} // namespace

TEST_CASE("compress_size and decompress_size follow Spark's formula") {
  CHECK(compress_size(0) == 0);
  CHECK(compress_size(1) == 1);
  CHECK(compress_size(2) == 8);      // ceil(ln 2 / ln 1.1) = ceil(7.27)
  CHECK(compress_size(1000) == 73);  // ceil(72.48)
  CHECK(compress_size(-5) == 0);
  CHECK(compress_size(std::int64_t{1} << 62) == 255);
  CHECK(decompress_size(0) == 0);
  CHECK(decompress_size(1) == 1);
  CHECK(decompress_size(8) == 2);    // (long) 1.1^8 = (long) 2.14
  CHECK(decompress_size(73) == static_cast<std::int64_t>(std::pow(1.1, 73)));
  CHECK(decompress_size(255) == static_cast<std::int64_t>(std::pow(1.1, 255)));
}

TEST_CASE("a compressed size round-trips within 10%") {
  auto limit = static_cast<double>(decompress_size(255));
  for (double s = 1; s <= limit; s = s * 1.037 + 1) {
    auto size = static_cast<std::int64_t>(s);
    auto back = decompress_size(compress_size(size));
    CHECK_MESSAGE(within_10_percent(back, size), "size ", size, " -> ", back);
    CHECK(back > 0);
  }
}

TEST_CASE("up to 2000 partitions use one byte each, above that the highly "
          "compressed form") {
  CHECK_FALSE(map_status::make(loc(), 1, 0, std::vector<std::int64_t>(2000, 7))
                .is_highly_compressed());
  CHECK(map_status::make(loc(), 1, 0, std::vector<std::int64_t>(2001, 7))
          .is_highly_compressed());
  map_status_options opts;
  opts.min_partitions_to_highly_compress = 10;
  CHECK(map_status::make(loc(), 1, 0, std::vector<std::int64_t>(11, 7), opts)
          .is_highly_compressed());
}

TEST_CASE("the compressed form reports each block within 10%, empty as 0") {
  std::vector<std::int64_t> sizes{0, 1, 2, 100, 12345, 0, 7 * mib, 0};
  auto st = map_status::make(loc("exec-3", "host-3"), 42, 5, sizes);
  REQUIRE(st.num_partitions() == 8);
  CHECK(st.executor() == "exec-3");
  CHECK(st.host() == "host-3");
  CHECK(st.map_id() == 42);
  CHECK(st.map_index() == 5);
  for (int r = 0; r < 8; ++r) {
    auto expected = sizes[static_cast<std::size_t>(r)];
    if (expected == 0)
      CHECK(st.size_for_block(r) == 0);
    else
      CHECK(within_10_percent(st.size_for_block(r), expected));
  }
}

TEST_CASE("the highly compressed form: empty blocks are 0, huge blocks keep "
          "their size, the others report the average") {
  std::vector<std::int64_t> sizes(3000, 0);
  sizes[10] = 100;
  sizes[20] = 300;
  sizes[30] = 200 * mib; // >= 100 MiB: huge
  sizes[40] = 100 * mib; // exactly the threshold: huge (Spark: size < t is small)
  auto st = map_status::make(loc(), 1, 0, sizes);
  REQUIRE(st.is_highly_compressed());
  CHECK(st.size_for_block(0) == 0);
  CHECK(st.size_for_block(2999) == 0);
  CHECK(st.size_for_block(10) == 200);
  CHECK(st.size_for_block(20) == 200);
  CHECK(within_10_percent(st.size_for_block(30), 200 * mib));
  CHECK(within_10_percent(st.size_for_block(40), 100 * mib));
}

TEST_CASE("a non-empty block never reports 0") {
  std::vector<std::int64_t> sizes(2500, 0);
  for (std::size_t i = 0; i < sizes.size(); i += 3)
    sizes[i] = 1;
  auto st = map_status::make(loc(), 1, 0, sizes);
  REQUIRE(st.is_highly_compressed());
  for (int r = 0; r < 2500; ++r)
    CHECK((st.size_for_block(r) > 0) == (sizes[static_cast<std::size_t>(r)] > 0));
  auto small = map_status::make(loc(), 1, 0, {1, 0, 1});
  CHECK(small.size_for_block(0) == 1);
  CHECK(small.size_for_block(2) == 1);
}

TEST_CASE("with a skew factor, blocks far above the median keep their size") {
  std::vector<std::int64_t> sizes(2100, 1000);
  sizes[7] = 50000; // 50x the median, far below 100 MiB
  map_status_options opts;
  opts.accurate_block_skewed_factor = 5;
  opts.max_accurate_skewed_block_number = 1;
  auto skewed = map_status::make(loc(), 1, 0, sizes, opts);
  CHECK(within_10_percent(skewed.size_for_block(7), 50000));
  CHECK(skewed.size_for_block(8) == 1000);
  auto plain = map_status::make(loc(), 1, 0, sizes);
  CHECK(plain.size_for_block(7) == plain.size_for_block(8)); // the average
}

TEST_CASE("size_for_block rejects reduce ids out of range") {
  auto st = map_status::make(loc(), 1, 0, {1, 2, 3});
  CHECK_THROWS_AS(st.size_for_block(-1), std::out_of_range);
  CHECK_THROWS_AS(st.size_for_block(3), std::out_of_range);
  auto big = map_status::make(loc(), 1, 0, std::vector<std::int64_t>(2001, 1));
  CHECK_THROWS_AS(big.size_for_block(2001), std::out_of_range);
}

TEST_CASE("make rejects negative sizes") {
  CHECK_THROWS_AS(map_status::make(loc(), 1, 0, {1, -1}),
                  std::invalid_argument);
}

TEST_CASE("both forms round-trip through encode and decode") {
  std::mt19937_64 gen{7};
  for (std::size_t n : {0u, 1u, 17u, 2000u, 2001u, 5000u, 65536u}) {
    std::vector<std::int64_t> sizes(n);
    for (auto& s : sizes)
      s = gen() % 3 == 0 ? 0 : static_cast<std::int64_t>(gen() % (300 * mib));
    auto st = map_status::make(loc("e", "h"), 99, 3, sizes);
    auto back = map_status::decode(st.encode());
    CHECK(back == st);
    for (int r = 0; r < static_cast<int>(n); r += 97)
      CHECK(back.size_for_block(r) == st.size_for_block(r));
  }
}

TEST_CASE("a map status travels inside other values as a task's result") {
  std::vector<map_status> xs{map_status::make(loc("a", "x"), 1, 0, {5, 0}),
                             map_status::make(loc("b", "y"), 2, 1,
                                              std::vector<std::int64_t>(3000, 9))};
  auto back = decode<std::vector<map_status>>(encode(xs));
  CHECK(back == xs);
}

TEST_CASE("a mostly empty status of 10000 partitions encodes to far fewer "
          "than 10000 bytes") {
  std::vector<std::int64_t> sizes(10000, 0);
  for (std::size_t i = 0; i < sizes.size(); i += 1000)
    sizes[i] = 4096;
  auto mostly_empty = map_status::make(loc(), 1, 0, sizes);
  CHECK(mostly_empty.encode().size() < 200);
  // Even an irregular pattern stays within the raw bitmap (10000 bits).
  std::mt19937_64 gen{3};
  for (auto& s : sizes)
    s = gen() % 2 == 0 ? 0 : 100;
  CHECK(map_status::make(loc(), 1, 0, sizes).encode().size() < 1400);
  // All non-empty: a single run.
  std::vector<std::int64_t> full(10000, 100);
  CHECK(map_status::make(loc(), 1, 0, full).encode().size() < 100);
}

TEST_CASE("malformed encodings throw decode_error") {
  std::vector<std::int64_t> sizes(3000, 0);
  sizes[5] = 200 * mib;
  sizes[6] = 10;
  for (const auto& st : {map_status::make(loc(), 1, 0, sizes),
                         map_status::make(loc(), 1, 0, {1, 2, 3})}) {
    auto bytes = st.encode();
    for (std::size_t n = 0; n < bytes.size(); ++n)
      CHECK_THROWS_AS(map_status::decode(bytes.substr(0, n)), decode_error);
  }
  CHECK_THROWS_AS(map_status::decode(std::string(64, '\xff')), decode_error);
  // A consistent-looking header whose partition count disagrees with the
  // sizes that follow.
  auto bad = encode(map_output_location{"e", "h"}, std::int64_t{1}, 0, 5,
                    false, std::vector<std::uint8_t>{1, 2});
  CHECK_THROWS_AS(map_status::decode(bad), decode_error);
}
