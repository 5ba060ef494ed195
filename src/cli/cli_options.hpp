#pragma once
// The command line of `ember`: `ember run <example> [args] [options]`.

#include "common/config.hpp"

#include <string>
#include <vector>

namespace ember::cli {

class usage_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

struct cli_options {
  config cfg;
  std::string command;          // "run"
  std::string example;          // "wordcount"
  std::vector<std::string> args; // the example's own arguments
  bool help = false;
  bool progress = true;
};

/// Parses argv[1..]. `--conf`, `--conf-file`, `--master`, `--log-level`,
/// `--no-progress` and `--help` may appear anywhere. Throws usage_error or
/// config_error with a one-line message.
cli_options parse_command_line(const std::vector<std::string>& argv);

/// Applies a --master value: local, local[N], local[*]. Throws usage_error
/// for anything else (cluster masters are not available yet).
void apply_master(config& cfg, const std::string& master);

} // namespace ember::cli
