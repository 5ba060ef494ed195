// Jobs of the Dataset API: accumulators counted exactly once under task
// retries, asynchronous actions running concurrently, cancellation,
// failures and a stopped context.

#include "dataset_test_util.hpp"

#include "api/context.hpp"
#include "api/current_task.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <thread>

using namespace ember;
using namespace ember::testing;

namespace {

using counter = accumulator<std::int64_t>;

/// Fails the first attempt of every even partition, after counting.
std::int64_t count_then_fail_once(const std::int64_t& x, const counter& acc) {
  acc.add(1);
  auto* ctx = current_task_context();
  if (ctx == nullptr)
    throw std::logic_error("no current task");
  if (ctx->attempt() == 0 && ctx->partition() % 2 == 0)
    throw std::runtime_error("injected failure of the first attempt");
  return x;
}

// -- a gate tasks wait at, so that tests see them running --------------------------

struct gate {
  std::mutex mtx;
  std::condition_variable cv;
  int arrived = 0;

  void reset() {
    std::lock_guard guard{mtx};
    arrived = 0;
  }

  /// Counts one arrival and waits until `n` have arrived (false after a
  /// generous deadline).
  bool arrive_and_wait(int n) {
    std::unique_lock guard{mtx};
    ++arrived;
    cv.notify_all();
    return cv.wait_for(guard, std::chrono::seconds{60},
                       [&] { return arrived >= n; });
  }

  bool wait_for(int n) {
    std::unique_lock guard{mtx};
    return cv.wait_for(guard, std::chrono::seconds{60},
                       [&] { return arrived >= n; });
  }
};

gate the_gate;

/// Waits until tasks of two jobs are running at once.
std::int64_t meet_the_other_job(const std::int64_t& x) {
  if (!the_gate.arrive_and_wait(2))
    throw std::runtime_error("the other job's task never ran concurrently");
  return x;
}

/// Announces itself, then runs until its task is killed.
std::int64_t run_until_killed(const std::int64_t& x) {
  auto* ctx = current_task_context();
  the_gate.arrive_and_wait(1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{60};
  while (!ctx->interrupted()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("never cancelled");
    std::this_thread::yield();
  }
  return x;
}

} // namespace

TEST_CASE("accumulators count each partition once although tasks are retried") {
  context ctx{small_cluster()};
  auto seen = ctx.accumulator();
  auto xs = random_ints(1000, 100, 21);
  auto ds = ctx.parallelize(xs, 8);

  SUBCASE("in a result stage") {
    auto got = ds.map(fn<&count_then_fail_once>, seen).collect();
    CHECK(got == xs);
    CHECK(seen.value() == 1000); // the failed first attempts count nothing
  }
  SUBCASE("in a shuffle map stage and the result stage after it") {
    auto reduced = ds.map(fn<&count_then_fail_once>, seen)
                     .key_by([](const std::int64_t& x) { return x % 7; })
                     .reduce_by_key([](std::int64_t a, std::int64_t b) {
                       return a + b;
                     }, 5)
                     .map_values(fn<&count_then_fail_once>, seen);
    auto got = reduced.collect();
    std::map<std::int64_t, std::int64_t> expected;
    for (auto x : xs)
      expected[x % 7] += x;
    CHECK(std::map<std::int64_t, std::int64_t>(got.begin(), got.end())
          == expected);
    CHECK(seen.value() == 1000 + 7);
  }
  SUBCASE("with the task context passed explicitly, and across jobs") {
    auto other = ctx.accumulator();
    ds.foreach([](const std::int64_t& x, const std::pair<counter, counter>& accs) {
      auto* task = current_task_context();
      accs.first.add(*task, 1);
      accs.second.add(*task, x);
    }, std::pair{seen, other});
    CHECK(seen.value() == 1000);
    CHECK(other.value() == std::accumulate(xs.begin(), xs.end(), std::int64_t{0}));
    ds.foreach([](const std::int64_t&, const counter& acc) { acc.add(2); }, seen);
    CHECK(seen.value() == 3000);
    other.add(1); // on the driver: added directly
    CHECK(other.value() == std::accumulate(xs.begin(), xs.end(), std::int64_t{1}));
  }
  SUBCASE("a failed job adds nothing") {
    auto always_fails = ds.map([](const std::int64_t& x, const counter& acc) {
      acc.add(1);
      if (x >= 0)
        throw std::runtime_error("always");
      return x;
    }, seen);
    CHECK_THROWS_AS(always_fails.count(), job_failed_error);
    CHECK(seen.value() == 0);
  }
  CHECK_THROWS_AS(counter{}.add(1), std::logic_error);
}

TEST_CASE("a failing task fails the action with its error") {
  context ctx{small_cluster()};
  auto ds = ctx.range(0, 10, 1, 2).map([](const std::int64_t& x) {
    if (x == 7)
      throw std::invalid_argument("seven is not allowed");
    return x;
  });
  try {
    ds.collect();
    FAIL("collect should throw");
  } catch (const job_failed_error& e) {
    CHECK(std::string{e.what()}.find("seven is not allowed") != std::string::npos);
  }
  // The context still works.
  CHECK(ctx.range(0, 10, 1, 2).count() == 10);
}

TEST_CASE("async actions run concurrently and give the sync results") {
  context ctx{small_cluster(2, 2)};
  the_gate.reset();
  auto a = ctx.range(0, 1, 1, 1).map(fn<&meet_the_other_job>).collect_async();
  auto b = ctx.range(5, 6, 1, 1).map(fn<&meet_the_other_job>).count_async();
  CHECK(a.job() != b.job());
  CHECK(a.get() == std::vector<std::int64_t>{0});
  CHECK(b.get() == 1);

  auto pairs = skewed_pairs(2000, 50, 22);
  auto ds = ctx.parallelize(pairs, 6);
  auto sums = ds.reduce_by_key(std::plus<std::int64_t>{}, 4);
  auto f1 = sums.collect_async();
  auto f2 = ds.count_by_key_async();
  auto f3 = ds.values().reduce_async(std::plus<std::int64_t>{});
  auto f4 = ds.values().fold_async(0, std::plus<std::int64_t>{});
  auto f5 = ds.take_async(3);
  auto f6 = ds.count_async();
  auto got = f1.get();
  std::map<std::int64_t, std::int64_t> expected_sums;
  std::map<std::int64_t, std::int64_t> expected_counts;
  std::int64_t total = 0;
  for (auto& [k, v] : pairs) {
    expected_sums[k] += v;
    ++expected_counts[k];
    total += v;
  }
  CHECK(std::map<std::int64_t, std::int64_t>(got.begin(), got.end())
        == expected_sums);
  CHECK(f2.get() == expected_counts);
  CHECK(f3.get() == total);
  CHECK(f4.get() == total);
  CHECK(f5.get() == std::vector<kv>(pairs.begin(), pairs.begin() + 3));
  CHECK(f6.get() == 2000);

  // A std::future is all a caller needs.
  std::future<std::int64_t> plain = ds.count_async();
  CHECK(plain.get() == 2000);
  auto done = ds.foreach_async([](const kv&) {});
  done.get();
}

TEST_CASE("an async job can be cancelled while its tasks run") {
  context ctx{small_cluster(1, 2)};
  the_gate.reset();
  auto fut = ctx.range(0, 4, 1, 2).map(fn<&run_until_killed>).collect_async();
  REQUIRE(the_gate.wait_for(1)); // a task is running
  fut.cancel("by the test");
  try {
    fut.get();
    FAIL("a cancelled job must fail");
  } catch (const job_failed_error& e) {
    std::string what = e.what();
    CHECK(what.find("Job " + std::to_string(fut.job()) + " cancelled")
          != std::string::npos);
    CHECK(what.find("by the test") != std::string::npos);
  }
  // Later jobs are unaffected.
  CHECK(ctx.range(0, 100, 1, 4).count() == 100);

  SUBCASE("cancel_all_jobs cancels every running job") {
    the_gate.reset();
    auto one = ctx.range(0, 1, 1, 1).map(fn<&run_until_killed>).count_async();
    auto two = ctx.range(0, 1, 1, 1).map(fn<&run_until_killed>).count_async();
    REQUIRE(the_gate.wait_for(2));
    ctx.cancel_all_jobs("shutting down");
    CHECK_THROWS_AS(one.get(), job_failed_error);
    CHECK_THROWS_AS(two.get(), job_failed_error);
  }
  SUBCASE("cancelling a finished job does nothing") {
    auto quick = ctx.range(0, 10, 1, 2).count_async();
    CHECK(quick.get() == 10);
    quick.cancel();
    CHECK(ctx.range(0, 10, 1, 2).count() == 10);
  }
}

TEST_CASE("a stopped context runs no more jobs") {
  context ctx{small_cluster(1, 1)};
  auto ds = ctx.range(0, 10, 1, 2);
  CHECK(ds.count() == 10);
  CHECK_FALSE(ctx.stopped());
  ctx.stop();
  CHECK(ctx.stopped());
  CHECK_THROWS_AS(ds.count(), std::logic_error);
  CHECK_THROWS_AS(ds.collect_async(), std::logic_error);
  ctx.stop(); // idempotent

  context moved_from{small_cluster(1, 1)};
  auto before = moved_from.range(0, 5, 1, 1);
  context moved_to = std::move(moved_from);
  CHECK(before.count() == 5);
  CHECK(moved_to.range(0, 7, 1, 2).count() == 7);
}
