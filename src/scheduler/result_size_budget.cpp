#include "scheduler/result_size_budget.hpp"

#include <cstdio>

namespace ember {

bool result_size_budget::try_add(std::int64_t size, std::string& error) {
  auto total = total_.fetch_add(size) + size;
  auto tasks = tasks_.fetch_add(1) + 1;
  if (limit_ > 0 && total > limit_) {
    error = "Total size of serialized results of " + std::to_string(tasks)
            + " tasks (" + format_bytes(total)
            + ") is bigger than max_result_size (" + format_bytes(limit_)
            + ")";
    return false;
  }
  return true;
}

std::string format_bytes(std::int64_t size) {
  static constexpr const char* units[] = {"EiB", "PiB", "TiB",
                                          "GiB", "MiB", "KiB"};
  static constexpr int shifts[] = {60, 50, 40, 30, 20, 10};
  char buf[64];
  for (int i = 0; i < 6; ++i) {
    auto unit = std::uint64_t{1} << shifts[i];
    if (size >= 0 && static_cast<std::uint64_t>(size) >= 2 * unit) {
      // Spark prints a BigDecimal with "%.1f", which rounds half up; in
      // tenths, exactly (rem * 10 + unit / 2 < 2^64 for unit <= 2^60).
      auto n = static_cast<std::uint64_t>(size);
      auto tenths = n / unit * 10 + (n % unit * 10 + unit / 2) / unit;
      std::snprintf(buf, sizeof(buf), "%llu.%llu %s",
                    static_cast<unsigned long long>(tenths / 10),
                    static_cast<unsigned long long>(tenths % 10), units[i]);
      return buf;
    }
  }
  std::snprintf(buf, sizeof(buf), "%lld.0 B", static_cast<long long>(size));
  return buf;
}

} // namespace ember
