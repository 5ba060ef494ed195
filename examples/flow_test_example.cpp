// A flow test for your own job, written with Ember's public testing API
// (installed as <ember/testing/flow_test.hpp>): no test framework needed.
//
// The job counts the vowels of each partition's text with a task function
// registered by this program. The test checks how its messages flow:
// the driver launches the task on the executor, the executor reports
// RUNNING and then FINISHED with a direct result, a TaskResultGetter
// decodes it and the DAG scheduler gets the completion. Then it runs the
// same job again while the first FINISHED update is delayed, and checks
// the job still completes. It prints the Mermaid sequence diagram of the
// first run and exits 0 on success, 1 with an explanation otherwise.

#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "common/serialization.hpp"
#include "testing/flow_test.hpp"

#include <cereal/types/string.hpp>

#include <cstdint>
#include <iostream>
#include <string>

namespace {

std::int64_t count_vowels(ember::task_context&, const int& /*unused*/,
                          const std::string& text) {
  std::int64_t n = 0;
  for (char c : text)
    n += std::string_view{"aeiouAEIOU"}.find(c) != std::string_view::npos;
  return n;
}

EMBER_TASK(count_vowels, &count_vowels);

ember::job_spec vowel_job(const std::vector<std::string>& texts) {
  ember::job_spec spec;
  spec.name = "vowels";
  spec.function = "count_vowels";
  spec.args = ember::encode(0);
  spec.num_partitions = static_cast<int>(texts.size());
  for (auto& t : texts)
    spec.partition_inputs.emplace_back(ember::encode(t));
  return spec;
}

void check(bool ok, const std::string& what) {
  if (!ok)
    throw ember::testing::flow_expectation_error{"check failed: " + what};
}

} // namespace

int main() {
  using namespace ember::testing;
  try {
    ember::set_log_level("warn");
    ember::config cfg;
    {
      flow_fixture f{cfg}; // a driver and executor "0", step by step
      auto waiter = f.submit(vowel_job({"actor framework"}));
      f.expect(msg("submit_job").from("test").to("dag"));
      f.expect(msg("submit_task_set").from("dag").to("driver"));
      f.expect(msg("launch_task").from("driver").to("executor:0").tid(0));
      f.expect(msg("status_update").from("executor:0").to("driver").tid(0)
                 .state("RUNNING"));
      f.expect_none(msg("status_update").state("FINISHED")); // not yet run
      f.run_task("0");
      f.run_until_idle();
      f.expect_sequence(
        {msg("task_finished").to("executor:0").tid(0),
         msg("status_update").to("driver").tid(0).state("FINISHED")
           .with("result", "direct"),
         msg("fetch_result").from("driver").to("getter").tid(0),
         msg("result_fetched").from("getter").to("driver").tid(0),
         msg("completion_event").from("driver").to("dag").tid(0)
           .with("reason", "Success")});
      f.expect_none(msg("get_block")); // small results travel inline
      auto values = int_values(waiter->wait());
      check(values == std::vector<std::int64_t>{5}, "5 vowels");
      std::cout << render_mermaid(f.trace());
    }
    {
      flow_fixture f{cfg};
      f.faults().delay(msg("status_update").state("FINISHED"), 2);
      auto waiter = f.submit(vowel_job({"flow", "tests"}));
      f.run_until_idle();
      check(count(f.trace(), msg("status_update").as(delivery::held)) == 1,
            "one FINISHED update was held back");
      check(int_values(waiter->wait()) == std::vector<std::int64_t>{1, 1},
            "the job completes anyway");
    }
  } catch (const std::exception& e) {
    std::cerr << "flow test failed: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
