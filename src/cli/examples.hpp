#pragma once
// The examples `ember run` knows.

#include "api/engine.hpp"

#include <string>
#include <vector>

namespace ember::cli {

struct example {
  const char* name;
  const char* usage;
  const char* summary;
  /// Runs the example; returns the exit code. Throws usage_error for bad
  /// arguments.
  int (*run)(engine& eng, const std::vector<std::string>& args);
};

const std::vector<example>& examples();

} // namespace ember::cli
