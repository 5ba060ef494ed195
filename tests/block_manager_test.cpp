#include "storage/block_manager.hpp"
#include "storage/storage_level.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"

#include "common/config.hpp"

#include "storage_test_util.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

using ember::block_manager;
using ember::block_manager_options;
using ember::bytes;
using ember::fault_injecting_file_system;
using ember::storage_error;
using ember::storage_level;
using ember::storage_test::list_dir;
using ember::storage_test::scratch_dir;
using ember::storage_test::write_text;

namespace fs = std::filesystem;

namespace {

bool contains_text(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bytes text(std::string s) {
  return bytes{std::move(s)};
}

block_manager_options
options_in(const scratch_dir& dir, std::int64_t memory_limit,
           std::shared_ptr<ember::file_system> fs = nullptr) {
  block_manager_options result;
  result.memory_limit = memory_limit;
  result.directory = dir.sub("blocks");
  result.fs = std::move(fs);
  return result;
}

constexpr storage_level all_levels[] = {storage_level::memory_only,
                                        storage_level::memory_and_disk_ser,
                                        storage_level::disk_only};

} // namespace

// -- storage_level ------------------------------------------------------------

TEST_CASE("storage_level: names round-trip through parse") {
  CHECK(to_string(storage_level::memory_only) == "MEMORY_ONLY");
  CHECK(to_string(storage_level::memory_and_disk_ser)
        == "MEMORY_AND_DISK_SER");
  CHECK(to_string(storage_level::disk_only) == "DISK_ONLY");
  for (auto level : all_levels)
    CHECK(ember::parse_storage_level(to_string(level)) == level);
  CHECK(ember::parse_storage_level("disk_only") == storage_level::disk_only);
}

TEST_CASE("storage_level: unknown names and values") {
  CHECK_FALSE(ember::parse_storage_level("MEMORY_AND_DISK"));
  CHECK_FALSE(ember::parse_storage_level(""));
  auto bogus = static_cast<storage_level>(9);
  CHECK_FALSE(ember::is_valid(bogus));
  CHECK(to_string(bogus) == "UNKNOWN(9)");
}

// -- put / get / remove / contains per level ----------------------------------

TEST_CASE("block_manager: put, get, contains, remove at every level") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 1000)};
  for (auto level : all_levels) {
    CAPTURE(to_string(level));
    auto id = "block_" + std::to_string(static_cast<int>(level));
    CHECK_FALSE(bm.put(id, text("payload " + id), level));
    CHECK(bm.contains(id));
    auto got = bm.get(id);
    REQUIRE(got);
    CHECK(got->view() == "payload " + id);
    CHECK(bm.remove(id));
    CHECK_FALSE(bm.contains(id));
    CHECK_FALSE(bm.get(id));
    CHECK_FALSE(bm.remove(id));
  }
  CHECK(bm.block_count() == 0);
  CHECK(bm.memory_used() == 0);
  CHECK(bm.disk_used() == 0);
  CHECK(list_dir(bm.directory()).empty());
}

TEST_CASE("block_manager: each level stores where it should") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 1000)};
  CHECK_FALSE(bm.put("m", text("12345"), storage_level::memory_only));
  CHECK_FALSE(bm.put("md", text("123"), storage_level::memory_and_disk_ser));
  CHECK_FALSE(bm.put("d", text("1234567"), storage_level::disk_only));
  CHECK(bm.location("m") == storage_level::memory_only);
  CHECK(bm.location("md") == storage_level::memory_only);
  CHECK(bm.location("d") == storage_level::disk_only);
  CHECK(bm.memory_used() == 8);
  CHECK(bm.disk_used() == 7);
  CHECK(bm.block_count() == 3);
  CHECK(list_dir(bm.directory()) == std::vector<std::string>{"d"});
  CHECK_FALSE(bm.location("none"));
}

TEST_CASE("block_manager: a memory block is returned without a copy") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 1 << 20)};
  bytes data{std::string(100000, 'q')};
  auto id = data.storage_id();
  CHECK_FALSE(bm.put("m", data, storage_level::memory_only));
  CHECK_FALSE(bm.put("md", data, storage_level::memory_and_disk_ser));
  CHECK(bm.get("m")->storage_id() == id);
  CHECK(bm.get("md")->storage_id() == id);
}

TEST_CASE("block_manager: the memory limit is respected") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 10)};
  CHECK_FALSE(bm.put("a", text(std::string(6, 'a')),
                     storage_level::memory_only));
  CHECK(bm.put("b", text(std::string(5, 'b')), storage_level::memory_only));
  CHECK(bm.memory_used() == 6);
  CHECK(bm.memory_used() <= bm.memory().limit());
}

TEST_CASE("block_manager: MEMORY_ONLY too big for memory is an error") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 10)};
  CHECK_FALSE(bm.put("small", text("abc"), storage_level::memory_only));
  auto err = bm.put("big", text(std::string(20, 'x')),
                    storage_level::memory_only);
  REQUIRE(err);
  CHECK(contains_text(*err, "block 'big' (20 bytes) does not fit in the "
                            "memory store (7 of 10 bytes free)"));
  CHECK_FALSE(bm.contains("big"));
  CHECK(bm.get("small")->view() == "abc");
  CHECK(bm.block_count() == 1);
  CHECK(list_dir(bm.directory()).empty());
}

TEST_CASE("block_manager: MEMORY_AND_DISK_SER spills to disk when full") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 10)};
  CHECK_FALSE(bm.put("a", text(std::string(8, 'a')),
                     storage_level::memory_and_disk_ser));
  CHECK_FALSE(bm.put("b", text(std::string(8, 'b')),
                     storage_level::memory_and_disk_ser));
  CHECK(bm.location("a") == storage_level::memory_only);
  CHECK(bm.location("b") == storage_level::disk_only);
  CHECK(bm.memory_used() == 8);
  CHECK(bm.disk_used() == 8);
  CHECK(bm.get("b")->view() == std::string(8, 'b'));
  CHECK(fs::exists(fs::path{bm.directory()} / "b"));
  CHECK(bm.remove("b"));
  CHECK_FALSE(fs::exists(fs::path{bm.directory()} / "b"));
}

TEST_CASE("block_manager: overwriting moves a block between stores") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 100)};
  CHECK_FALSE(bm.put("x", text("in memory"), storage_level::memory_only));
  CHECK_FALSE(bm.put("x", text("on disk"), storage_level::disk_only));
  CHECK(bm.location("x") == storage_level::disk_only);
  CHECK(bm.memory_used() == 0);
  CHECK(bm.get("x")->view() == "on disk");
  CHECK(bm.block_count() == 1);
  CHECK_FALSE(bm.put("x", text("back"), storage_level::memory_and_disk_ser));
  CHECK(bm.location("x") == storage_level::memory_only);
  CHECK(bm.disk_used() == 0);
  CHECK(list_dir(bm.directory()).empty());
  CHECK(bm.get("x")->view() == "back");
  CHECK(bm.block_count() == 1);
}

TEST_CASE("block_manager: a failed overwrite keeps the old block") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 10)};
  CHECK_FALSE(bm.put("x", text("old"), storage_level::memory_only));
  CHECK(bm.put("x", text(std::string(50, 'n')), storage_level::memory_only));
  CHECK(bm.get("x")->view() == "old");
  CHECK(bm.memory_used() == 3);
}

// -- faults -------------------------------------------------------------------

TEST_CASE("block_manager: a full disk gives a clear error, others intact") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  block_manager bm{options_in(dir, 10, faults)};
  CHECK_FALSE(bm.put("mem", text("m"), storage_level::memory_only));
  CHECK_FALSE(bm.put("disk", text("d"), storage_level::disk_only));
  faults->fail_writes();
  auto err = bm.put("new", text(std::string(100, 'x')),
                    storage_level::disk_only);
  REQUIRE(err);
  CHECK(contains_text(*err, "writing block 'new' (100 bytes) to disk failed"));
  CHECK(contains_text(*err, "No space left on device"));
  CHECK_FALSE(bm.contains("new"));
  CHECK(list_dir(bm.directory()) == std::vector<std::string>{"disk"});
  CHECK(bm.get("mem")->view() == "m");
  CHECK(bm.get("disk")->view() == "d");
  CHECK(bm.block_count() == 2);
}

TEST_CASE("block_manager: MEMORY_AND_DISK_SER with memory and disk full") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  block_manager bm{options_in(dir, 10, faults)};
  CHECK_FALSE(bm.put("kept", text(std::string(9, 'k')),
                     storage_level::memory_and_disk_ser));
  faults->fail_writes();
  auto err = bm.put("new", text(std::string(5, 'n')),
                    storage_level::memory_and_disk_ser);
  REQUIRE(err);
  CHECK(contains_text(*err, "does not fit in the memory store"));
  CHECK(contains_text(*err, "writing it to disk failed"));
  CHECK(contains_text(*err, "No space left on device"));
  CHECK_FALSE(bm.contains("new"));
  CHECK(list_dir(bm.directory()).empty());
  CHECK(bm.get("kept")->view() == std::string(9, 'k'));
}

TEST_CASE("block_manager: a disk read failure is reported by get") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  block_manager bm{options_in(dir, 10, faults)};
  CHECK_FALSE(bm.put("d", text("data"), storage_level::disk_only));
  CHECK_FALSE(bm.put("m", text("mem"), storage_level::memory_only));
  faults->fail_reads();
  std::string error;
  CHECK_FALSE(bm.get("d", &error));
  CHECK(contains_text(error, "Input/output error"));
  // Memory blocks need no read.
  CHECK(bm.get("m", &error)->view() == "mem");
  CHECK(error.empty());
  CHECK_FALSE(bm.get("missing", &error));
  CHECK(error.empty());
}

TEST_CASE("block_manager: bad block ids are rejected at every level") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 1000)};
  for (auto level : all_levels) {
    CAPTURE(to_string(level));
    for (auto id : {"../x", "a/b", "", ".."}) {
      auto err = bm.put(id, text("x"), level);
      REQUIRE_MESSAGE(err, id);
      CHECK(contains_text(*err, "invalid block id"));
    }
  }
  CHECK(bm.block_count() == 0);
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"blocks"});
  CHECK(list_dir(bm.directory()).empty());
}

TEST_CASE("block_manager: an invalid storage level is rejected") {
  scratch_dir dir;
  block_manager bm{options_in(dir, 1000)};
  auto err = bm.put("a", text("x"), static_cast<storage_level>(42));
  REQUIRE(err);
  CHECK(contains_text(*err, "invalid storage level UNKNOWN(42)"));
  CHECK_FALSE(bm.contains("a"));
}

// -- directory life cycle -----------------------------------------------------

TEST_CASE("block_manager: a temp dir is created and removed on destruction") {
  std::string path;
  {
    block_manager_options opts;
    opts.memory_limit = 4;
    block_manager bm{opts};
    path = bm.directory();
    CHECK(fs::is_directory(path));
    CHECK(fs::path{path}.parent_path() == fs::temp_directory_path());
    CHECK(contains_text(fs::path{path}.filename().string(), "ember-blockmgr-"));
    CHECK_FALSE(bm.put("spilled", text("0123456789"),
                       storage_level::memory_and_disk_ser));
    CHECK(bm.location("spilled") == storage_level::disk_only);
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("block_manager: two temp dirs are distinct") {
  block_manager a{block_manager_options{}};
  block_manager b{block_manager_options{}};
  CHECK(a.directory() != b.directory());
}

TEST_CASE("block_manager: a configured dir it created is removed") {
  scratch_dir dir;
  auto path = dir.sub("new/blocks");
  {
    block_manager_options opts;
    opts.directory = path;
    block_manager bm{opts};
    CHECK(fs::is_directory(path));
    CHECK_FALSE(bm.put("d", text("x"), storage_level::disk_only));
  }
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::exists(dir.sub("new")));
}

TEST_CASE("block_manager: an existing dir is kept, only its blocks go") {
  scratch_dir dir;
  write_text(dir.path() / "unrelated", "keep me");
  {
    block_manager_options opts;
    opts.directory = dir.path().string();
    block_manager bm{opts};
    CHECK_FALSE(bm.put("d1", text("x"), storage_level::disk_only));
    CHECK_FALSE(bm.put("d2", text("y"), storage_level::disk_only));
    CHECK(list_dir(dir.path())
          == std::vector<std::string>{"d1", "d2", "unrelated"});
  }
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"unrelated"});
}

TEST_CASE("block_manager: an uncreatable directory throws a clear error") {
  scratch_dir dir;
  write_text(dir.path() / "file", "x");
  block_manager_options opts;
  opts.directory = dir.sub("file/blocks");
  try {
    block_manager bm{opts};
    FAIL("constructor should throw");
  } catch (const storage_error& ex) {
    std::string what = ex.what();
    CHECK(contains_text(what, "cannot create block directory"));
    CHECK(contains_text(what, opts.directory));
    CHECK(contains_text(what, "Not a directory"));
  }
}

TEST_CASE("block_manager: a failing create_dirs throws with its reason") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  faults->fail_next(1, "Permission denied");
  auto opts = options_in(dir, 10, faults);
  CHECK_THROWS_WITH_AS(block_manager{opts},
                       doctest::Contains("Permission denied"), storage_error);
  CHECK_FALSE(fs::exists(opts.directory));
}

TEST_CASE("block_manager: a negative memory limit is rejected") {
  block_manager_options opts;
  opts.memory_limit = -1;
  CHECK_THROWS_WITH_AS(block_manager{opts},
                       doctest::Contains("invalid memory limit"),
                       storage_error);
}

TEST_CASE("block_manager: a negative disk limit is rejected") {
  block_manager_options opts;
  opts.disk_limit = -1;
  CHECK_THROWS_WITH_AS(block_manager{opts},
                       doctest::Contains("invalid disk limit"),
                       storage_error);
}

TEST_CASE("block_manager: the disk limit applies to spilled blocks") {
  scratch_dir dir;
  auto opts = options_in(dir, 4);
  opts.disk_limit = 10;
  block_manager bm{opts};
  CHECK_FALSE(bm.put("a", text(std::string(8, 'a')), storage_level::disk_only));
  auto err = bm.put("b", text(std::string(8, 'b')),
                    storage_level::memory_and_disk_ser);
  REQUIRE(err);
  CHECK(contains_text(*err, "not enough room in the disk store"));
  CHECK_FALSE(bm.contains("b"));
}

// -- options from config ------------------------------------------------------

TEST_CASE("block_manager_options: from_config without local_dir") {
  ember::config cfg;
  cfg.storage_memory = 1234;
  cfg.storage_disk = 5678;
  auto opts = block_manager_options::from_config(cfg, "1");
  CHECK(opts.memory_limit == 1234);
  CHECK(opts.disk_limit == 5678);
  CHECK(opts.directory.empty());
  CHECK_FALSE(opts.fs);
}

TEST_CASE("block_manager_options: from_config with local_dir") {
  ember::config cfg;
  cfg.local_dir = "/data/ember";
  auto opts = block_manager_options::from_config(cfg, "exec/1 x");
  CHECK(opts.directory == "/data/ember/executor-exec_1_x");
}
