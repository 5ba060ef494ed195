#pragma once
// Message-flow testing for Ember: everything a flow test needs, in one
// include.
//
//   #include "testing/flow_test.hpp"        // installed: <ember/testing/...>
//   using namespace ember::testing;
//
//   flow_fixture f{config{}};                // driver + 1 executor, 2 cores
//   auto waiter = f.submit(sized_job({100'000}));
//   f.run_until_idle();
//   f.expect_sequence({msg("launch_task").to("executor:0").tid(0),
//                      msg("status_update").state("FINISHED")
//                        .with("result", "indirect"),
//                      msg("get_block").from("getter").to("bm:0")});
//   std::cout << render_mermaid(f.trace());
//
// | header                  | concept                                      |
// | ----------------------- | -------------------------------------------- |
// | flow_fixture.hpp        | the deterministic runtime, stepping, faults  |
// | trace.hpp               | recorded messages (roles, type, key fields)  |
// | message_pattern.hpp     | msg("type").from(..).to(..).with(k, v)       |
// | expectations.hpp        | sequences, counts and absences over a trace  |
// | fault_plan.hpp          | drop, delay, remove a block, lose an executor|
// | trace_render.hpp        | Mermaid and SVG sequence diagrams            |
// | test_jobs.hpp           | built-in test task functions and their jobs  |
// | recording_listener.hpp  | listener events for assertions               |
// | message_catalog.hpp     | how each message type is named and described |
//
// None of these headers includes CAF beyond caf/fwd.hpp.

#include "testing/expectations.hpp"
#include "testing/fault_plan.hpp"
#include "testing/flow_fixture.hpp"
#include "testing/message_pattern.hpp"
#include "testing/recording_listener.hpp"
#include "testing/test_jobs.hpp"
#include "testing/trace.hpp"
#include "testing/trace_render.hpp"
