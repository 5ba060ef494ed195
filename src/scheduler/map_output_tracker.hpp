#pragma once
// The driver's record of shuffle map outputs (Spark's MapOutputTrackerMaster).
//
// Single-threaded: owned and called by the DAG scheduler only. For every
// registered shuffle it keeps one optional `map_status` per map partition.
// The epoch grows whenever outputs are lost (unregister_map_output,
// remove_outputs_on_executor / _on_host, unregister_all_map_outputs, or
// increment_epoch), never when they are registered: tasks carry the epoch
// they were launched in so that executors can drop stale cached statuses.
//
// Reduce tasks ask `map_sizes_by_executor` for the blocks to fetch. If any
// map output of the shuffle is missing it throws `missing_map_output_error`,
// which the reader turns into a FetchFailed end reason
// (`to_fetch_failed()`, Spark's MetadataFetchFailedException).

#include "common/ids.hpp"
#include "scheduler/map_status.hpp"
#include "scheduler/task_end_reason.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember {

/// One non-empty shuffle block a reducer fetches.
struct block_to_fetch {
  executor_id executor;
  std::string host;
  std::int64_t map_id = -1; // task id of the map task that wrote it
  int map_index = -1;
  int reduce_id = -1;
  std::int64_t size = 0; // approximate (see map_status), > 0

  friend bool operator==(const block_to_fetch&,
                         const block_to_fetch&) = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(executor, host, map_id, map_index, reduce_id, size);
  }
};

/// A reducer asked for the outputs of a shuffle whose map output
/// `map_index` is missing (or the shuffle is unknown: map_index == -1).
class missing_map_output_error : public std::runtime_error {
public:
  missing_map_output_error(shuffle_id shuffle, int map_index, int reduce_id,
                           const std::string& what);

  shuffle_id shuffle() const noexcept {
    return shuffle_;
  }

  int map_index() const noexcept {
    return map_index_;
  }

  int reduce_id() const noexcept {
    return reduce_id_;
  }

  /// The FetchFailed reason a reader reports: no executor (unknown),
  /// map_id -1, the missing map index, the reduce id and the message.
  fetch_failed_reason to_fetch_failed() const;

private:
  shuffle_id shuffle_;
  int map_index_;
  int reduce_id_;
};

class map_output_tracker {
public:
  /// The epoch starts at 0.
  map_output_tracker() = default;

  // -- shuffles ---------------------------------------------------------------

  /// Starts tracking a shuffle with `num_maps` map and `num_reduces` reduce
  /// partitions, none available. Throws std::invalid_argument if already
  /// registered or a count is negative.
  void register_shuffle(shuffle_id shuffle, int num_maps, int num_reduces);

  /// Forgets a shuffle and its outputs; false if it was unknown.
  bool unregister_shuffle(shuffle_id shuffle);

  bool contains_shuffle(shuffle_id shuffle) const noexcept;

  /// Partition counts; throw std::out_of_range for an unknown shuffle.
  int num_maps(shuffle_id shuffle) const;
  int num_reduces(shuffle_id shuffle) const;

  // -- outputs ----------------------------------------------------------------

  /// Records (or replaces) the output of map partition `map_index`. Does
  /// not change the epoch. Throws std::out_of_range for an unknown shuffle
  /// or map index, std::invalid_argument if the status has a different
  /// number of partitions than the shuffle has reduces.
  void register_map_output(shuffle_id shuffle, int map_index,
                           map_status status);

  /// Removes the output of `map_index` only if it is still registered at
  /// `executor` (a newer attempt elsewhere stays). Returns whether it was
  /// removed; if so, increments the epoch. An unknown shuffle or map index
  /// removes nothing (late fetch failures are harmless).
  bool unregister_map_output(shuffle_id shuffle, int map_index,
                             const executor_id& executor);

  /// Removes every output of `shuffle` (Spark's unregisterAllMapOutput, for
  /// indeterminate stage retries). Returns the count; increments the epoch
  /// once if anything was removed.
  int unregister_all_map_outputs(shuffle_id shuffle);

  /// Removes every output stored at `executor`, in every shuffle. Returns
  /// the count; increments the epoch once if anything was removed.
  int remove_outputs_on_executor(const executor_id& executor);

  /// Same for every executor on `host` (an external shuffle service lost).
  int remove_outputs_on_host(const std::string& host);

  // -- queries ----------------------------------------------------------------

  std::int64_t epoch() const noexcept {
    return epoch_;
  }

  void increment_epoch() noexcept {
    ++epoch_;
  }

  /// Registered outputs; 0 for an unknown shuffle.
  int num_available_outputs(shuffle_id shuffle) const noexcept;

  /// Whether every map output is registered; false for an unknown shuffle.
  bool is_available(shuffle_id shuffle) const noexcept;

  /// Map indices without an output, ascending. Throws std::out_of_range for
  /// an unknown shuffle.
  std::vector<int> find_missing_partitions(shuffle_id shuffle) const;

  /// One entry per map index. Throws std::out_of_range for an unknown
  /// shuffle. The reference is valid until the shuffle is unregistered.
  const std::vector<std::optional<map_status>>&
  statuses(shuffle_id shuffle) const;

  /// The non-empty blocks of reduce partition `reduce_id`, grouped by
  /// executor (executors in the order of their first map index, maps
  /// ascending within a group). Throws missing_map_output_error if the
  /// shuffle is unknown or a map output is missing (the lowest missing map
  /// index), std::out_of_range if reduce_id is not a reduce partition.
  std::vector<block_to_fetch> map_sizes_by_executor(shuffle_id shuffle,
                                                    int reduce_id) const;

  /// Same for the reduce partitions [start_reduce, end_reduce) (Spark's
  /// partition ranges of coalesced reads); blocks of one map are ordered
  /// by reduce id. Empty if the range is empty.
  std::vector<block_to_fetch>
  map_sizes_by_executor(shuffle_id shuffle, int start_reduce,
                        int end_reduce) const;

  /// Spark's getLocationsWithLargestOutputs: the locations holding at
  /// least `fraction` of reduce partition `reduce_id`'s bytes (for reducer
  /// locality), in the order of their first map index. Missing outputs
  /// are skipped; empty for an unknown shuffle or no bytes at all.
  std::vector<map_output_location>
  locations_with_largest_outputs(shuffle_id shuffle, int reduce_id,
                                 double fraction = 0.2) const;

private:
  struct shuffle_state {
    int num_reduces = 0;
    int available = 0;
    std::vector<std::optional<map_status>> outputs;
  };

  const shuffle_state& state(shuffle_id shuffle) const;

  template <class Pred>
  int remove_outputs_if(Pred pred);

  std::map<shuffle_id, shuffle_state> shuffles_;
  std::int64_t epoch_ = 0;
};

} // namespace ember
