// End-to-end runs of ember::engine in local mode, on real threads.

#include "test_tasks.hpp"

#include "api/engine.hpp"
#include "scheduler/listener_bus.hpp"

#include <doctest/doctest.h>

#include <atomic>

using namespace ember;
using namespace ember::testing;

TEST_CASE("engine: results on both sides of the direct limit arrive intact") {
  config cfg;
  cfg.max_direct_result_size = 64 * 1024;
  cfg.executor_cores = 2;
  engine eng{cfg};
  std::vector<std::int64_t> sizes{10, 1000, 60 * 1024, 70 * 1024, 3 << 20, 0};
  job_result details;
  auto values = eng.run<std::vector<char>>("sized_task", 5, sizes, &details);
  REQUIRE(values.size() == sizes.size());
  for (std::size_t p = 0; p < sizes.size(); ++p)
    CHECK(sized_task_ok(values[p], static_cast<int>(p), 5, sizes[p]));
  CHECK(details.count(result_path::direct) == 4);
  CHECK(details.count(result_path::indirect) == 2);
}

TEST_CASE("engine: many tasks over several executors") {
  config cfg;
  cfg.local_executors = 3;
  cfg.executor_cores = 2;
  engine eng{cfg};
  auto values = eng.run<std::int64_t>("times_task", std::int64_t{3}, 500);
  REQUIRE(values.size() == 500);
  for (std::size_t p = 0; p < values.size(); ++p)
    CHECK(values[p] == static_cast<std::int64_t>(p) * 3);
}

TEST_CASE("engine: a task killed while running reports KILLED") {
  engine eng{config{}};
  struct killed_counter : listener {
    std::mutex mtx;
    std::condition_variable cv;
    int killed = 0;
    void on_task_end(const task_end& ev) override {
      if (ev.info.state != task_state::killed)
        return;
      {
        std::lock_guard guard{mtx};
        ++killed;
      }
      cv.notify_all();
    }
    bool wait_for_kill(std::chrono::seconds timeout) {
      std::unique_lock guard{mtx};
      return cv.wait_for(guard, timeout, [this] { return killed > 0; });
    }
  };
  auto counter = std::make_shared<killed_counter>();
  eng.add_listener(counter);
  {
    std::lock_guard guard{blocking_task_probe::mtx};
    blocking_task_probe::started = 0;
  }
  job_spec spec;
  spec.name = "blocking";
  spec.function = "blocking_task";
  spec.args = encode(0);
  spec.num_partitions = 1;
  auto waiter = eng.submit(spec);
  {
    std::unique_lock guard{blocking_task_probe::mtx};
    blocking_task_probe::cv.wait(
      guard, [] { return blocking_task_probe::started == 1; });
  }
  eng.cancel(0, "by test");
  CHECK_THROWS_WITH_AS(waiter->wait(), "Job 0 cancelled by test",
                       job_failed_error);
  // The cancelled task ends; its KILLED report reaches the listeners.
  CHECK(counter->wait_for_kill(std::chrono::seconds{30}));
}

TEST_CASE("engine: a throwing listener does not stop the others") {
  engine eng{config{}};
  struct thrower : listener {
    void on_task_end(const task_end&) override {
      throw std::runtime_error("listener failure");
    }
  };
  struct counter : listener {
    std::atomic<int> ends{0};
    std::atomic<int> jobs{0};
    void on_task_end(const task_end&) override {
      ++ends;
    }
    void on_job_end(const job_end&) override {
      ++jobs;
    }
  };
  auto c = std::make_shared<counter>();
  eng.add_listener(std::make_shared<thrower>());
  eng.add_listener(c);
  eng.run<std::int64_t>("times_task", std::int64_t{1}, 10);
  // job_end is posted before the job's waiter wakes up; wait until the
  // bus delivered it.
  REQUIRE(eng.wait_for_listeners(std::chrono::seconds{30}));
  CHECK(c->ends.load() == 10);
  CHECK(c->jobs.load() == 1);
}

TEST_CASE("engine: an invalid configuration is refused") {
  config cfg;
  cfg.frame_size = 1000;
  cfg.frame_reserved_bytes = 2000;
  CHECK_THROWS_AS(engine{cfg}, config_error);
}
