#include "storage/block_id.hpp"
#include "storage/disk_store.hpp"
#include "storage/file_system.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"

#include "storage_test_util.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

using ember::bytes;
using ember::disk_store;
using ember::fault_injecting_file_system;
using ember::posix_file_system;
using ember::storage_test::list_dir;
using ember::storage_test::read_text;
using ember::storage_test::scratch_dir;
using ember::storage_test::write_text;

namespace fs = std::filesystem;

namespace {

bool contains_text(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

// -- block ids ----------------------------------------------------------------

TEST_CASE("block ids: Spark's block ids are valid") {
  for (auto id : {"rdd_0_1", "shuffle_0_1_2", "shuffle_0_1_2.data",
                  "broadcast_0_piece0", "taskresult_7", "test-block"})
    CHECK_MESSAGE(!ember::check_block_id(id), id);
}

TEST_CASE("block ids: unsafe or malformed ids are rejected with a reason") {
  for (auto id : {"", "a/b", "../etc/passwd", "..", ".", ".hidden", "a..b",
                  "a b", "a\\b", "tab\there"}) {
    auto err = ember::check_block_id(id);
    REQUIRE_MESSAGE(err, id);
    CHECK(contains_text(*err, "invalid block id"));
  }
  CHECK(ember::check_block_id(std::string(1, '\0')));
  CHECK(ember::check_block_id(std::string(ember::max_block_id_length, 'a'))
        == std::nullopt);
  auto err = ember::check_block_id(
    std::string(ember::max_block_id_length + 1, 'a'));
  REQUIRE(err);
  CHECK(contains_text(*err, "longer than"));
}

// -- disk_store on the real file system ---------------------------------------

TEST_CASE("disk_store: put, get, contains and remove a block") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("rdd_1_2", bytes{std::string{"on disk"}}));
  CHECK(store.contains("rdd_1_2"));
  CHECK(store.used() == 7);
  CHECK(store.size() == 1);
  CHECK(read_text(store.path_of("rdd_1_2")) == "on disk");
  std::string error = "stale";
  auto got = store.get("rdd_1_2", &error);
  REQUIRE(got);
  CHECK(got->view() == "on disk");
  CHECK(error.empty());
  CHECK(store.remove("rdd_1_2"));
  CHECK_FALSE(store.contains("rdd_1_2"));
  CHECK_FALSE(fs::exists(store.path_of("rdd_1_2")));
  CHECK(store.used() == 0);
  CHECK(list_dir(dir.path()).empty());
}

TEST_CASE("disk_store: the block file is named after the id, no temp left") {
  scratch_dir dir;
  disk_store store{dir.path().string() + "/", 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"1"}}));
  CHECK_FALSE(store.put("b", bytes{std::string{"22"}}));
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"a", "b"});
  CHECK(store.path_of("a") == (dir.path() / "a").string());
}

TEST_CASE("disk_store: get and remove of a missing block") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  std::string error = "stale";
  CHECK_FALSE(store.get("missing", &error));
  CHECK(error.empty());
  CHECK_FALSE(store.remove("missing"));
}

TEST_CASE("disk_store: files it did not write are not blocks") {
  scratch_dir dir;
  write_text(dir.path() / "foreign", "x");
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.contains("foreign"));
  CHECK_FALSE(store.get("foreign"));
  CHECK_FALSE(store.remove("foreign"));
  CHECK(fs::exists(dir.path() / "foreign"));
}

TEST_CASE("disk_store: overwriting replaces content and size") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"first"}}));
  CHECK_FALSE(store.put("a", bytes{std::string{"second!"}}));
  CHECK(store.get("a")->view() == "second!");
  CHECK(store.used() == 7);
  CHECK(store.size() == 1);
}

TEST_CASE("disk_store: an empty block round-trips") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("empty", bytes{}));
  auto got = store.get("empty");
  REQUIRE(got);
  CHECK(got->empty());
}

TEST_CASE("disk_store: the byte limit is respected") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 10, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string(6, 'a')}));
  auto err = store.put("b", bytes{std::string(5, 'b')});
  REQUIRE(err);
  CHECK(contains_text(*err, "not enough room in the disk store"));
  CHECK(contains_text(*err, "'b'"));
  CHECK_FALSE(store.contains("b"));
  CHECK_FALSE(fs::exists(store.path_of("b")));
  CHECK(store.used() == 6);
  // Replacing "a" frees its 6 bytes.
  CHECK_FALSE(store.put("a", bytes{std::string(10, 'A')}));
  CHECK(store.used() == 10);
}

TEST_CASE("disk_store: bad block ids are rejected and nothing is written") {
  scratch_dir dir;
  auto inner = dir.path() / "blocks";
  fs::create_directories(inner);
  disk_store store{inner.string(), 0, nullptr};
  for (auto id : {"../escaped", "a/b", "", ".hidden", ".."}) {
    auto err = store.put(id, bytes{std::string{"x"}});
    REQUIRE_MESSAGE(err, id);
    CHECK(contains_text(*err, "invalid block id"));
    CHECK_FALSE(store.contains(id));
  }
  CHECK(list_dir(inner).empty());
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"blocks"});
}

TEST_CASE("disk_store: a directory below a regular file gives a clear error") {
  scratch_dir dir;
  write_text(dir.path() / "file", "not a dir");
  disk_store store{(dir.path() / "file" / "blocks").string(), 0, nullptr};
  auto err = store.put("a", bytes{std::string{"x"}});
  REQUIRE(err);
  CHECK(contains_text(*err, "write '"));
  CHECK(contains_text(*err, "Not a directory"));
  CHECK_FALSE(store.contains("a"));
  CHECK(store.used() == 0);
}

TEST_CASE("disk_store: a vanished directory gives a clear error") {
  scratch_dir dir;
  auto blocks = dir.path() / "blocks";
  fs::create_directories(blocks);
  disk_store store{blocks.string(), 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"x"}}));
  fs::remove_all(blocks);
  auto err = store.put("b", bytes{std::string{"y"}});
  REQUIRE(err);
  CHECK(contains_text(*err, "No such file or directory"));
  CHECK_FALSE(store.contains("b"));
}

TEST_CASE("disk_store: a block file deleted behind its back reads as error") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"x"}}));
  fs::remove(store.path_of("a"));
  std::string error;
  CHECK_FALSE(store.get("a", &error));
  CHECK(contains_text(error, "No such file or directory"));
  // Removing it still works (and only logs the failed unlink).
  CHECK(store.remove("a"));
}

TEST_CASE("disk_store: a block file truncated behind its back is an error") {
  scratch_dir dir;
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"abcdef"}}));
  write_text(store.path_of("a"), "abc");
  std::string error;
  CHECK_FALSE(store.get("a", &error));
  CHECK(contains_text(error, "expected 6 bytes, found 3"));
}

// -- disk_store with injected faults ------------------------------------------

TEST_CASE("disk_store: a full disk gives a clear error and no partial file") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  disk_store store{dir.path().string(), 0, faults};
  CHECK_FALSE(store.put("kept", bytes{std::string{"safe"}}));
  faults->fail_writes();
  auto err = store.put("big", bytes{std::string(1000, 'x')});
  REQUIRE(err);
  CHECK(contains_text(*err, "No space left on device"));
  CHECK(contains_text(*err, store.path_of("big")));
  CHECK_FALSE(store.contains("big"));
  CHECK_FALSE(fs::exists(store.path_of("big")));
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"kept"});
  CHECK(store.used() == 4);
  CHECK(store.get("kept")->view() == "safe");
  faults->heal();
  CHECK_FALSE(store.put("big", bytes{std::string(1000, 'x')}));
  CHECK(store.get("big")->size() == 1000);
}

TEST_CASE("disk_store: a failed overwrite keeps the previous block") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  disk_store store{dir.path().string(), 0, faults};
  CHECK_FALSE(store.put("a", bytes{std::string{"old"}}));
  faults->fail_writes();
  CHECK(store.put("a", bytes{std::string{"newer"}}));
  CHECK(store.get("a")->view() == "old");
  CHECK(store.used() == 3);
}

TEST_CASE("disk_store: a read failure reports the reason, block stays") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  disk_store store{dir.path().string(), 0, faults};
  CHECK_FALSE(store.put("a", bytes{std::string{"data"}}));
  faults->fail_reads();
  std::string error;
  CHECK_FALSE(store.get("a", &error));
  CHECK(contains_text(error, "Input/output error"));
  CHECK(contains_text(error, "read '"));
  CHECK(store.contains("a"));
  faults->heal();
  CHECK(store.get("a", &error)->view() == "data");
  CHECK(error.empty());
}

TEST_CASE("disk_store: fail_next fails exactly the next N operations") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  disk_store store{dir.path().string(), 0, faults};
  faults->fail_next(2, "Device or resource busy");
  auto err1 = store.put("a", bytes{std::string{"1"}});
  auto err2 = store.put("a", bytes{std::string{"1"}});
  auto err3 = store.put("a", bytes{std::string{"1"}});
  REQUIRE(err1);
  REQUIRE(err2);
  CHECK(contains_text(*err1, "Device or resource busy"));
  CHECK_FALSE(err3);
  CHECK(faults->injected_failures() == 2);
  CHECK(faults->writes() == 3);
}

TEST_CASE("disk_store: clear deletes all block files") {
  scratch_dir dir;
  write_text(dir.path() / "foreign", "x");
  disk_store store{dir.path().string(), 0, nullptr};
  CHECK_FALSE(store.put("a", bytes{std::string{"1"}}));
  CHECK_FALSE(store.put("b", bytes{std::string{"2"}}));
  store.clear();
  CHECK(store.size() == 0);
  CHECK(store.used() == 0);
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"foreign"});
}

// -- posix_file_system --------------------------------------------------------

TEST_CASE("posix_file_system: write then read a file") {
  scratch_dir dir;
  posix_file_system pfs;
  auto path = dir.sub("f");
  CHECK_FALSE(pfs.write_file(path, "content"));
  CHECK(pfs.exists(path));
  std::string out;
  CHECK_FALSE(pfs.read_file(path, out));
  CHECK(out == "content");
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"f"});
}

TEST_CASE("posix_file_system: a failed write reports strerror text") {
  scratch_dir dir;
  posix_file_system pfs;
  auto path = dir.sub("missing_dir/f");
  auto err = pfs.write_file(path, "x");
  REQUIRE(err);
  CHECK(*err == "write '" + path + "': No such file or directory");
  CHECK(list_dir(dir.path()).empty());
}

TEST_CASE("posix_file_system: a write failing after the temp file is "
          "created leaves no temp file") {
  scratch_dir dir;
  posix_file_system pfs;
  // Renaming the finished temp file over a non-empty directory fails.
  fs::create_directories(dir.path() / "target");
  write_text(dir.path() / "target" / "inside", "x");
  auto err = pfs.write_file(dir.sub("target"), "data");
  REQUIRE(err);
  CHECK(contains_text(*err, "write '" + dir.sub("target") + "': "));
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"target"});
  CHECK(list_dir(dir.path() / "target") == std::vector<std::string>{"inside"});
}

TEST_CASE("posix_file_system: reading a missing file is an error") {
  scratch_dir dir;
  posix_file_system pfs;
  std::string out = "stale";
  auto err = pfs.read_file(dir.sub("nope"), out);
  REQUIRE(err);
  CHECK(contains_text(*err, "No such file or directory"));
  CHECK(out.empty());
}

TEST_CASE("posix_file_system: reading a directory is an error") {
  scratch_dir dir;
  posix_file_system pfs;
  std::string out;
  auto err = pfs.read_file(dir.path().string(), out);
  REQUIRE(err);
  CHECK(contains_text(*err, "not a regular file"));
}

TEST_CASE("posix_file_system: removing a missing file is an error") {
  scratch_dir dir;
  posix_file_system pfs;
  auto err = pfs.remove_file(dir.sub("nope"));
  REQUIRE(err);
  CHECK(contains_text(*err, "remove '"));
  CHECK(contains_text(*err, "No such file or directory"));
}

TEST_CASE("posix_file_system: create_dirs over a regular file fails") {
  scratch_dir dir;
  posix_file_system pfs;
  write_text(dir.path() / "file", "x");
  auto err1 = pfs.create_dirs(dir.sub("file"));
  REQUIRE(err1);
  CHECK(contains_text(*err1, "create directory '"));
  auto err2 = pfs.create_dirs(dir.sub("file/sub"));
  REQUIRE(err2);
  CHECK(contains_text(*err2, "Not a directory"));
}

TEST_CASE("posix_file_system: create_dirs and remove_all") {
  scratch_dir dir;
  posix_file_system pfs;
  auto deep = dir.sub("a/b/c");
  CHECK_FALSE(pfs.create_dirs(deep));
  CHECK_FALSE(pfs.create_dirs(deep)); // Existing directory: fine.
  CHECK_FALSE(pfs.write_file(deep + "/f", "x"));
  CHECK_FALSE(pfs.remove_all(dir.sub("a")));
  CHECK_FALSE(pfs.exists(dir.sub("a")));
  CHECK_FALSE(pfs.remove_all(dir.sub("a"))); // Missing: fine.
}
