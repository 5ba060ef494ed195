#pragma once
// Where a task would like to run, and how well an offer matches that.

#include "common/ids.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace ember {

/// A preferred location: a host, or a host plus an executor holding the
/// task's data in memory (Spark's ExecutorCacheTaskLocation).
struct task_location {
  std::string host;
  executor_id executor; // empty: any executor on `host`

  friend bool operator==(const task_location&, const task_location&) = default;
};

/// Locality levels, best first (Spark's TaskLocality).
enum class locality_level : std::uint8_t {
  process_local = 0,
  node_local = 1,
  no_pref = 2,
  rack_local = 3,
  any = 4,
};

constexpr std::string_view to_string(locality_level l) noexcept {
  switch (l) {
    case locality_level::process_local:
      return "PROCESS_LOCAL";
    case locality_level::node_local:
      return "NODE_LOCAL";
    case locality_level::no_pref:
      return "NO_PREF";
    case locality_level::rack_local:
      return "RACK_LOCAL";
    case locality_level::any:
      return "ANY";
  }
  return "?";
}

/// `a` is as good as or better than `b`.
constexpr bool is_allowed(locality_level constraint,
                          locality_level level) noexcept {
  return static_cast<int>(level) <= static_cast<int>(constraint);
}

} // namespace ember
