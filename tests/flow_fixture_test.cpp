// The flow fixture itself: stepping, strict and sequence expectations,
// absences, patterns, and the trace's text.

#include "testing/flow_test.hpp"

#include <doctest/doctest.h>

using namespace ember;
using namespace ember::testing;

namespace {

// A one-task job on one executor, as every Ember version so far runs it.
constexpr const char* one_task_trace
  = "#1 t=0ms test -> dag submit_job name=value function=ember_test_value "
    "partitions=1\n"
    "#2 t=0ms dag -> driver submit_task_set stage=0.0 tasks=1\n"
    "#3 t=0ms driver -> dag task_started_event tid=0 executor=0\n"
    "#4 t=0ms driver -> executor:0 launch_task tid=0 stage=0.0 "
    "partition=0\n"
    "#5 t=0ms executor:0 -> driver status_update executor=0 tid=0 "
    "state=RUNNING\n"
    "#6 t=0ms executor:0 -> executor:0 task_finished tid=0 "
    "state=FINISHED\n"
    "#7 t=0ms executor:0 -> driver status_update executor=0 tid=0 "
    "state=FINISHED result=direct size=74\n"
    "#8 t=0ms driver -> getter fetch_result tid=0 executor=0 "
    "result=direct size=74\n"
    "#9 t=0ms getter -> driver result_fetched tid=0 size=74\n"
    "#10 t=0ms driver -> dag completion_event tid=0 partition=0 "
    "reason=Success\n";

} // namespace

TEST_CASE("the trace of a one-task job, as text") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(1));
  f.run_until_idle();
  REQUIRE(waiter->done());
  CHECK(f.trace().to_text() == one_task_trace);
  CHECK(f.steps() == 10);
  CHECK(f.trace().roles()
        == std::vector<std::string>{"test", "dag", "driver", "getter",
                                    "executor:0"});
}

TEST_CASE("the startup is recorded on request") {
  flow_options opts;
  opts.record_startup = true;
  flow_fixture f{opts};
  f.expect_sequence(
    {msg("attach_driver").from("test").to("dag"),
     msg("register_executor").from("executor:0").to("driver")
       .with("cores", "2"),
     msg("register_executor_reply").from("driver").to("executor:0")
       .with("ok", "true"),
     msg("executor_added_event").from("driver").to("dag")});
  flow_fixture quiet{config{}};
  CHECK(quiet.trace().empty());
  CHECK(quiet.steps() == 0);
}

TEST_CASE("step delivers one message at a time") {
  flow_fixture f{config{}};
  CHECK_FALSE(f.step());
  f.submit(value_job(1));
  auto ev = f.step();
  REQUIRE(ev);
  CHECK(ev->step == 1);
  CHECK(ev->label()
        == "submit_job name=value function=ember_test_value partitions=1");
  CHECK(f.steps() == 1);
  CHECK(f.trace().size() == 1);
  CHECK(f.run_messages() == 4); // up to RUNNING; the task waits
  CHECK_FALSE(f.step());
  CHECK(f.queued_tasks("0") == 1);
}

TEST_CASE("expect checks the next message to a role and delivers it") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(1));
  f.expect(msg("submit_job").from("test").to("dag"));
  f.expect(msg("submit_task_set").from("dag").to("driver").with("tasks", "1"));
  auto launch = f.expect(msg("launch_task").from("driver").to("executor:0"));
  CHECK(*launch.field("tid") == "0");
  // The wrong expectation names what is there instead.
  CHECK_THROWS_WITH_AS(
    f.expect(msg("status_update").to("driver").state("FINISHED")),
    doctest::Contains("status_update executor=0 tid=0 state=RUNNING"),
    flow_expectation_error);
  f.expect(msg("status_update").from("executor:0").to("driver").tid(0)
             .state("RUNNING"));
  f.expect(msg("task_started_event").to("dag"));
  CHECK_THROWS_AS(f.expect(msg().to("getter")), flow_expectation_error);
  f.run_task("0");
  f.expect(msg("task_finished").from("executor:0").to("executor:0"));
  f.expect(msg("status_update").state("FINISHED").with("result", "direct"));
  f.expect(msg("fetch_result").to("getter")); // any member of the pool
  f.expect(msg("result_fetched").from("getter").to("driver"));
  f.expect(msg("completion_event").to("dag"));
  CHECK(waiter->done());
}

TEST_CASE("run_until stops at the first matching message") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(2));
  auto ev = f.run_until(msg("status_update").tid(1).state("FINISHED"));
  CHECK(ev.from == "executor:0");
  CHECK_FALSE(waiter->done());
  f.run_until_idle();
  CHECK(waiter->done());
  CHECK_THROWS_WITH_AS(f.run_until(msg("launch_task")),
                       doctest::Contains("went idle before launch_task"),
                       flow_expectation_error);
}

TEST_CASE("expect_none covers recorded and waiting messages") {
  flow_fixture f{config{}};
  f.submit(value_job(1));
  f.expect_none(msg("kill_task"));
  // Sent but not delivered yet: still a message that was sent.
  CHECK_THROWS_WITH_AS(f.expect_none(msg("submit_job")),
                       doctest::Contains("one is waiting"),
                       flow_expectation_error);
  auto waiting = f.pending();
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].to == "dag");
  f.run_until_idle();
  CHECK_THROWS_WITH_AS(f.expect_none(msg("launch_task").tid(0)),
                       doctest::Contains("launch_task tid=0"),
                       flow_expectation_error);
  f.expect_none(msg("launch_task").tid(1));
  f.expect_none(msg().from("bm"));
}

TEST_CASE("expect_sequence names the first missing item") {
  flow_fixture f{config{}};
  f.submit(value_job(1));
  f.run_until_idle();
  auto seq = f.expect_sequence({msg("launch_task"), msg("result_fetched")});
  CHECK(seq[0].step < seq[1].step);
  // Out of order: the launch comes before the result.
  CHECK_THROWS_WITH_AS(
    f.expect_sequence({msg("result_fetched"), msg("launch_task")}),
    doctest::Contains("item 2 of 2 not found: launch_task"),
    flow_expectation_error);
}

TEST_CASE("run_messages_except leaves a role's messages waiting") {
  flow_fixture f{config{}};
  auto waiter = f.submit(value_job(1));
  f.run_messages();
  f.run_task("0");
  f.run_messages_except("getter");
  auto waiting = f.pending();
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].type == "fetch_result");
  CHECK(waiting[0].to == "getter");
  CHECK_FALSE(waiter->done());
  f.run_messages();
  CHECK(waiter->done());
}

TEST_CASE("patterns match roles, role families, fields and lists") {
  message_event ev;
  ev.from = "driver";
  ev.to = "executor:12";
  ev.type = "launch_task";
  ev.fields = {{"tid", "3,14"}, {"stage", "0.0"}};
  CHECK(msg().matches(ev));
  CHECK(msg("launch_task").from("driver").to("executor").matches(ev));
  CHECK(msg().to("executor:12").tid(14).tid(3).matches(ev));
  CHECK_FALSE(msg().to("executor:1").matches(ev));
  CHECK_FALSE(msg().tid(1).matches(ev));
  CHECK_FALSE(msg().with("partition", "0").matches(ev));
  CHECK_FALSE(msg("status_update").matches(ev));
  CHECK_FALSE(msg().as(delivery::dropped).matches(ev));
  CHECK(role_matches("bm", "bm:0"));
  CHECK_FALSE(role_matches("bm", "bmx"));
  CHECK(msg("launch_task").from("driver").tid(3).to_string()
        == "launch_task from driver with tid=3");
}
