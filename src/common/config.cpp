#include "common/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>

namespace ember {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Splits "123abc" into 123 and "abc"; throws if there is no leading number.
std::pair<std::int64_t, std::string> split_number(std::string_view text,
                                                  std::string_view what) {
  auto s = trim(text);
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || n < 0)
    throw config_error("expected a non-negative " + std::string{what}
                       + ", got '" + std::string{text} + "'");
  return {n, lower(trim(std::string_view{
                ptr, static_cast<std::size_t>(s.data() + s.size() - ptr)}))};
}

std::int64_t checked_mul(std::int64_t n, std::int64_t factor,
                         std::string_view text) {
  if (n > std::numeric_limits<std::int64_t>::max() / factor)
    throw config_error("value out of range: '" + std::string{text} + "'");
  return n * factor;
}

int parse_int(std::string_view text, int min_value) {
  auto s = trim(text);
  int n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || ptr != s.data() + s.size())
    throw config_error("expected an integer, got '" + std::string{text}
                       + "'");
  if (n < min_value)
    throw config_error("expected an integer >= " + std::to_string(min_value)
                       + ", got '" + std::string{text} + "'");
  return n;
}

std::string format_ms(config::duration d) {
  return std::to_string(d.count()) + "ms";
}

struct key_info {
  std::string_view name;
  std::function<void(config&, std::string_view)> set;
  std::function<std::string(const config&)> get;
};

template <class Field>
key_info size_key(std::string_view name, Field field) {
  return {name,
          [field](config& c, std::string_view v) { c.*field = parse_size(v); },
          [field](const config& c) { return std::to_string(c.*field); }};
}

template <class Field>
key_info int_key(std::string_view name, Field field, int min_value) {
  return {name,
          [field, min_value](config& c, std::string_view v) {
            c.*field = parse_int(v, min_value);
          },
          [field](const config& c) { return std::to_string(c.*field); }};
}

template <class Field>
key_info duration_key(std::string_view name, Field field) {
  return {name,
          [field](config& c, std::string_view v) {
            c.*field = parse_duration(v);
          },
          [field](const config& c) { return format_ms(c.*field); }};
}

const std::vector<key_info>& keys() {
  static const std::vector<key_info> result = {
    size_key("max_result_size", &config::max_result_size),
    size_key("max_direct_result_size", &config::max_direct_result_size),
    size_key("frame_size", &config::frame_size),
    size_key("frame_reserved_bytes", &config::frame_reserved_bytes),
    int_key("result_getter_threads", &config::result_getter_threads, 1),
    int_key("max_task_failures", &config::max_task_failures, 1),
    int_key("task_cpus", &config::task_cpus, 1),
    duration_key("locality_wait", &config::locality_wait),
    duration_key("locality_wait_process", &config::locality_wait_process),
    duration_key("locality_wait_node", &config::locality_wait_node),
    duration_key("locality_wait_rack", &config::locality_wait_rack),
    duration_key("revive_interval", &config::revive_interval),
    int_key("max_consecutive_stage_attempts",
            &config::max_consecutive_stage_attempts, 1),
    duration_key("resubmit_delay", &config::resubmit_delay),
    size_key("max_bytes_in_flight", &config::max_bytes_in_flight),
    int_key("max_reqs_in_flight", &config::max_reqs_in_flight, 1),
    int_key("local_executors", &config::local_executors, 1),
    int_key("executor_cores", &config::executor_cores, 0),
    size_key("storage_memory", &config::storage_memory),
    size_key("storage_disk", &config::storage_disk),
    {"local_dir",
     [](config& c, std::string_view v) { c.local_dir = std::string{trim(v)}; },
     [](const config& c) { return c.local_dir; }},
    {"log_level",
     [](config& c, std::string_view v) {
       static constexpr std::string_view levels[] = {
         "trace", "debug", "info", "warn", "error", "critical", "off"};
       auto s = lower(trim(v));
       if (std::find(std::begin(levels), std::end(levels), s)
           == std::end(levels))
         throw config_error("expected one of trace, debug, info, warn, "
                            "error, critical, off; got '"
                            + std::string{v} + "'");
       c.log_level = s;
     },
     [](const config& c) { return c.log_level; }},
  };
  return result;
}

} // namespace

std::int64_t parse_size(std::string_view text) {
  auto [n, unit] = split_number(text, "size");
  if (unit.empty() || unit == "b")
    return n;
  static constexpr std::pair<std::string_view, int> units[] = {
    {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20}, {"mb", 20},
    {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40},
    {"tb", 40}, {"tib", 40},
  };
  for (auto& [name, shift] : units)
    if (unit == name)
      return checked_mul(n, std::int64_t{1} << shift, text);
  throw config_error("unknown size unit in '" + std::string{text}
                     + "' (use b, k, m, g or t)");
}

config::duration parse_duration(std::string_view text) {
  auto [n, unit] = split_number(text, "duration");
  if (unit.empty() || unit == "ms")
    return config::duration{n};
  if (unit == "s")
    return config::duration{checked_mul(n, 1000, text)};
  if (unit == "m" || unit == "min")
    return config::duration{checked_mul(n, 60'000, text)};
  if (unit == "h")
    return config::duration{checked_mul(n, 3'600'000, text)};
  throw config_error("unknown duration unit in '" + std::string{text}
                     + "' (use ms, s, m or h)");
}

std::int64_t config::direct_result_limit() const noexcept {
  return std::min(frame_size - frame_reserved_bytes, max_direct_result_size);
}

config::duration config::locality_wait_for_process() const noexcept {
  return locality_wait_process.count() >= 0 ? locality_wait_process
                                            : locality_wait;
}

config::duration config::locality_wait_for_node() const noexcept {
  return locality_wait_node.count() >= 0 ? locality_wait_node : locality_wait;
}

config::duration config::locality_wait_for_rack() const noexcept {
  return locality_wait_rack.count() >= 0 ? locality_wait_rack : locality_wait;
}

void config::set(std::string_view key, std::string_view value) {
  auto k = trim(key);
  for (auto& info : keys()) {
    if (info.name == k) {
      try {
        info.set(*this, value);
      } catch (const config_error& e) {
        throw config_error("bad value for config key '" + std::string{k}
                           + "': " + e.what());
      }
      return;
    }
  }
  throw config_error("unknown config key '" + std::string{k}
                     + "' (see `ember --help` for the list of keys)");
}

void config::set(std::string_view key_eq_value) {
  auto pos = key_eq_value.find('=');
  if (pos == std::string_view::npos)
    throw config_error("expected key=value, got '" + std::string{key_eq_value}
                       + "'");
  set(key_eq_value.substr(0, pos), key_eq_value.substr(pos + 1));
}

void config::load_file(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw config_error("cannot read config file '" + path + "'");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto s = std::string_view{line};
    if (auto hash = s.find('#'); hash != std::string_view::npos)
      s = s.substr(0, hash);
    s = trim(s);
    if (s.empty())
      continue;
    // As in Spark's properties files, the first '=' or blank ends the key;
    // blanks and one '=' after it are skipped, so a value may contain '='.
    auto pos = s.find_first_of("= \t");
    if (pos == std::string_view::npos)
      throw config_error(path + ":" + std::to_string(line_no)
                         + ": expected 'key = value', got '"
                         + std::string{s} + "'");
    auto value = trim(s.substr(pos + 1));
    if (s[pos] != '=' && !value.empty() && value.front() == '=')
      value = trim(value.substr(1));
    try {
      set(s.substr(0, pos), value);
    } catch (const config_error& e) {
      throw config_error(path + ":" + std::to_string(line_no) + ": "
                         + e.what());
    }
  }
}

std::vector<std::string>
config::apply_args(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--conf" || a == "--conf-file") {
      if (i + 1 >= args.size())
        throw config_error(a + " needs an argument");
      if (a == "--conf")
        set(args[++i]);
      else
        load_file(args[++i]);
    } else if (a.rfind("--conf=", 0) == 0) {
      set(std::string_view{a}.substr(7));
    } else if (a.rfind("--conf-file=", 0) == 0) {
      load_file(a.substr(12));
    } else {
      rest.push_back(a);
    }
  }
  return rest;
}

void config::validate() const {
  if (frame_size <= frame_reserved_bytes)
    throw config_error("frame_size (" + std::to_string(frame_size)
                       + ") must be larger than frame_reserved_bytes ("
                       + std::to_string(frame_reserved_bytes) + ")");
  if (executor_cores > 0 && task_cpus > executor_cores)
    throw config_error("task_cpus (" + std::to_string(task_cpus)
                       + ") exceeds executor_cores ("
                       + std::to_string(executor_cores)
                       + "): no task could ever run");
}

std::vector<std::pair<std::string, std::string>> config::describe() const {
  std::vector<std::pair<std::string, std::string>> result;
  for (auto& info : keys())
    result.emplace_back(std::string{info.name}, info.get(*this));
  return result;
}

} // namespace ember
