#pragma once
// Jobs for flow tests, built on task functions that libember registers
// under stable names (so executors in any process find them):
//
//   "ember_test_sized"  returns a result of a chosen size per partition
//                       (inline, through the BlockManager, or too large);
//   "ember_test_value"  returns partition * factor, adds 1 to
//                       accumulator 7;
//   "ember_test_throw"  throws std::runtime_error(message) on its first
//                       `failing_attempts` attempts, then returns the
//                       partition.
//
// A task that hangs needs no function: flow_fixture::hang_task discards it
// from the executor's queue without running it.
//
// Plain C++: no CAF.

#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"

#include <climits>
#include <cstdint>
#include <string>
#include <vector>

namespace ember::testing {

/// One task per entry of `sizes`; task i returns a std::vector<char> of
/// sizes[i] bytes (its encoding is a few bytes longer) whose content
/// depends on the partition and `salt`.
job_spec sized_job(std::vector<std::int64_t> sizes, int salt = 3);

/// Whether `value` (an encoded result of a sized_job) is the result of
/// `partition` with `size` bytes and `salt`.
bool sized_result_ok(const bytes& value, int partition, std::int64_t size,
                     int salt = 3);

/// `partitions` tasks returning partition * factor (std::int64_t).
job_spec value_job(int partitions, std::int64_t factor = 10);

/// `partitions` tasks that throw `message` on attempts 0 ..
/// failing_attempts - 1, then return the partition (std::int64_t).
job_spec throwing_job(int partitions, std::string message,
                      int failing_attempts = INT_MAX);

/// The values of a value_job or throwing_job, in partition order.
std::vector<std::int64_t> int_values(const job_result& res);

} // namespace ember::testing
