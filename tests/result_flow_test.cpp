// Message flows of the result-return path on CAF's deterministic scheduler:
// inline results, results through the BlockManager, dropped results, lost
// blocks, and a full disk.

#include "flow_fixture.hpp"
#include "test_tasks.hpp"

#include "common/serialization.hpp"
#include "storage/block_manager_actor.hpp"
#include "storage/testing/fault_injecting_file_system.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace ember;
using namespace ember::testing;

namespace {

job_spec sized_job(std::vector<std::int64_t> sizes, int salt = 3) {
  job_spec spec;
  spec.name = "sized";
  spec.function = "sized_task";
  spec.args = encode(salt);
  spec.num_partitions = static_cast<int>(sizes.size());
  for (auto s : sizes)
    spec.partition_inputs.emplace_back(encode(s));
  return spec;
}

config small_limits() {
  config cfg;
  cfg.max_direct_result_size = 4096;
  cfg.max_result_size = 1 << 20;
  return cfg;
}

/// Asks `bm` whether it holds `block` (runs every actor but the result
/// getters, so that a queued fetch stays queued).
bool holds_block(flow_fixture& f, const caf::actor& bm,
                 const std::string& block) {
  bool result = true;
  f.sys.spawn([&](caf::event_based_actor* self) {
    self
      ->request(caf::actor_cast<block_manager_actor>(bm), caf::infinite,
                contains_block{block})
      .then([&](bool found) { result = found; });
  });
  f.run_except("ember.result_getter");
  return result;
}

} // namespace

TEST_CASE("a small result travels inline in the status update") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(sized_job({100}));
  f.run();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  REQUIRE(res.tasks.size() == 1);
  CHECK(res.tasks[0].metrics.path == result_path::direct);
  CHECK(res.tasks[0].metrics.result_size > 100);
  CHECK(sized_task_ok(decode<std::vector<char>>(res.values[0].view()), 0, 3,
                      100));
  CHECK(rec->getting_results.empty());
}

TEST_CASE("a result above the direct limit goes through the BlockManager "
          "and its block is removed after the fetch") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(sized_job({100'000}));
  f.run();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(res.tasks[0].metrics.path == result_path::indirect);
  CHECK(res.tasks[0].metrics.result_size > 100'000);
  CHECK(sized_task_ok(decode<std::vector<char>>(res.values[0].view()), 0, 3,
                      100'000));
  CHECK(rec->getting_results.size() == 1);
  auto block = task_result_block_id(res.tasks[0].tid);
  CHECK_FALSE(holds_block(f, f.rt->executors()[0].block_manager, block));
}

TEST_CASE("the direct limit is the smaller of frame size minus reserve and "
          "max_direct_result_size") {
  config cfg;
  cfg.max_direct_result_size = 1 << 20;
  cfg.frame_size = 300 * 1024;
  cfg.frame_reserved_bytes = 200 * 1024; // limit: 100 KiB
  flow_fixture f{cfg};
  auto waiter = f.rt->submit(sized_job({50 * 1024, 150 * 1024}));
  f.run();
  auto res = waiter->wait();
  CHECK(res.tasks[0].metrics.path == result_path::direct);
  CHECK(res.tasks[1].metrics.path == result_path::indirect);
}

TEST_CASE("a result above max_result_size is dropped and the job aborts") {
  auto cfg = small_limits();
  cfg.max_result_size = 50'000;
  flow_fixture f{cfg};
  auto waiter = f.rt->submit(sized_job({100'000}));
  f.run();
  REQUIRE(waiter->done());
  try {
    waiter->wait();
    FAIL("the job should have failed");
  } catch (const job_failed_error& e) {
    std::string what = e.what();
    CHECK(what.find("Total size of serialized results of 1 tasks (") != std::string::npos);
    CHECK(what.find(") is bigger than max_result_size (48.8 KiB)")
          != std::string::npos);
  }
}

TEST_CASE("the running total of a task set's results is checked against "
          "max_result_size") {
  auto cfg = small_limits();
  cfg.max_result_size = 250'000; // each result fits, three do not
  flow_fixture f{cfg};
  auto waiter = f.rt->submit(sized_job({100'000, 100'000, 100'000}));
  f.run();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(),
                       doctest::Contains("Total size of serialized results "
                                         "of 3 tasks"),
                       job_failed_error);
  // The block of the result that tipped the total over is removed too.
  for (task_id tid = 0; tid < 3; ++tid)
    CHECK_FALSE(holds_block(f, f.rt->executors()[0].block_manager,
                            task_result_block_id(tid)));
}

TEST_CASE("a block removed before the fetch gives TaskResultLost and a "
          "successful retry, with exactly two task ids") {
  flow_fixture f{small_limits()};
  auto rec = std::make_shared<recording_listener>();
  f.bus->add_listener(rec);
  auto waiter = f.rt->submit(sized_job({100'000}));
  f.run_messages();
  f.pool("0").run_all();
  // Everything but the result getters: the block is stored and FINISHED
  // reached the driver, which queued the fetch.
  f.run_except("ember.result_getter");
  auto bm = f.rt->executors()[0].block_manager;
  REQUIRE(holds_block(f, bm, task_result_block_id(0)));
  REQUIRE_FALSE(waiter->done());
  // Remove the block while the fetch waits in the getter's mailbox.
  caf::anon_send(caf::actor_cast<block_manager_actor>(bm),
                 remove_block{task_result_block_id(0)});
  f.run_except("ember.result_getter");
  REQUIRE_FALSE(holds_block(f, bm, task_result_block_id(0)));
  f.run();
  REQUIRE(waiter->done());
  auto res = waiter->wait();
  CHECK(sized_task_ok(decode<std::vector<char>>(res.values[0].view()), 0, 3,
                      100'000));
  std::set<task_id> tids;
  for (auto& ev : rec->task_starts)
    tids.insert(ev.info.tid);
  CHECK(tids == std::set<task_id>{0, 1});
  REQUIRE(rec->task_ends.size() == 2);
  CHECK(reason_name(rec->task_ends[0].reason) == "TaskResultLost");
  CHECK(reason_name(rec->task_ends[1].reason) == "Success");
  CHECK(res.tasks[0].tid == 1);
}

TEST_CASE("a full disk while storing a result is a clear task failure") {
  auto cfg = small_limits();
  cfg.storage_memory = 1000; // the result cannot stay in memory
  cfg.max_task_failures = 2;
  auto fs = std::make_shared<fault_injecting_file_system>();
  fs->fail_writes();
  flow_fixture f{cfg, 1, 2, fs};
  auto waiter = f.rt->submit(sized_job({100'000}));
  f.run();
  REQUIRE(waiter->done());
  CHECK_THROWS_WITH_AS(waiter->wait(),
                       doctest::Contains("No space left on device"),
                       job_failed_error);
}
