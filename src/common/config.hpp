#pragma once
// Ember's configuration: one object, Spark's defaults under Ember's names.
//
// Settable from code (fields), from `key=value` strings (`set`), from a file
// of `key = value` lines (`load_file`) and from `--conf key=value` arguments
// (`apply_args`). Unknown keys and bad values throw `config_error` with a
// message naming the key and what was expected.

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ember {

class config_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

struct config {
  using duration = std::chrono::milliseconds;

  // -- results ---------------------------------------------------------------

  /// Results (and the running total of a task set's results) above this are
  /// dropped and the job aborts; 0 means no limit. Spark:
  /// spark.driver.maxResultSize.
  std::int64_t max_result_size = std::int64_t{1} << 30;
  /// Results above this travel through the BlockManager. Spark:
  /// spark.task.maxDirectResultSize.
  std::int64_t max_direct_result_size = std::int64_t{1} << 20;
  /// The largest message between driver and executors. Spark:
  /// spark.rpc.message.maxSize.
  std::int64_t frame_size = std::int64_t{128} << 20;
  /// Bytes of a frame reserved for the message envelope.
  std::int64_t frame_reserved_bytes = 200 * 1024;
  /// Actors in the TaskResultGetter pool. Spark:
  /// spark.resultGetter.threads.
  int result_getter_threads = 4;

  // -- scheduling ------------------------------------------------------------

  /// Failures of one task index before its task set aborts. Spark:
  /// spark.task.maxFailures.
  int max_task_failures = 4;
  /// Cores each task needs. Spark: spark.task.cpus.
  int task_cpus = 1;
  /// Delay scheduling: how long to wait for a better locality level. Spark:
  /// spark.locality.wait and its per-level overrides (negative = inherit).
  duration locality_wait = std::chrono::seconds{3};
  duration locality_wait_process{-1};
  duration locality_wait_node{-1};
  duration locality_wait_rack{-1};
  /// Period of the driver's offer round for all executors. Spark:
  /// spark.scheduler.revive.interval.
  duration revive_interval = std::chrono::seconds{1};

  /// Consecutive failed attempts of one stage before its jobs abort.
  /// Spark: spark.stage.maxConsecutiveAttempts.
  int max_consecutive_stage_attempts = 4;
  /// Delay before stages that failed on a fetch failure are resubmitted.
  duration resubmit_delay{200};

  /// Shuffle blocks a reduce task fetches at once, in bytes and requests;
  /// with an incremental shuffle reader, also what it holds at once.
  /// Spark: spark.reducer.maxSizeInFlight, spark.reducer.maxReqsInFlight.
  std::int64_t max_bytes_in_flight = std::int64_t{48} << 20;
  int max_reqs_in_flight = 16;

  // -- executors and storage -------------------------------------------------

  /// Executors started in local mode.
  int local_executors = 1;
  /// Cores per local executor; 0 means the machine's hardware threads.
  int executor_cores = 0;
  /// Byte limit of each executor's memory store.
  std::int64_t storage_memory = std::int64_t{512} << 20;
  /// Byte limit of each executor's disk store; 0 means no limit.
  std::int64_t storage_disk = 0;
  /// Directory for disk blocks; empty means a fresh directory under the
  /// system temp dir, removed when the executor stops.
  std::string local_dir;

  // -- logging ---------------------------------------------------------------

  /// trace, debug, info, warn, error, critical or off.
  std::string log_level = "info";

  // -- derived values --------------------------------------------------------

  /// min(frame_size - frame_reserved_bytes, max_direct_result_size).
  std::int64_t direct_result_limit() const noexcept;

  duration locality_wait_for_process() const noexcept;
  duration locality_wait_for_node() const noexcept;
  duration locality_wait_for_rack() const noexcept;

  // -- setting values by name ------------------------------------------------

  /// Sets `key` from its textual `value`. Sizes accept b, k, m, g, t
  /// suffixes (powers of 1024); durations accept ms, s, m, h (plain numbers
  /// are milliseconds).
  void set(std::string_view key, std::string_view value);

  /// Parses "key=value" and calls `set`.
  void set(std::string_view key_eq_value);

  /// Reads `key = value` (or `key value`) lines; '#' starts a comment.
  void load_file(const std::string& path);

  /// Consumes `--conf key=value`, `--conf=key=value` and `--conf-file PATH`
  /// from `args` and returns the arguments it did not consume.
  std::vector<std::string> apply_args(const std::vector<std::string>& args);

  /// Checks cross-field constraints; throws `config_error`.
  void validate() const;

  /// All keys with their current values, for `--help` and logs.
  std::vector<std::pair<std::string, std::string>> describe() const;
};

/// Parses "512m", "1g", "1024" into bytes; throws `config_error`.
std::int64_t parse_size(std::string_view text);

/// Parses "3s", "100ms", "2m" into milliseconds; throws `config_error`.
config::duration parse_duration(std::string_view text);

} // namespace ember
