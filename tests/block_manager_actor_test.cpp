#include "storage/block_manager_actor.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"

#include "storage_test_util.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

using namespace ember;
using ember::storage_test::list_dir;
using ember::storage_test::scratch_dir;

namespace fs = std::filesystem;

namespace {

bool contains_text(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

caf::actor_system_config& test_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  add_block_message_types(cfg);
  return cfg;
}

// An actor system on CAF's deterministic test scheduler. Requests go through
// a spawned client actor; `sched.run()` runs everything to quiescence.
struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{test_config(cfg)};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());

  template <class Result, class Message>
  Result ask(const block_manager_actor& bm, Message msg) {
    std::optional<Result> result;
    std::optional<caf::error> failure;
    sys.spawn([&, msg](caf::event_based_actor* self) mutable {
      self->request(bm, caf::infinite, std::move(msg))
        .then([&](Result& x) { result = std::move(x); },
              [&](caf::error& err) { failure = std::move(err); });
    });
    sched.run();
    if (failure)
      FAIL("request failed: " << sys.render(*failure));
    REQUIRE(result.has_value());
    return std::move(*result);
  }

  put_block_result put(const block_manager_actor& bm, std::string id,
                       bytes data, storage_level level) {
    return ask<put_block_result>(bm, put_block{std::move(id), std::move(data),
                                               level});
  }

  get_block_result get(const block_manager_actor& bm, std::string id) {
    return ask<get_block_result>(bm, get_block{std::move(id)});
  }

  bool remove(const block_manager_actor& bm, std::string id) {
    return ask<bool>(bm, remove_block{std::move(id)});
  }

  bool contains(const block_manager_actor& bm, std::string id) {
    return ask<bool>(bm, contains_block{std::move(id)});
  }

  void stop(const block_manager_actor& bm) {
    caf::anon_send_exit(bm, caf::exit_reason::user_shutdown);
    sched.run();
  }
};

block_manager_options options_in(const scratch_dir& dir,
                                 std::int64_t memory_limit,
                                 std::shared_ptr<file_system> fs = nullptr) {
  block_manager_options result;
  result.memory_limit = memory_limit;
  result.directory = dir.sub("blocks");
  result.fs = std::move(fs);
  return result;
}

} // namespace

TEST_CASE_FIXTURE(fixture, "block_manager_actor: round trip at every level") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 1000));
  for (auto level : {storage_level::memory_only,
                     storage_level::memory_and_disk_ser,
                     storage_level::disk_only}) {
    CAPTURE(to_string(level));
    auto id = "blk_" + std::to_string(static_cast<int>(level));
    auto put_res = put(bm, id, bytes{"data of " + id}, level);
    CHECK(put_res.ok);
    CHECK(put_res.error.empty());
    CHECK(contains(bm, id));
    auto got = get(bm, id);
    CHECK(got.found);
    CHECK(got.error.empty());
    CHECK(got.data.view() == "data of " + id);
    CHECK(remove(bm, id));
    CHECK_FALSE(contains(bm, id));
    CHECK_FALSE(remove(bm, id));
  }
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: memory blocks are shared") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 1 << 20));
  bytes data{std::string(50000, 'r')};
  CHECK(put(bm, "taskresult_3", data, storage_level::memory_only).ok);
  auto got = get(bm, "taskresult_3");
  REQUIRE(got.found);
  CHECK(got.data.storage_id() == data.storage_id());
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: a missing block") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 1000));
  auto got = get(bm, "taskresult_99");
  CHECK_FALSE(got.found);
  CHECK(got.error.empty());
  CHECK(got.data.empty());
  CHECK_FALSE(contains(bm, "taskresult_99"));
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: spill to disk when full") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 10));
  CHECK(put(bm, "a", bytes{std::string(8, 'a')},
            storage_level::memory_and_disk_ser)
          .ok);
  CHECK(put(bm, "b", bytes{std::string(8, 'b')},
            storage_level::memory_and_disk_ser)
          .ok);
  CHECK(list_dir(dir.sub("blocks")) == std::vector<std::string>{"b"});
  CHECK(get(bm, "b").data.view() == std::string(8, 'b'));
  CHECK(get(bm, "a").data.view() == std::string(8, 'a'));
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: MEMORY_ONLY too big") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 10));
  auto res = put(bm, "big", bytes{std::string(11, 'x')},
                 storage_level::memory_only);
  CHECK_FALSE(res.ok);
  CHECK(contains_text(res.error, "does not fit in the memory store"));
  CHECK_FALSE(contains(bm, "big"));
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: full disk keeps others") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  auto bm = spawn_block_manager(sys, "2", options_in(dir, 10, faults));
  CHECK(put(bm, "m", bytes{std::string{"mem"}}, storage_level::memory_only).ok);
  CHECK(put(bm, "d", bytes{std::string{"disk"}}, storage_level::disk_only).ok);
  faults->fail_writes();
  auto res = put(bm, "taskresult_1", bytes{std::string(100, 'x')},
                 storage_level::memory_and_disk_ser);
  CHECK_FALSE(res.ok);
  CHECK(contains_text(res.error, "No space left on device"));
  CHECK_FALSE(contains(bm, "taskresult_1"));
  CHECK(list_dir(dir.sub("blocks")) == std::vector<std::string>{"d"});
  CHECK(get(bm, "m").data.view() == "mem");
  CHECK(get(bm, "d").data.view() == "disk");
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: read failure is no throw") {
  scratch_dir dir;
  auto faults = std::make_shared<fault_injecting_file_system>();
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 10, faults));
  CHECK(put(bm, "d", bytes{std::string{"disk"}}, storage_level::disk_only).ok);
  faults->fail_reads();
  auto got = get(bm, "d");
  CHECK_FALSE(got.found);
  CHECK(contains_text(got.error, "Input/output error"));
  faults->heal();
  CHECK(get(bm, "d").found);
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: bad block id is rejected") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 10));
  auto res = put(bm, "../evil", bytes{std::string{"x"}},
                 storage_level::disk_only);
  CHECK_FALSE(res.ok);
  CHECK(contains_text(res.error, "invalid block id"));
  CHECK(list_dir(dir.path()) == std::vector<std::string>{"blocks"});
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: bad level is rejected") {
  scratch_dir dir;
  auto bm = spawn_block_manager(sys, "1", options_in(dir, 10));
  auto res = put(bm, "a", bytes{std::string{"x"}},
                 static_cast<storage_level>(7));
  CHECK_FALSE(res.ok);
  CHECK(contains_text(res.error, "invalid storage level"));
  stop(bm);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: bad directory throws") {
  scratch_dir dir;
  storage_test::write_text(dir.path() / "file", "x");
  block_manager_options opts;
  opts.directory = dir.sub("file/blocks");
  CHECK_THROWS_WITH_AS(spawn_block_manager(sys, "1", opts),
                       doctest::Contains("Not a directory"), storage_error);
}

TEST_CASE_FIXTURE(fixture, "block_manager_actor: exit removes the temp dir") {
  block_manager_options opts;
  opts.memory_limit = 0;
  auto bm = spawn_block_manager(sys, "1", opts);
  CHECK(put(bm, "d", bytes{std::string{"x"}}, storage_level::disk_only).ok);
  // Find the directory through the block's presence in the temp dir.
  std::optional<fs::path> blockdir;
  for (auto& entry : fs::directory_iterator{fs::temp_directory_path()})
    if (entry.path().filename().string().rfind("ember-blockmgr-", 0) == 0
        && fs::exists(entry.path() / "d"))
      blockdir = entry.path();
  REQUIRE(blockdir);
  stop(bm);
  CHECK_FALSE(fs::exists(*blockdir));
}

TEST_CASE_FIXTURE(fixture, "block messages: binary round trip") {
  put_block msg{"rdd_1_2", bytes{std::string{"payload"}},
                storage_level::disk_only};
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  REQUIRE_FALSE(sink(msg));
  put_block copy;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(source(copy));
  CHECK(copy.id == "rdd_1_2");
  CHECK(copy.data.view() == "payload");
  CHECK(copy.level == storage_level::disk_only);

  get_block_result res{true, bytes{std::string{"abc"}}, "e"};
  std::vector<char> buf2;
  caf::binary_serializer sink2{sys, buf2};
  REQUIRE_FALSE(sink2(res));
  get_block_result res_copy;
  caf::binary_deserializer source2{sys, buf2};
  REQUIRE_FALSE(source2(res_copy));
  CHECK(res_copy.found);
  CHECK(res_copy.data.view() == "abc");
  CHECK(res_copy.error == "e");
}

TEST_CASE("block messages: printing shows sizes, not content") {
  put_block msg{"rdd_1_2", bytes{std::string{"secret"}},
                storage_level::memory_only};
  auto str = caf::deep_to_string(msg);
  CHECK(contains_text(str, "rdd_1_2"));
  CHECK(contains_text(str, "6 bytes"));
  CHECK(contains_text(str, "MEMORY_ONLY"));
  CHECK_FALSE(contains_text(str, "secret"));
}
