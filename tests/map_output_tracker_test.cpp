// Tests of the driver's map output tracker (Spark's MapOutputTrackerMaster):
// registration, loss of outputs and the epoch, availability, and the blocks
// a reducer is told to fetch (or the FetchFailed it must report).

#include "scheduler/map_output_tracker.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace ember;

namespace {

// A status at `executor` on "host-<executor>" with map id 100 + map_index.
map_status out(const std::string& executor, int map_index,
               std::vector<std::int64_t> sizes) {
  return map_status::make(map_output_location{executor, "host-" + executor},
                          100 + map_index, map_index, sizes);
}

// What a status reports for a block of `size` bytes (the compressed form).
std::int64_t approx(std::int64_t size) {
  return decompress_size(compress_size(size));
}

} // namespace

TEST_CASE("a registered shuffle starts with no outputs") {
  map_output_tracker t;
  CHECK_FALSE(t.contains_shuffle(0));
  t.register_shuffle(0, 3, 2);
  CHECK(t.contains_shuffle(0));
  CHECK(t.num_maps(0) == 3);
  CHECK(t.num_reduces(0) == 2);
  CHECK(t.num_available_outputs(0) == 0);
  CHECK_FALSE(t.is_available(0));
  CHECK(t.find_missing_partitions(0) == std::vector<int>{0, 1, 2});
  CHECK(t.statuses(0).size() == 3);
  CHECK(t.epoch() == 0);
}

TEST_CASE("registering a shuffle twice or with negative counts throws") {
  map_output_tracker t;
  t.register_shuffle(0, 1, 1);
  CHECK_THROWS_AS(t.register_shuffle(0, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(t.register_shuffle(1, -1, 1), std::invalid_argument);
  CHECK_THROWS_AS(t.register_shuffle(2, 1, -1), std::invalid_argument);
}

TEST_CASE("a shuffle is available once every map output is registered, and "
          "registering does not change the epoch") {
  map_output_tracker t;
  t.register_shuffle(0, 3, 2);
  t.register_map_output(0, 2, out("a", 2, {1, 1}));
  t.register_map_output(0, 0, out("b", 0, {1, 1}));
  CHECK(t.find_missing_partitions(0) == std::vector<int>{1});
  CHECK_FALSE(t.is_available(0));
  t.register_map_output(0, 1, out("a", 1, {1, 1}));
  CHECK(t.is_available(0));
  CHECK(t.num_available_outputs(0) == 3);
  CHECK(t.find_missing_partitions(0).empty());
  REQUIRE(t.statuses(0)[2].has_value());
  CHECK(t.statuses(0)[2]->executor() == "a");
  CHECK(t.epoch() == 0);
}

TEST_CASE("a newer output replaces the old one without being counted twice") {
  map_output_tracker t;
  t.register_shuffle(0, 2, 1);
  t.register_map_output(0, 0, out("a", 0, {1}));
  t.register_map_output(0, 0, out("b", 0, {1}));
  CHECK(t.num_available_outputs(0) == 1);
  CHECK(t.statuses(0)[0]->executor() == "b");
  // The stale executor's failure does not remove the newer output.
  CHECK_FALSE(t.unregister_map_output(0, 0, "a"));
  CHECK(t.num_available_outputs(0) == 1);
  CHECK(t.epoch() == 0);
}

TEST_CASE("register_map_output rejects unknown shuffles, map indices out of "
          "range and statuses of the wrong width") {
  map_output_tracker t;
  t.register_shuffle(0, 2, 3);
  CHECK_THROWS_AS(t.register_map_output(1, 0, out("a", 0, {1, 1, 1})),
                  std::out_of_range);
  CHECK_THROWS_AS(t.register_map_output(0, 2, out("a", 2, {1, 1, 1})),
                  std::out_of_range);
  CHECK_THROWS_AS(t.register_map_output(0, -1, out("a", 0, {1, 1, 1})),
                  std::out_of_range);
  CHECK_THROWS_AS(t.register_map_output(0, 0, out("a", 0, {1, 1})),
                  std::invalid_argument);
  CHECK(t.num_available_outputs(0) == 0);
}

TEST_CASE("unregister_map_output removes an output at that executor and "
          "increments the epoch") {
  map_output_tracker t;
  t.register_shuffle(0, 2, 1);
  t.register_map_output(0, 0, out("a", 0, {1}));
  t.register_map_output(0, 1, out("b", 1, {1}));
  CHECK_FALSE(t.unregister_map_output(0, 0, "b")); // registered at "a"
  CHECK(t.epoch() == 0);
  CHECK(t.unregister_map_output(0, 0, "a"));
  CHECK(t.epoch() == 1);
  CHECK(t.find_missing_partitions(0) == std::vector<int>{0});
  CHECK_FALSE(t.unregister_map_output(0, 0, "a")); // already gone
  CHECK_FALSE(t.unregister_map_output(7, 0, "a")); // unknown shuffle
  CHECK_FALSE(t.unregister_map_output(0, 9, "a")); // unknown map index
  CHECK(t.epoch() == 1);
}

TEST_CASE("remove_outputs_on_executor removes that executor's outputs in "
          "every shuffle and increments the epoch once") {
  map_output_tracker t;
  t.register_shuffle(0, 3, 1);
  t.register_shuffle(1, 2, 1);
  t.register_map_output(0, 0, out("a", 0, {1}));
  t.register_map_output(0, 1, out("b", 1, {1}));
  t.register_map_output(0, 2, out("a", 2, {1}));
  t.register_map_output(1, 0, out("a", 0, {1}));
  t.register_map_output(1, 1, out("b", 1, {1}));
  CHECK(t.remove_outputs_on_executor("a") == 3);
  CHECK(t.epoch() == 1);
  CHECK(t.find_missing_partitions(0) == std::vector<int>{0, 2});
  CHECK(t.find_missing_partitions(1) == std::vector<int>{0});
  CHECK(t.num_available_outputs(0) == 1);
  CHECK(t.remove_outputs_on_executor("a") == 0);
  CHECK(t.remove_outputs_on_executor("zzz") == 0);
  CHECK(t.epoch() == 1);
}

TEST_CASE("remove_outputs_on_host removes the outputs of every executor on "
          "the host") {
  map_output_tracker t;
  t.register_shuffle(0, 3, 1);
  auto on = [](const std::string& e, const std::string& host, int m) {
    return map_status::make(map_output_location{e, host}, m, m, {1});
  };
  t.register_map_output(0, 0, on("a", "h1", 0));
  t.register_map_output(0, 1, on("b", "h1", 1));
  t.register_map_output(0, 2, on("c", "h2", 2));
  CHECK(t.remove_outputs_on_host("h1") == 2);
  CHECK(t.find_missing_partitions(0) == std::vector<int>{0, 1});
  CHECK(t.epoch() == 1);
}

TEST_CASE("unregister_all_map_outputs empties one shuffle") {
  map_output_tracker t;
  t.register_shuffle(0, 2, 1);
  t.register_shuffle(1, 1, 1);
  t.register_map_output(0, 0, out("a", 0, {1}));
  t.register_map_output(0, 1, out("b", 1, {1}));
  t.register_map_output(1, 0, out("a", 0, {1}));
  CHECK(t.unregister_all_map_outputs(0) == 2);
  CHECK(t.num_available_outputs(0) == 0);
  CHECK(t.is_available(1));
  CHECK(t.epoch() == 1);
  CHECK(t.unregister_all_map_outputs(0) == 0);
  CHECK(t.epoch() == 1);
}

TEST_CASE("increment_epoch increments the epoch") {
  map_output_tracker t;
  t.increment_epoch();
  t.increment_epoch();
  CHECK(t.epoch() == 2);
}

TEST_CASE("an unregistered shuffle is forgotten") {
  map_output_tracker t;
  t.register_shuffle(0, 1, 1);
  t.register_map_output(0, 0, out("a", 0, {1}));
  CHECK(t.unregister_shuffle(0));
  CHECK_FALSE(t.unregister_shuffle(0));
  CHECK_FALSE(t.contains_shuffle(0));
  CHECK(t.num_available_outputs(0) == 0);
  CHECK_FALSE(t.is_available(0));
  CHECK_THROWS_AS(t.statuses(0), std::out_of_range);
  CHECK_THROWS_AS(t.find_missing_partitions(0), std::out_of_range);
  t.register_shuffle(0, 2, 2); // the id may be registered again
  CHECK(t.num_maps(0) == 2);
}

TEST_CASE("map_sizes_by_executor lists the non-empty blocks of a reduce "
          "partition grouped by executor") {
  map_output_tracker t;
  t.register_shuffle(3, 4, 2);
  t.register_map_output(3, 0, out("b", 0, {10, 0}));
  t.register_map_output(3, 1, out("a", 1, {20, 5}));
  t.register_map_output(3, 2, out("b", 2, {30, 6}));
  t.register_map_output(3, 3, out("a", 3, {0, 7}));
  auto blocks = t.map_sizes_by_executor(3, 0);
  REQUIRE(blocks.size() == 3);
  // "b" first (map 0), then "a"; maps ascending within an executor.
  CHECK(blocks[0] == block_to_fetch{"b", "host-b", 100, 0, 0, approx(10)});
  CHECK(blocks[1].executor == "b");
  CHECK(blocks[1].map_index == 2);
  CHECK(blocks[1].map_id == 102);
  CHECK(blocks[1].size == approx(30));
  CHECK(blocks[2].executor == "a");
  CHECK(blocks[2].map_index == 1);
  auto second = t.map_sizes_by_executor(3, 1);
  REQUIRE(second.size() == 3);
  CHECK(second[0].executor == "a");
  CHECK(second[0].map_index == 1);
  CHECK(second[1].map_index == 3);
  CHECK(second[2].executor == "b");
  CHECK(second[2].reduce_id == 1);
}

TEST_CASE("map_sizes_by_executor over a range of reduce partitions") {
  map_output_tracker t;
  t.register_shuffle(0, 2, 3);
  t.register_map_output(0, 0, out("a", 0, {1, 2, 3}));
  t.register_map_output(0, 1, out("a", 1, {0, 5, 6}));
  auto blocks = t.map_sizes_by_executor(0, 1, 3);
  REQUIRE(blocks.size() == 4);
  CHECK(blocks[0].map_index == 0);
  CHECK(blocks[0].reduce_id == 1);
  CHECK(blocks[1].reduce_id == 2);
  CHECK(blocks[2].map_index == 1);
  CHECK(t.map_sizes_by_executor(0, 1, 1).empty());
  CHECK_THROWS_AS(t.map_sizes_by_executor(0, 2, 4), std::out_of_range);
  CHECK_THROWS_AS(t.map_sizes_by_executor(0, 3), std::out_of_range);
}

TEST_CASE("a missing output makes map_sizes_by_executor throw what a "
          "FetchFailed needs") {
  map_output_tracker t;
  t.register_shuffle(5, 3, 4);
  t.register_map_output(5, 0, out("a", 0, {1, 1, 1, 1}));
  t.register_map_output(5, 2, out("a", 2, {1, 1, 1, 1}));
  try {
    t.map_sizes_by_executor(5, 3);
    FAIL("expected missing_map_output_error");
  } catch (const missing_map_output_error& e) {
    CHECK(e.shuffle() == 5);
    CHECK(e.map_index() == 1);
    CHECK(e.reduce_id() == 3);
    auto r = e.to_fetch_failed();
    CHECK(r.shuffle == 5);
    CHECK(r.map_index == 1);
    CHECK(r.reduce_id == 3);
    CHECK(r.map_id == -1);
    CHECK(r.executor.empty());
    CHECK(r.message.find("Missing an output location for shuffle 5")
          != std::string::npos);
  }
}

TEST_CASE("reading an unknown shuffle throws missing_map_output_error with "
          "no map index") {
  map_output_tracker t;
  try {
    t.map_sizes_by_executor(9, 0);
    FAIL("expected missing_map_output_error");
  } catch (const missing_map_output_error& e) {
    CHECK(e.shuffle() == 9);
    CHECK(e.map_index() == -1);
    CHECK(e.reduce_id() == 0);
  }
}

TEST_CASE("locations_with_largest_outputs keeps locations holding at least "
          "the fraction of a reduce partition's bytes") {
  map_output_tracker t;
  t.register_shuffle(0, 4, 1);
  t.register_map_output(0, 0, out("a", 0, {50}));
  t.register_map_output(0, 1, out("b", 1, {10}));
  t.register_map_output(0, 2, out("a", 2, {25}));
  // map 3 missing: skipped
  auto locs = t.locations_with_largest_outputs(0, 0, 0.2);
  REQUIRE(locs.size() == 1);
  CHECK(locs[0] == map_output_location{"a", "host-a"});
  CHECK(t.locations_with_largest_outputs(0, 0, 0.1).size() == 2);
  CHECK(t.locations_with_largest_outputs(1, 0).empty());
}
