// The command line's pieces: option parsing, the progress bar and the job
// summary line.

#include "cli/cli_options.hpp"
#include "cli/job_summary.hpp"
#include "cli/progress_bar.hpp"

#include <doctest/doctest.h>

using namespace ember;
using namespace ember::cli;

TEST_CASE("options: run, example, its arguments and global flags") {
  auto o = parse_command_line({"run", "wordcount", "a.txt", "--top", "3",
                               "--master", "local[3]", "--conf",
                               "task_cpus=1", "--no-progress"});
  CHECK(o.command == "run");
  CHECK(o.example == "wordcount");
  CHECK(o.args == std::vector<std::string>{"a.txt", "--top", "3"});
  CHECK(o.cfg.executor_cores == 3);
  CHECK_FALSE(o.progress);
}

TEST_CASE("options: errors are one clear line") {
  CHECK_THROWS_WITH_AS(parse_command_line({}),
                       "missing command (try `ember --help`)", usage_error);
  CHECK_THROWS_WITH_AS(parse_command_line({"walk"}),
                       "unknown command 'walk' (try `ember --help`)",
                       usage_error);
  CHECK_THROWS_AS(parse_command_line({"run", "pi", "--master", "yarn"}),
                  usage_error);
  CHECK_THROWS_AS(parse_command_line({"run", "pi", "--conf", "nope=1"}),
                  config_error);
  CHECK(parse_command_line({"--help"}).help);
}

TEST_CASE("progress bar: Spark's format for up to three stages") {
  progress_bar bar{nullptr, false, std::chrono::milliseconds{0}, 40};
  bar.on_stage_submitted(stage_submitted{3, 0, "map", 40});
  for (int i = 0; i < 16; ++i) {
    task_info info;
    info.stage = 3;
    bar.on_task_start(task_start{info});
  }
  for (int i = 0; i < 14; ++i) {
    task_info info;
    info.stage = 3;
    bar.on_task_end(task_end{info, success_reason{}, {}});
  }
  auto line = bar.render();
  CHECK(line.rfind("[Stage 3:", 0) == 0);
  CHECK(line.find("(14 + 2) / 40]") != std::string::npos);
  CHECK(line.size() == 40);
  CHECK(line.find("=====>") != std::string::npos);
  bar.on_stage_submitted(stage_submitted{4, 0, "reduce", 10});
  bar.on_stage_submitted(stage_submitted{5, 0, "x", 10});
  bar.on_stage_submitted(stage_submitted{6, 0, "y", 10});
  auto four = bar.render();
  CHECK(four.find("[Stage 5:") != std::string::npos);
  CHECK(four.find("[Stage 6:") == std::string::npos);
  bar.on_stage_completed(stage_completed{3, 0, 40, {}});
  CHECK(bar.render().rfind("[Stage 4:", 0) == 0);
}

TEST_CASE("job summary: stages, tasks and result bytes by path") {
  std::string line;
  job_summary summary{[&](const std::string& s) { line = s; }};
  summary.on_job_start(job_start{7, std::chrono::system_clock::now(), {1, 2}});
  summary.on_stage_submitted(stage_submitted{1, 0, "map", 2});
  summary.on_stage_submitted(stage_submitted{2, 0, "result", 1});
  task_info info;
  info.stage = 2;
  task_metrics direct;
  direct.result_size = 100;
  task_metrics indirect;
  indirect.result_size = 4096;
  indirect.path = result_path::indirect;
  summary.on_task_end(task_end{info, success_reason{}, direct});
  summary.on_task_end(task_end{info, success_reason{}, indirect});
  summary.on_job_end(job_end{7, std::chrono::system_clock::now(), true, {}});
  CHECK(line.rfind("job 7 finished: 2 stages, 2 tasks, ", 0) == 0);
  CHECK(line.find("results 100.0 B inline / 4.0 KiB via BlockManager / 0.0 B "
                  "dropped")
        != std::string::npos);
}
