// `ember`: runs Ember's built-in examples.
//
//   ember run wordcount data/sample.txt --top 10
//   ember run pi 100000000 --master local[2] --conf locality_wait=0
//   ember --help

#include "api/engine.hpp"
#include "cli/cli_options.hpp"
#include "cli/examples.hpp"
#include "cli/job_summary.hpp"
#include "cli/progress_bar.hpp"
#include "common/logging.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>

namespace {

void print_help() {
  std::printf(
    "Usage: ember run <example> [args...] [options]\n"
    "\n"
    "Examples:\n");
  for (auto& ex : ember::cli::examples())
    std::printf("  %-48s %s\n", ex.usage, ex.summary);
  std::printf(
    "\n"
    "Options:\n"
    "  --master local|local[N]|local[*]  where to run (default local[*])\n"
    "  --conf key=value                  set a configuration key\n"
    "  --conf-file FILE                  read `key = value` lines\n"
    "  --log-level LEVEL                 trace, debug, info, warn, error, off\n"
    "  --no-progress                     no progress bar on stderr\n"
    "  --help                            this text\n"
    "\n"
    "Configuration keys (defaults):\n");
  ember::config defaults;
  for (auto& [k, v] : defaults.describe())
    std::printf("  %-32s %s\n", k.c_str(), v.empty() ? "(none)" : v.c_str());
}

} // namespace

int main(int argc, char** argv) {
  using namespace ember::cli;
  cli_options opts;
  try {
    opts = parse_command_line({argv + 1, argv + argc});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember: %s\n", e.what());
    return 2;
  }
  if (opts.help) {
    print_help();
    return 0;
  }
  const example* ex = nullptr;
  for (auto& candidate : examples())
    if (opts.example == candidate.name)
      ex = &candidate;
  if (ex == nullptr) {
    std::fprintf(stderr, "ember: unknown example '%s' (try `ember --help`)\n",
                 opts.example.c_str());
    return 2;
  }
  try {
    if (opts.cfg.log_level == "info" && std::getenv("EMBER_LOG_LEVEL") == nullptr)
      opts.cfg.log_level = "warn"; // the CLI prints its own summary
    ember::engine eng{opts.cfg};
    auto bar = std::make_shared<progress_bar>(stderr, false);
    if (opts.progress)
      eng.add_listener(bar);
    eng.add_listener(std::make_shared<job_summary>([bar](const std::string& s) {
      bar->clear();
      std::fprintf(stderr, "%s\n", s.c_str());
    }));
    auto rc = ex->run(eng, opts.args);
    eng.wait_for_listeners(std::chrono::seconds{5});
    bar->clear();
    return rc;
  } catch (const usage_error& e) {
    std::fprintf(stderr, "ember: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember: %s\n", e.what());
    return 1;
  }
}
