#pragma once
// Identifier types shared by every module.

#include <cstdint>
#include <string>

namespace ember {

/// Unique per driver, never reused: a retry gets a new task id.
using task_id = std::int64_t;
using job_id = std::int32_t;
using stage_id = std::int32_t;
using shuffle_id = std::int32_t;
/// Executors are named by strings ("0", "1", ... or user-chosen names).
using executor_id = std::string;

} // namespace ember
