#include "cli/cli_options.hpp"

#include <charconv>

namespace ember::cli {

void apply_master(config& cfg, const std::string& master) {
  if (master == "local") {
    cfg.local_executors = 1;
    cfg.executor_cores = 1;
    return;
  }
  if (master == "local[*]") {
    cfg.local_executors = 1;
    cfg.executor_cores = 0;
    return;
  }
  if (master.rfind("local[", 0) == 0 && master.back() == ']') {
    auto inner = master.substr(6, master.size() - 7);
    int n = 0;
    auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(),
                                     n);
    if (ec == std::errc{} && ptr == inner.data() + inner.size() && n > 0) {
      cfg.local_executors = 1;
      cfg.executor_cores = n;
      return;
    }
  }
  if (master.rfind("local-cluster[", 0) == 0 || master.rfind("ember://", 0) == 0)
    throw usage_error("--master " + master
                      + ": cluster mode is not available in this build yet; "
                        "use local, local[N] or local[*]");
  throw usage_error("--master " + master
                    + ": expected local, local[N] or local[*]");
}

cli_options parse_command_line(const std::vector<std::string>& argv) {
  cli_options opts;
  auto rest = opts.cfg.apply_args(argv);
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const auto& a = rest[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (i + 1 >= rest.size())
        throw usage_error(flag + " needs a value");
      return rest[++i];
    };
    if (a == "--help" || a == "-h") {
      opts.help = true;
    } else if (a == "--no-progress") {
      opts.progress = false;
    } else if (a == "--master") {
      apply_master(opts.cfg, value(a));
    } else if (a.rfind("--master=", 0) == 0) {
      apply_master(opts.cfg, a.substr(9));
    } else if (a == "--log-level") {
      opts.cfg.set("log_level", value(a));
    } else if (a.rfind("--log-level=", 0) == 0) {
      opts.cfg.set("log_level", a.substr(12));
    } else {
      positional.push_back(a);
    }
  }
  if (!positional.empty())
    opts.command = positional[0];
  if (positional.size() > 1)
    opts.example = positional[1];
  for (std::size_t i = 2; i < positional.size(); ++i)
    opts.args.push_back(positional[i]);
  if (!opts.help && opts.command.empty())
    throw usage_error("missing command (try `ember --help`)");
  if (!opts.command.empty() && opts.command != "run")
    throw usage_error("unknown command '" + opts.command
                      + "' (try `ember --help`)");
  if (!opts.help && opts.example.empty())
    throw usage_error("`ember run` needs an example name (try `ember run "
                      "--help`)");
  opts.cfg.validate();
  return opts;
}

} // namespace ember::cli
