#include "common/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace ember {

spdlog::logger& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto existing = spdlog::get("ember");
    if (existing)
      return existing;
    auto result = spdlog::stderr_color_mt("ember");
    result->set_pattern("%H:%M:%S.%e %^%L%$ [%n] %v");
    if (const char* level = std::getenv("EMBER_LOG_LEVEL"))
      result->set_level(spdlog::level::from_str(level));
    return result;
  }();
  return *instance;
}

void set_log_level(std::string_view level) {
  logger().set_level(spdlog::level::from_str(std::string{level}));
}

} // namespace ember
