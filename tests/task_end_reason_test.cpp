// Tests of task end reasons (Spark's TaskEndReason): which failures count
// towards max_task_failures, the wire encoding (never an error on the
// driver), the error strings and the names.

#include "scheduler/task_end_reason.hpp"

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

using namespace ember;

namespace {

// The fields of each alternative, for comparing decoded reasons.
auto fields(const success_reason&) {
  return std::tuple<>{};
}
auto fields(const resubmitted_reason&) {
  return std::tuple<>{};
}
auto fields(const fetch_failed_reason& x) {
  return std::tie(x.executor, x.host, x.shuffle, x.map_id, x.map_index,
                  x.reduce_id, x.message);
}
auto fields(const exception_failure_reason& x) {
  return std::tie(x.class_name, x.description, x.stack);
}
auto fields(const task_result_lost_reason&) {
  return std::tuple<>{};
}
auto fields(const task_killed_reason& x) {
  return std::tie(x.reason);
}
auto fields(const executor_lost_failure_reason& x) {
  return std::tie(x.executor, x.exit_caused_by_app, x.reason);
}
auto fields(const unknown_reason&) {
  return std::tuple<>{};
}

bool same(const task_end_reason& x, const task_end_reason& y) {
  if (x.index() != y.index())
    return false;
  return std::visit(
    [&](const auto& a) {
      using T = std::decay_t<decltype(a)>;
      return fields(a) == fields(std::get<T>(y));
    },
    x);
}

fetch_failed_reason sample_fetch_failed() {
  fetch_failed_reason x;
  x.executor = "3";
  x.host = "host-3";
  x.shuffle = 7;
  x.map_id = 1234567890123;
  x.map_index = 5;
  x.reduce_id = 9;
  x.message = "block shuffle_7_5_9 not found";
  return x;
}

// One of every alternative, with non-default fields where there are any.
std::vector<task_end_reason> all_reasons() {
  return {
    success_reason{},
    resubmitted_reason{},
    sample_fetch_failed(),
    exception_failure_reason{"std::runtime_error", "division by zero",
                             "at map_fn\nat run_task"},
    task_result_lost_reason{},
    task_killed_reason{"another attempt succeeded"},
    executor_lost_failure_reason{"exec-2", false, "heartbeat timed out"},
    unknown_reason{},
  };
}

bool is_unknown(const task_end_reason& r) {
  return std::holds_alternative<unknown_reason>(r);
}

} // namespace

TEST_CASE("which failures count towards max_task_failures") {
  // Not the task's fault: do not count.
  CHECK_FALSE(counts_towards_task_failures(task_killed_reason{"speculation"}));
  CHECK_FALSE(counts_towards_task_failures(sample_fetch_failed()));
  CHECK_FALSE(counts_towards_task_failures(
    executor_lost_failure_reason{"1", false, "decommissioned"}));
  // The task's fault (or unknown): count.
  CHECK(counts_towards_task_failures(
    exception_failure_reason{"std::runtime_error", "boom", ""}));
  CHECK(counts_towards_task_failures(task_result_lost_reason{}));
  CHECK(counts_towards_task_failures(unknown_reason{}));
  CHECK(counts_towards_task_failures(
    executor_lost_failure_reason{"1", true, "OOM"}));
  // Spark's default for ExecutorLostFailure is exitCausedByApp = true.
  CHECK(counts_towards_task_failures(executor_lost_failure_reason{}));
}

TEST_CASE("every alternative survives an encode/decode round trip") {
  for (auto& reason : all_reasons()) {
    CAPTURE(reason_name(reason));
    auto encoded = encode_end_reason(reason);
    CHECK_FALSE(encoded.empty());
    auto decoded = decode_end_reason(encoded);
    CHECK(decoded.index() == reason.index());
    CHECK(same(decoded, reason));
  }
  // Flags and empty strings survive too.
  executor_lost_failure_reason caused{"e", true, ""};
  auto decoded = decode_end_reason(encode_end_reason(caused));
  REQUIRE(std::holds_alternative<executor_lost_failure_reason>(decoded));
  CHECK(std::get<executor_lost_failure_reason>(decoded).exit_caused_by_app);
  CHECK(std::get<executor_lost_failure_reason>(decoded).reason.empty());
  // The comparison itself tells different reasons apart.
  CHECK_FALSE(same(task_killed_reason{"a"}, task_killed_reason{"b"}));
  CHECK_FALSE(same(success_reason{}, unknown_reason{}));
}

TEST_CASE("undecodable payloads become unknown_reason") {
  CHECK(is_unknown(decode_end_reason("")));
  CHECK(is_unknown(decode_end_reason("x")));
  CHECK(is_unknown(decode_end_reason("garbage that is not a reason")));
  CHECK(is_unknown(decode_end_reason(std::string(4, '\xff')))); // index -1
  CHECK(is_unknown(decode_end_reason(std::string{"\x08\0\0\0", 4})));
  CHECK(is_unknown(decode_end_reason(std::string{"\x63\0\0\0", 4})));
  SUBCASE("every truncation of every reason") {
    for (auto& reason : all_reasons()) {
      auto encoded = encode_end_reason(reason);
      for (std::size_t n = 0; n < encoded.size(); ++n) {
        CAPTURE(reason_name(reason));
        CAPTURE(n);
        CHECK(is_unknown(decode_end_reason(encoded.substr(0, n))));
      }
    }
  }
  SUBCASE("implausible string length") {
    // fetch_failed (index 2) whose executor string claims 2^64 - 1 bytes.
    std::string bad{"\x02\0\0\0", 4};
    bad.append(8, '\xff');
    bad.append("3");
    CHECK(is_unknown(decode_end_reason(bad)));
  }
}

TEST_CASE("to_error_string") {
  CHECK(to_error_string(success_reason{}) == "Success");
  CHECK(to_error_string(resubmitted_reason{})
        == "Resubmitted (resubmitted due to lost executor)");
  CHECK(to_error_string(sample_fetch_failed())
        == "FetchFailed(executor=3, host=host-3, shuffleId=7, mapIndex=5, "
           "mapId=1234567890123, reduceId=9, message=block shuffle_7_5_9 "
           "not found)");
  CHECK(to_error_string(exception_failure_reason{"std::runtime_error",
                                                 "division by zero", ""})
        == "std::runtime_error: division by zero");
  CHECK(to_error_string(exception_failure_reason{"std::runtime_error",
                                                 "division by zero",
                                                 "at map_fn"})
        == "std::runtime_error: division by zero\nat map_fn");
  CHECK(to_error_string(task_result_lost_reason{})
        == "TaskResultLost (result lost from block manager)");
  CHECK(to_error_string(task_killed_reason{"stage cancelled"})
        == "TaskKilled (stage cancelled)");
  CHECK(to_error_string(executor_lost_failure_reason{"2", true, "OOM"})
        == "ExecutorLostFailure (executor 2 exited caused by one of the "
           "running tasks) Reason: OOM");
  CHECK(to_error_string(executor_lost_failure_reason{"2", false, "lost"})
        == "ExecutorLostFailure (executor 2 exited unrelated to the running "
           "tasks) Reason: lost");
  // As in Spark, where the reason is an Option: no reason, no suffix.
  CHECK(to_error_string(executor_lost_failure_reason{"2", false, ""})
        == "ExecutorLostFailure (executor 2 exited unrelated to the running "
           "tasks)");
  CHECK(to_error_string(unknown_reason{}) == "UnknownReason");
}

TEST_CASE("reason_name") {
  std::vector<std::string_view> names;
  for (auto& reason : all_reasons())
    names.push_back(reason_name(reason));
  CHECK(names
        == std::vector<std::string_view>{
          "Success", "Resubmitted", "FetchFailed", "ExceptionFailure",
          "TaskResultLost", "TaskKilled", "ExecutorLostFailure",
          "UnknownReason"});
}
