// Tests of the listener bus (Spark's LiveListenerBus): delivery order,
// isolation of throwing listeners, synchronisation, draining on stop,
// bounded queue with drop counting, and removing listeners.

#include "scheduler/listener_bus.hpp"

#include "common/logging.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace ember;
using namespace std::chrono_literals;

namespace {

// Records every callback as a short string, thread-safely.
class recorder : public listener {
public:
  std::vector<std::string> events() const {
    std::lock_guard guard{mtx_};
    return events_;
  }

  std::size_t size() const {
    std::lock_guard guard{mtx_};
    return events_.size();
  }

  void on_job_start(const job_start& x) override {
    std::string ids;
    for (auto id : x.stage_ids)
      ids += "," + std::to_string(id);
    add("job_start:" + std::to_string(x.job) + ids);
  }
  void on_job_end(const job_end& x) override {
    add("job_end:" + std::to_string(x.job) + ":"
        + (x.succeeded ? "ok" : "failed:" + x.error));
  }
  void on_stage_submitted(const stage_submitted& x) override {
    add("stage_submitted:" + std::to_string(x.stage) + "."
        + std::to_string(x.attempt) + ":" + x.name + ":"
        + std::to_string(x.num_tasks));
  }
  void on_stage_completed(const stage_completed& x) override {
    add("stage_completed:" + std::to_string(x.stage) + "."
        + std::to_string(x.attempt) + ":" + std::to_string(x.num_tasks) + ":"
        + x.failure_reason);
  }
  void on_task_start(const task_start& x) override {
    add("task_start:" + std::to_string(x.info.tid));
  }
  void on_task_getting_result(const task_getting_result& x) override {
    add("task_getting_result:" + std::to_string(x.info.tid));
  }
  void on_task_end(const task_end& x) override {
    add("task_end:" + std::to_string(x.info.tid) + ":"
        + std::string{reason_name(x.reason)} + ":"
        + std::to_string(x.metrics.result_size));
  }
  void on_executor_added(const executor_added& x) override {
    add("executor_added:" + x.executor + "@" + x.host + ":"
        + std::to_string(x.cores));
  }
  void on_executor_removed(const executor_removed& x) override {
    add("executor_removed:" + x.executor + ":" + x.reason);
  }

protected:
  void add(std::string s) {
    std::lock_guard guard{mtx_};
    events_.push_back(std::move(s));
  }

private:
  mutable std::mutex mtx_;
  std::vector<std::string> events_;
};

// Records like `recorder`, then throws on every task_start and on the job
// end (a std::exception) and on executor_removed (not a std::exception).
class thrower : public recorder {
public:
  void on_task_start(const task_start& x) override {
    recorder::on_task_start(x);
    throw std::runtime_error("boom in task_start");
  }
  void on_job_end(const job_end& x) override {
    recorder::on_job_end(x);
    throw std::logic_error("boom in job_end");
  }
  void on_executor_removed(const executor_removed& x) override {
    recorder::on_executor_removed(x);
    throw 42;
  }
};

// Blocks in its first callback until `open()` is called.
class gated : public recorder {
public:
  gated() : opened_(gate_.get_future().share()) {
  }

  void open() {
    gate_.set_value();
  }

  void on_task_start(const task_start& x) override {
    opened_.wait();
    recorder::on_task_start(x);
  }

private:
  std::promise<void> gate_;
  std::shared_future<void> opened_;
};

// Captures what ember::logger() writes (and keeps it off stderr) while it
// lives. Install it only while no other thread logs.
class log_capture {
public:
  log_capture()
    : sink_(std::make_shared<sink>()),
      saved_sinks_(ember::logger().sinks()),
      saved_level_(ember::logger().level()) {
    ember::logger().sinks() = {sink_};
    ember::logger().set_level(spdlog::level::info);
  }

  ~log_capture() {
    ember::logger().sinks() = saved_sinks_;
    ember::logger().set_level(saved_level_);
  }

  // Lines at `level` that contain `text`.
  std::vector<std::string> lines(spdlog::level::level_enum level,
                                 std::string_view text = {}) const {
    std::lock_guard guard{sink_->mtx};
    std::vector<std::string> result;
    for (auto& [lvl, msg] : sink_->lines)
      if (lvl == level && msg.find(text) != std::string::npos)
        result.push_back(msg);
    return result;
  }

private:
  struct sink : spdlog::sinks::base_sink<std::mutex> {
    std::mutex mtx;
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines;

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      std::lock_guard guard{mtx};
      lines.emplace_back(msg.level, std::string{msg.payload.data(),
                                                msg.payload.size()});
    }
    void flush_() override {
    }
  };

  std::shared_ptr<sink> sink_;
  std::vector<spdlog::sink_ptr> saved_sinks_;
  spdlog::level::level_enum saved_level_;
};

task_info info_for(task_id tid) {
  task_info info;
  info.tid = tid;
  info.stage = 1;
  info.executor = "0";
  info.host = "localhost";
  return info;
}

task_start start_of(task_id tid) {
  return task_start{info_for(tid)};
}

// One event of each kind, and what a recorder makes of them.
std::vector<listener_event> all_kinds() {
  task_metrics metrics;
  metrics.result_size = 77;
  auto now = std::chrono::system_clock::now();
  return {
    job_start{3, now, {1, 2}},
    stage_submitted{1, 0, "map at x.cpp:10", 4},
    executor_added{"0", "hostA", 8},
    task_start{info_for(10)},
    task_getting_result{info_for(10)},
    task_end{info_for(10), success_reason{}, metrics},
    task_end{info_for(11), task_killed_reason{"stage cancelled"}, {}},
    stage_completed{1, 0, 4, "FetchFailed"},
    executor_removed{"0", "heartbeat timed out"},
    job_end{3, now, false, "stage 1 failed"},
  };
}

const std::vector<std::string> all_kinds_recorded = {
  "job_start:3,1,2",
  "stage_submitted:1.0:map at x.cpp:10:4",
  "executor_added:0@hostA:8",
  "task_start:10",
  "task_getting_result:10",
  "task_end:10:Success:77",
  "task_end:11:TaskKilled:0",
  "stage_completed:1.0:4:FetchFailed",
  "executor_removed:0:heartbeat timed out",
  "job_end:3:failed:stage 1 failed",
};

} // namespace

TEST_CASE("event names") {
  CHECK(event_name(listener_event{job_start{}}) == "job_start");
  CHECK(event_name(listener_event{task_getting_result{}})
        == "task_getting_result");
  CHECK(event_name(listener_event{executor_removed{}}) == "executor_removed");
}

TEST_CASE("synchronous mode: every event kind reaches every listener in "
          "post order") {
  listener_bus bus;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  auto silent = std::make_shared<listener>(); // only default bodies
  bus.add_listener(a);
  bus.add_listener(silent);
  bus.add_listener(b);
  CHECK(bus.listener_count() == 3);
  for (auto& ev : all_kinds())
    CHECK(bus.post(ev));
  // Nothing is delivered before drain() in synchronous mode.
  CHECK(a->size() == 0);
  CHECK(bus.queued() == all_kinds_recorded.size());
  CHECK(bus.drain() == all_kinds_recorded.size());
  CHECK(bus.queued() == 0);
  CHECK(a->events() == all_kinds_recorded);
  CHECK(b->events() == all_kinds_recorded);
  CHECK(bus.drain() == 0);
  CHECK(bus.dropped() == 0);
}

TEST_CASE("asynchronous mode: every event kind reaches every listener in "
          "post order") {
  listener_bus bus;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  bus.add_listener(a);
  bus.add_listener(b);
  bus.start();
  std::vector<std::string> expected;
  for (int round = 0; round < 50; ++round) {
    for (auto& ev : all_kinds())
      bus.post(ev);
    expected.insert(expected.end(), all_kinds_recorded.begin(),
                    all_kinds_recorded.end());
  }
  REQUIRE(bus.wait_until_empty(30s));
  CHECK(a->events() == expected);
  CHECK(b->events() == expected);
  bus.stop();
}

TEST_CASE("events from concurrent posters keep each poster's order") {
  constexpr int posters = 4;
  constexpr int per_poster = 2000;
  listener_bus bus;
  auto rec = std::make_shared<recorder>();
  bus.add_listener(rec);
  bus.start();
  std::vector<std::thread> threads;
  for (int p = 0; p < posters; ++p)
    threads.emplace_back([&bus, p] {
      for (int i = 0; i < per_poster; ++i)
        bus.post(start_of(p * per_poster + i));
    });
  for (auto& t : threads)
    t.join();
  REQUIRE(bus.wait_until_empty(30s));
  auto got = rec->events();
  REQUIRE(got.size() == posters * per_poster);
  std::vector<int> next(posters, 0);
  int out_of_order = 0;
  for (auto& s : got) {
    auto tid = std::stoi(s.substr(s.find(':') + 1));
    auto p = tid / per_poster;
    if (tid % per_poster != next[p])
      ++out_of_order;
    next[p] = tid % per_poster + 1;
  }
  CHECK(out_of_order == 0);
  CHECK(next == std::vector<int>(posters, per_poster));
  bus.stop();
}

TEST_CASE("a throwing listener does not stop the others") {
  log_capture logs;
  listener_bus bus;
  auto before = std::make_shared<recorder>();
  auto bad = std::make_shared<thrower>();
  auto after = std::make_shared<recorder>();
  bus.add_listener(before);
  bus.add_listener(bad);
  bus.add_listener(after);

  SUBCASE("synchronous") {
    for (auto& ev : all_kinds())
      bus.post(ev);
    bus.post(start_of(12));
    bus.post(executor_added{"1", "hostB", 2});
    CHECK(bus.drain() == all_kinds_recorded.size() + 2);
  }
  SUBCASE("asynchronous") {
    bus.start();
    for (auto& ev : all_kinds())
      bus.post(ev);
    bus.post(start_of(12));
    bus.post(executor_added{"1", "hostB", 2});
    REQUIRE(bus.wait_until_empty(30s));
    bus.stop();
  }

  auto expected = all_kinds_recorded;
  expected.push_back("task_start:12");
  expected.push_back("executor_added:1@hostB:2");
  CHECK(before->events() == expected);
  CHECK(after->events() == expected);
  // The thrower itself still got every event, including those after the
  // ones it threw on.
  CHECK(bad->events() == expected);

  // Each throw is logged with the listener's index and the exception text.
  auto errors = logs.lines(spdlog::level::err);
  CHECK(errors.size() == 4);
  CHECK(logs.lines(spdlog::level::err, "listener #1 ").size() == 4);
  CHECK(logs.lines(spdlog::level::err, "boom in task_start").size() == 2);
  CHECK(logs.lines(spdlog::level::err, "boom in job_end").size() == 1);
  CHECK(logs.lines(spdlog::level::err, "unknown exception").size() == 1);
  CHECK(logs.lines(spdlog::level::err, "task_start").size() == 2);
}

TEST_CASE("wait_until_empty waits until everything posted was delivered") {
  listener_bus bus;
  auto slow = std::make_shared<gated>();
  auto rec = std::make_shared<recorder>();
  bus.add_listener(slow);
  bus.add_listener(rec);
  // Nothing posted: already empty, before and after start.
  CHECK(bus.wait_until_empty(0ms));
  bus.start();
  CHECK(bus.wait_until_empty(0ms));

  // The slow listener blocks delivery of the first event; posting does not
  // block on it.
  for (int i = 0; i < 100; ++i)
    CHECK(bus.post(start_of(i)));
  CHECK_FALSE(bus.wait_until_empty(20ms));
  CHECK(rec->size() == 0);

  slow->open();
  REQUIRE(bus.wait_until_empty(30s));
  // Everything posted before the call was delivered to every listener.
  CHECK(rec->size() == 100);
  CHECK(slow->size() == 100);
  CHECK(bus.queued() == 0);
  bus.stop();
}

TEST_CASE("wait_until_empty in synchronous mode returns once another "
          "thread drains") {
  listener_bus bus;
  auto rec = std::make_shared<recorder>();
  bus.add_listener(rec);
  bus.post(start_of(1));
  bus.post(start_of(2));
  CHECK_FALSE(bus.wait_until_empty(0ms));
  auto waiter = std::async(std::launch::async,
                           [&bus] { return bus.wait_until_empty(30s); });
  CHECK(bus.drain() == 2);
  CHECK(waiter.get());
  CHECK(rec->size() == 2);
}

TEST_CASE("stop drains what was posted, then discards later posts") {
  SUBCASE("asynchronous") {
    listener_bus bus;
    auto slow = std::make_shared<gated>();
    bus.add_listener(slow);
    bus.start();
    for (int i = 0; i < 500; ++i)
      bus.post(start_of(i));
    // Delivery is stuck at the first event, so almost everything is still
    // queued when the gate opens and stop() is called.
    slow->open();
    bus.stop();
    CHECK(slow->size() == 500);
    CHECK(bus.queued() == 0);
    CHECK_FALSE(bus.post(start_of(1000)));
    CHECK(bus.queued() == 0);
    bus.stop(); // idempotent
    CHECK(slow->size() == 500);
    CHECK(bus.dropped() == 0);
  }
  SUBCASE("synchronous") {
    listener_bus bus;
    auto rec = std::make_shared<recorder>();
    bus.add_listener(rec);
    for (int i = 0; i < 10; ++i)
      bus.post(start_of(i));
    bus.stop();
    CHECK(rec->size() == 10);
    CHECK_FALSE(bus.post(start_of(10)));
    CHECK(bus.drain() == 0);
    CHECK(rec->size() == 10);
  }
  SUBCASE("the destructor stops and drains") {
    auto rec = std::make_shared<recorder>();
    {
      listener_bus bus;
      bus.add_listener(rec);
      bus.start();
      for (int i = 0; i < 100; ++i)
        bus.post(start_of(i));
    }
    CHECK(rec->size() == 100);
  }
}

TEST_CASE("a full queue drops events and counts them") {
  log_capture logs;
  listener_bus bus{2};
  CHECK(bus.capacity() == 2);
  auto rec = std::make_shared<recorder>();
  bus.add_listener(rec);
  CHECK(bus.post(start_of(1)));
  CHECK(bus.post(start_of(2)));
  CHECK_FALSE(bus.post(start_of(3)));
  CHECK_FALSE(bus.post(start_of(4)));
  CHECK_FALSE(bus.post(job_end{}));
  CHECK(bus.dropped() == 3);
  CHECK(bus.queued() == 2);
  CHECK(bus.drain() == 2);
  CHECK(rec->events() == std::vector<std::string>{"task_start:1",
                                                  "task_start:2"});
  // Room again after draining.
  CHECK(bus.post(start_of(5)));
  CHECK(bus.post(start_of(6)));
  CHECK_FALSE(bus.post(start_of(7)));
  CHECK(bus.dropped() == 4);
  CHECK(bus.drain() == 2);
  CHECK(rec->size() == 4);
  // The warning is logged once, not once per dropped event.
  auto warnings = logs.lines(spdlog::level::warn);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("dropped 1 event") != std::string::npos);
  CHECK(warnings[0].find("capacity 2") != std::string::npos);
}

TEST_CASE("the drop warning repeats after its interval") {
  log_capture logs;
  listener_bus bus{1, 0ms}; // every drop is past the interval
  bus.post(start_of(1));
  for (int i = 0; i < 3; ++i)
    bus.post(start_of(2 + i));
  CHECK(bus.dropped() == 3);
  auto warnings = logs.lines(spdlog::level::warn);
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[2].find("3 in total") != std::string::npos);
}

TEST_CASE("removing a listener") {
  listener_bus bus;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  bus.add_listener(a);
  bus.add_listener(b);
  bus.post(start_of(1));
  CHECK(bus.drain() == 1);
  CHECK(bus.remove_listener(a));
  CHECK(bus.listener_count() == 1);
  CHECK_FALSE(bus.remove_listener(a));
  // An event queued before removal but delivered after it does not reach
  // the removed listener.
  bus.post(start_of(2));
  CHECK(bus.remove_listener(b));
  bus.post(start_of(3));
  bus.add_listener(b);
  CHECK(bus.drain() == 2);
  CHECK(a->events() == std::vector<std::string>{"task_start:1"});
  CHECK(b->events()
        == std::vector<std::string>{"task_start:1", "task_start:2",
                                    "task_start:3"});
}

TEST_CASE("removing a listener of a running bus") {
  listener_bus bus;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  bus.add_listener(a);
  bus.add_listener(b);
  bus.start();
  bus.post(start_of(1));
  REQUIRE(bus.wait_until_empty(30s));
  CHECK(bus.remove_listener(a));
  bus.post(start_of(2));
  REQUIRE(bus.wait_until_empty(30s));
  bus.stop();
  CHECK(a->events() == std::vector<std::string>{"task_start:1"});
  CHECK(b->events()
        == std::vector<std::string>{"task_start:1", "task_start:2"});
}

TEST_CASE("a listener registered twice gets each event twice until "
          "removed") {
  listener_bus bus;
  auto a = std::make_shared<recorder>();
  bus.add_listener(a);
  bus.add_listener(a);
  bus.post(start_of(1));
  bus.drain();
  CHECK(a->size() == 2);
  CHECK(bus.remove_listener(a));
  CHECK(bus.listener_count() == 0);
}

TEST_CASE("listeners may post from a callback") {
  struct chain : recorder {
    listener_bus* bus = nullptr;
    void on_job_start(const job_start& x) override {
      recorder::on_job_start(x);
      bus->post(job_end{x.job, x.time, true, {}});
    }
  };
  listener_bus bus;
  auto c = std::make_shared<chain>();
  c->bus = &bus;
  bus.add_listener(c);
  bus.post(job_start{7, {}, {}});
  CHECK(bus.drain() == 2);
  CHECK(c->events()
        == std::vector<std::string>{"job_start:7", "job_end:7:ok"});
}

TEST_CASE("contract violations") {
  CHECK_THROWS_AS(listener_bus{0}, std::invalid_argument);
  listener_bus bus;
  CHECK_THROWS_AS(bus.add_listener(nullptr), std::invalid_argument);
  bus.start();
  CHECK_THROWS_AS(bus.start(), std::logic_error);
  CHECK_THROWS_AS(bus.drain(), std::logic_error);
  bus.stop();
  CHECK_THROWS_AS(bus.start(), std::logic_error);
  listener_bus never_started;
  never_started.stop();
  CHECK_THROWS_AS(never_started.start(), std::logic_error);
}

TEST_CASE("start delivers what was queued before it") {
  listener_bus bus;
  auto rec = std::make_shared<recorder>();
  bus.add_listener(rec);
  bus.post(start_of(1));
  bus.post(start_of(2));
  bus.start();
  bus.post(start_of(3));
  REQUIRE(bus.wait_until_empty(30s));
  CHECK(rec->events()
        == std::vector<std::string>{"task_start:1", "task_start:2",
                                    "task_start:3"});
}
