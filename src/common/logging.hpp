#pragma once
// Logging through spdlog. Every line about a task carries its ids in the
// same order: "exec=<id> stage=<s>.<a> tid=<t>", so that one grep finds a
// task's whole story across the driver and its executors.

#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace ember {

/// The logger all of Ember writes to ("ember"), created on first use.
spdlog::logger& logger();

/// Sets the level by name: trace, debug, info, warn, error, critical, off.
void set_log_level(std::string_view level);

} // namespace ember
