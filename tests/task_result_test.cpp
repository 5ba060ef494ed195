// Tests of task results on the wire (direct and indirect, as in Spark's
// DirectTaskResult / IndirectTaskResult), their decoding of malformed input,
// and the max_result_size budget with Spark's byte formatting.

#include "scheduler/result_size_budget.hpp"
#include "scheduler/task_result.hpp"

#include "common/serialization.hpp"

#include <doctest/doctest.h>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace ember;

namespace {

constexpr std::size_t header_size = 1 + sizeof(std::uint64_t);

task_metrics sample_metrics() {
  task_metrics m;
  m.executor_deserialize_time_ns = 11;
  m.executor_run_time_ns = 2222;
  m.result_serialization_time_ns = 333;
  m.result_size = 4444;
  m.path = result_path::indirect;
  return m;
}

std::vector<accumulator_update> sample_updates() {
  return {{1, 10}, {2, -5}, {7, 1'000'000'000'000}};
}

// A direct result whose value is `value`, with the sample trailer.
std::string make_direct(std::string_view value) {
  direct_result_writer w;
  w.value_buffer().append(value);
  return std::move(w).finish(sample_updates(), sample_metrics());
}

// A payload with a direct header claiming `claimed` value bytes, followed
// by `rest`.
std::string direct_header(std::uint64_t claimed, std::string_view rest) {
  std::string out(header_size, '\0');
  out[0] = direct_result_tag;
  std::memcpy(out.data() + 1, &claimed, sizeof(claimed));
  out.append(rest);
  return out;
}

void check_sample_trailer(const direct_task_result& r) {
  CHECK(r.accum_updates == sample_updates());
  CHECK(r.metrics.executor_deserialize_time_ns == 11);
  CHECK(r.metrics.executor_run_time_ns == 2222);
  CHECK(r.metrics.result_serialization_time_ns == 333);
  CHECK(r.metrics.result_size == 4444);
  CHECK(r.metrics.path == result_path::indirect);
}

} // namespace

// -- direct results -----------------------------------------------------------

TEST_CASE("direct result round trip with accumulator updates and metrics") {
  // The task runner encodes its value straight into the result buffer.
  std::vector<std::string> value{"alpha", "beta", std::string(300, 'g')};
  direct_result_writer w;
  encode_into(w.value_buffer(), value);
  auto encoded_value_size = w.value_buffer().size() - header_size;
  bytes payload{std::move(w).finish(sample_updates(), sample_metrics())};
  REQUIRE(result_kind(payload) == direct_result_tag);

  auto r = decode_direct_result(payload);
  CHECK(r.value.size() == encoded_value_size);
  CHECK(decode<std::vector<std::string>>(r.value.view()) == value);
  check_sample_trailer(r);
}

TEST_CASE("the decoded value shares the storage of the encoded result") {
  bytes payload{make_direct(std::string(100'000, 'v'))};
  auto r = decode_direct_result(payload);
  CHECK(r.value.storage_id() == payload.storage_id());
  CHECK(r.value.data() == payload.data() + header_size);
  CHECK(r.value.size() == 100'000);
  CHECK(r.value.view() == std::string(100'000, 'v'));
  CHECK(payload.use_count() == 2);

  SUBCASE("also when the payload is itself a slice") {
    std::string framed = "envelope" + make_direct("xyz") + "more";
    bytes frame{std::move(framed)};
    auto inner = frame.slice(8, frame.size() - 8 - 4);
    auto r2 = decode_direct_result(inner);
    CHECK(r2.value.view() == "xyz");
    CHECK(r2.value.storage_id() == frame.storage_id());
    check_sample_trailer(r2);
  }
}

TEST_CASE("direct results with empty or binary values") {
  SUBCASE("empty value, empty trailer") {
    direct_result_writer w;
    bytes payload{std::move(w).finish({}, {})};
    auto r = decode_direct_result(payload);
    CHECK(r.value.empty());
    CHECK(r.accum_updates.empty());
    CHECK(r.metrics.result_size == 0);
    CHECK(r.metrics.path == result_path::direct);
  }
  SUBCASE("value with zero bytes and tag-like bytes") {
    std::string value{"\0D\0I\xff", 5};
    auto r = decode_direct_result(bytes{make_direct(value)});
    CHECK(r.value.view() == value);
    check_sample_trailer(r);
  }
}

TEST_CASE("result_kind reads the first byte only") {
  CHECK_FALSE(result_kind(bytes{}).has_value());
  CHECK_FALSE(result_kind(bytes{std::string{"X"}}).has_value());
  CHECK_FALSE(result_kind(bytes{std::string{"d"}}).has_value());
  CHECK(result_kind(bytes{std::string{"D"}}) == 'D');
  CHECK(result_kind(bytes{std::string{"Igarbage"}}) == 'I');
  CHECK(result_kind(bytes{make_direct("v")}) == direct_result_tag);
  CHECK(result_kind(bytes{encode_indirect_result({"b", 1})})
        == indirect_result_tag);
  // A slice is judged by its own first byte.
  bytes x{std::string{"XD"}};
  CHECK(result_kind(x.slice(1, 1)) == 'D');
  CHECK_FALSE(result_kind(x.slice(2, 1)).has_value());
}

// -- indirect results ---------------------------------------------------------

TEST_CASE("indirect result round trip") {
  indirect_task_result in{task_result_block_id(42), 5'000'000'000};
  CHECK(in.block_id == "taskresult_42");
  bytes payload{encode_indirect_result(in)};
  REQUIRE(result_kind(payload) == indirect_result_tag);
  auto out = decode_indirect_result(payload);
  CHECK(out.block_id == "taskresult_42");
  CHECK(out.size == 5'000'000'000);

  SUBCASE("a dropped result has an empty block id") {
    auto dropped
      = decode_indirect_result(bytes{encode_indirect_result({"", 77})});
    CHECK(dropped.block_id.empty());
    CHECK(dropped.size == 77);
  }
}

TEST_CASE("task_result_block_id") {
  CHECK(task_result_block_id(0) == "taskresult_0");
  CHECK(task_result_block_id(123456789012) == "taskresult_123456789012");
}

// -- malformed input ----------------------------------------------------------

TEST_CASE("malformed direct results throw decode_error") {
  CHECK_THROWS_AS(decode_direct_result(bytes{}), decode_error);
  CHECK_THROWS_AS(decode_direct_result(bytes{std::string{"D"}}),
                  decode_error);
  CHECK_THROWS_AS(decode_direct_result(bytes{std::string{"D1234567"}}),
                  decode_error);
  SUBCASE("bad tag") {
    auto good = make_direct("value");
    for (char tag : {'I', 'X', '\0', 'd'}) {
      auto bad = good;
      bad[0] = tag;
      CHECK_THROWS_AS(decode_direct_result(bytes{bad}), decode_error);
    }
    CHECK_THROWS_AS(
      decode_direct_result(bytes{encode_indirect_result({"b", 1})}),
      decode_error);
  }
  SUBCASE("value size larger than the payload") {
    CHECK_THROWS_AS(decode_direct_result(bytes{direct_header(11, "0123456789")}),
                    decode_error);
    CHECK_THROWS_AS(
      decode_direct_result(bytes{direct_header(UINT64_MAX, "0123456789")}),
      decode_error);
    CHECK_THROWS_AS(
      decode_direct_result(bytes{direct_header(UINT64_MAX - 5, "x")}),
      decode_error);
  }
  SUBCASE("value size leaving no trailer") {
    CHECK_THROWS_AS(decode_direct_result(bytes{direct_header(10, "0123456789")}),
                    decode_error);
  }
  SUBCASE("every truncation") {
    auto good = make_direct("some value");
    REQUIRE_NOTHROW(decode_direct_result(bytes{good}));
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      CHECK_THROWS_AS(decode_direct_result(bytes{good.substr(0, n)}),
                      decode_error);
    }
  }
  SUBCASE("implausible number of accumulator updates") {
    // A count the bytes present cannot hold is rejected before cereal
    // allocates room for it.
    for (std::uint64_t count : {UINT64_MAX, std::uint64_t{1} << 40,
                                std::uint64_t{1} << 24, std::uint64_t{5}}) {
      CAPTURE(count);
      std::string trailer(sizeof(count), '\0');
      std::memcpy(trailer.data(), &count, sizeof(count));
      trailer.append(64, '\x01');
      CHECK_THROWS_AS(decode_direct_result(bytes{direct_header(0, trailer)}),
                      decode_error);
    }
  }
  SUBCASE("corrupted bytes decode or throw decode_error, nothing else") {
    auto good = make_direct("some value");
    auto count_at = header_size + 10; // accumulator count: tested above
    for (std::size_t i = 0; i < good.size(); ++i) {
      if (i >= count_at && i < count_at + 8)
        continue;
      for (unsigned char v : {0x00, 0x01, 0x7f, 0xff}) {
        auto bad = good;
        bad[i] = static_cast<char>(v);
        try {
          auto r = decode_direct_result(bytes{bad});
          CHECK(r.value.size() <= bad.size());
        } catch (const decode_error&) {
          // fine
        }
      }
    }
  }
}

TEST_CASE("malformed indirect results throw decode_error") {
  CHECK_THROWS_AS(decode_indirect_result(bytes{}), decode_error);
  CHECK_THROWS_AS(decode_indirect_result(bytes{std::string{"I"}}),
                  decode_error);
  CHECK_THROWS_AS(decode_indirect_result(bytes{make_direct("v")}),
                  decode_error);
  auto good = encode_indirect_result({"taskresult_7", 99});
  SUBCASE("bad tag") {
    auto bad = good;
    bad[0] = 'D';
    CHECK_THROWS_AS(decode_indirect_result(bytes{bad}), decode_error);
  }
  SUBCASE("every truncation") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      CAPTURE(n);
      CHECK_THROWS_AS(decode_indirect_result(bytes{good.substr(0, n)}),
                      decode_error);
    }
  }
  SUBCASE("implausible block id length") {
    std::string bad(1, indirect_result_tag);
    bad.append(8, '\xff');
    bad.append("taskresult_7");
    CHECK_THROWS_AS(decode_indirect_result(bytes{bad}), decode_error);
  }
}

// -- result size budget -------------------------------------------------------

TEST_CASE("format_bytes follows Spark's Utils.bytesToString") {
  CHECK(format_bytes(0) == "0.0 B");
  CHECK(format_bytes(100) == "100.0 B");
  CHECK(format_bytes(2047) == "2047.0 B");
  CHECK(format_bytes(2048) == "2.0 KiB");
  CHECK(format_bytes(2100) == "2.1 KiB");
  CHECK(format_bytes(1 << 20) == "1024.0 KiB");
  CHECK(format_bytes(2 << 20) == "2.0 MiB");
  CHECK(format_bytes(std::int64_t{1} << 30) == "1024.0 MiB");
  CHECK(format_bytes(std::int64_t{7} << 29) == "3.5 GiB");
  CHECK(format_bytes(std::int64_t{2} << 40) == "2.0 TiB");
  CHECK(format_bytes(std::int64_t{3} << 50) == "3.0 PiB");
  CHECK(format_bytes(std::int64_t{4} << 60) == "4.0 EiB");
  CHECK(format_bytes(INT64_MAX) == "8.0 EiB");
  // Spark formats a BigDecimal with "%.1f", which rounds half up.
  CHECK(format_bytes(2304) == "2.3 KiB");            // 2.25 KiB
  CHECK(format_bytes(std::int64_t{9} << 28) == "2.3 GiB"); // 2.25 GiB
}

TEST_CASE("result_size_budget aborts once the total exceeds the limit") {
  auto gib = std::int64_t{1} << 30;
  auto mib = std::int64_t{1} << 20;
  result_size_budget budget{gib};
  CHECK(budget.limit() == gib);
  std::string error;
  CHECK(budget.try_add(512 * mib, error));
  CHECK(budget.try_add(256 * mib, error));
  CHECK(error.empty());
  CHECK(budget.total() == 768 * mib);
  CHECK_FALSE(budget.try_add(512 * mib, error));
  CHECK(error
        == "Total size of serialized results of 3 tasks (1280.0 MiB) is "
           "bigger than max_result_size (1024.0 MiB)");
  CHECK(budget.total() == 1280 * mib);
}

TEST_CASE("result_size_budget: reaching the limit exactly is allowed") {
  result_size_budget budget{2048};
  std::string error;
  CHECK(budget.try_add(1000, error));
  CHECK(budget.try_add(1048, error));
  CHECK(error.empty());
  CHECK_FALSE(budget.try_add(100, error));
  CHECK(error
        == "Total size of serialized results of 3 tasks (2.1 KiB) is bigger "
           "than max_result_size (2.0 KiB)");
  // Small sizes are in bytes.
  result_size_budget tiny{100};
  CHECK_FALSE(tiny.try_add(101, error));
  CHECK(error
        == "Total size of serialized results of 1 tasks (101.0 B) is bigger "
           "than max_result_size (100.0 B)");
}

TEST_CASE("result_size_budget: limit 0 means unlimited") {
  result_size_budget budget{0};
  std::string error;
  for (int i = 0; i < 10; ++i)
    CHECK(budget.try_add(std::int64_t{1} << 40, error));
  CHECK(error.empty());
  CHECK(budget.total() == std::int64_t{10} << 40);
  result_size_budget negative{-1};
  CHECK(negative.try_add(std::int64_t{1} << 50, error));
  CHECK(error.empty());
}
