// Monte Carlo pi with the Dataset API.
//
//   build/examples/pi [samples]

#include "api/context.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>

int main(int argc, char** argv) {
  std::int64_t samples = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  ember::context ctx;
  auto hits = ctx.range(0, samples, 1, 16)
                .map_partitions([](std::vector<std::int64_t>&& xs) {
                  // One generator per partition, seeded by its first index.
                  std::mt19937_64 rng{xs.empty() ? 0u
                                                 : std::uint64_t(xs.front())};
                  std::int64_t in = 0;
                  for (std::size_t i = 0; i < xs.size(); ++i) {
                    auto x = double(rng() >> 11) / 9007199254740992.0;
                    auto y = double(rng() >> 11) / 9007199254740992.0;
                    in += x * x + y * y <= 1.0 ? 1 : 0;
                  }
                  return std::vector<std::int64_t>{in};
                })
                .reduce(std::plus<std::int64_t>{});
  auto pi = 4.0 * double(hits) / double(samples);
  std::printf("Pi is roughly %.5f\n", pi);
  return pi > 3.1 && pi < 3.2 ? 0 : 1;
}
