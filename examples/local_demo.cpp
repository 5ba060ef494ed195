// Ember's first demo, in local mode: a Monte Carlo estimate of pi over many
// tasks, then a job whose results cross the direct-result limit (and one
// whose result exceeds max_result_size), printing where each result went.
//
//   build/examples/local_demo [--conf key=value ...]

#include "api/engine.hpp"
#include "api/task_registry.hpp"
#include "common/logging.hpp"

#include <cereal/types/vector.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

// Counts random points of the unit square that fall inside the circle.
// Seeded by partition, so every run gives the same estimate.
std::int64_t pi_sample(ember::task_context& ctx,
                       const std::int64_t& samples) {
  std::mt19937_64 rng{0x9e3779b97f4a7c15ull ^ std::uint64_t(ctx.partition())};
  std::uniform_real_distribution<double> dist{-1.0, 1.0};
  std::int64_t hits = 0;
  for (std::int64_t i = 0; i < samples; ++i) {
    auto x = dist(rng);
    auto y = dist(rng);
    if (x * x + y * y <= 1.0)
      ++hits;
  }
  return hits;
}

// Returns `size` bytes (this partition's input), filled with a pattern.
std::vector<char> sized_result(ember::task_context& ctx, const int& tag,
                               const std::int64_t& size) {
  std::vector<char> out(static_cast<std::size_t>(size));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>((i + ctx.partition() + tag) & 0x7f);
  return out;
}

EMBER_TASK(pi_sample, &pi_sample);
EMBER_TASK(sized_result, &sized_result);

void print_tasks(const ember::job_result& res) {
  std::printf("  %-9s %-5s %-8s %-14s %s\n", "partition", "tid", "executor",
              "result bytes", "travelled");
  for (auto& t : res.tasks)
    std::printf("  %-9d %-5lld %-8s %-14lld %s\n", t.partition,
                static_cast<long long>(t.tid), t.executor.c_str(),
                static_cast<long long>(t.metrics.result_size),
                std::string{ember::to_string(t.metrics.path)}.c_str());
}

} // namespace

int main(int argc, char** argv) {
  ember::config cfg;
  try {
    auto rest = cfg.apply_args({argv + 1, argv + argc});
    if (!rest.empty()) {
      std::cerr << "error: unknown argument '" << rest.front() << "'\n";
      return 2;
    }
    cfg.validate();
  } catch (const ember::config_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  }
  ember::engine eng{cfg};

  // 1. Pi over 64 tasks.
  const std::int64_t samples = 200'000;
  const int tasks = 64;
  ember::job_result details;
  auto hits = eng.run<std::int64_t>("pi_sample", samples, tasks, &details);
  std::int64_t total = 0;
  for (auto h : hits)
    total += h;
  auto pi = 4.0 * double(total) / double(samples * tasks);
  std::printf("Pi is roughly %.6f (%d tasks, %lld samples, %zu results "
              "inline, job took %.1f ms)\n",
              pi, tasks, static_cast<long long>(samples * tasks),
              details.count(ember::result_path::direct),
              double(details.duration.count()) / 1e6);

  // 2. Results on both sides of the direct-result limit.
  auto limit = cfg.direct_result_limit();
  std::vector<std::int64_t> sizes{1024, limit / 2, limit + 1, 4 * limit,
                                  16 * limit};
  auto values = eng.run<std::vector<char>>("sized_result", 7, sizes,
                                           &details);
  std::printf("\nResults around the direct limit (%lld bytes):\n",
              static_cast<long long>(limit));
  print_tasks(details);
  bool intact = true;
  for (std::size_t p = 0; p < values.size(); ++p) {
    intact = intact && values[p].size() == std::size_t(sizes[p]);
    for (std::size_t i = 0; intact && i < values[p].size(); i += 4099)
      intact = values[p][i] == static_cast<char>((i + p + 7) & 0x7f);
  }
  std::printf("  all results intact: %s\n", intact ? "yes" : "NO");

  // 3. A result above max_result_size is dropped and the job aborts. Use a
  // small limit so the demo stays light.
  auto strict = cfg;
  strict.max_result_size = 8 << 20;
  ember::engine strict_eng{strict};
  std::vector<std::int64_t> too_big{strict.max_result_size + 1};
  try {
    strict_eng.run<std::vector<char>>("sized_result", 7, too_big);
    std::printf("\nunexpected: the oversized job succeeded\n");
    return 1;
  } catch (const ember::job_failed_error& e) {
    std::printf("\nA %lld-byte result with max_result_size=%lld was dropped "
                "and its job aborted:\n  %s\n",
                static_cast<long long>(too_big[0]),
                static_cast<long long>(strict.max_result_size), e.what());
  }
  return intact ? 0 : 1;
}
