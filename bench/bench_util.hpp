#pragma once
// Small helpers shared by the bench programs: clocks, percentiles, the
// process's resident memory, and the `name value unit` output lines that
// bench/run.sh collects.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace ember::bench {

using clock_type = std::chrono::steady_clock;

inline double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

/// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"), or -1.
inline std::int64_t proc_status_bytes(const std::string& field) {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      auto kb = std::stoll(line.substr(field.size() + 1));
      return kb * 1024;
    }
  }
  return -1;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0: "5" > clear_refs).
/// Returns false if the kernel refused; the peak then covers the whole
/// process lifetime (each measurement runs in its own process anyway).
inline bool reset_peak_rss() {
  std::ofstream out{"/proc/self/clear_refs"};
  if (!out)
    return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// The q-quantile (0..1) of `xs` (nearest rank).
inline double quantile(std::vector<double> xs, double q) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto rank = static_cast<std::size_t>(q * static_cast<double>(xs.size()));
  if (rank >= xs.size())
    rank = xs.size() - 1;
  return xs[rank];
}

/// One result line: `name value unit`.
inline void report(const std::string& name, double value,
                   const std::string& unit) {
  std::printf("%s %.6g %s\n", name.c_str(), value, unit.c_str());
  std::fflush(stdout);
}

inline void report_text(const std::string& name, const std::string& text) {
  std::printf("%s %s\n", name.c_str(), text.c_str());
  std::fflush(stdout);
}

} // namespace ember::bench
