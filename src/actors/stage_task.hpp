#pragma once
// Runs a task of a lineage stage on an executor thread (Spark's
// ShuffleMapTask and ResultTask): computes the target node's partition by
// walking the stage's narrow dependencies, reading source partitions from
// the task's own input and shuffled partitions from the fetched blocks;
// then either splits the records into shuffle blocks and returns a
// MapStatus, or applies the job's result function.
//
// Pure: no actors. Errors (unknown functions, malformed input, a missing
// fetched block) throw; the task runner turns them into task failures.

#include "api/task_context.hpp"
#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "scheduler/stage_binary.hpp"

#include <any>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ember {

class function_registry;

/// Shuffle blocks fetched for a task: (shuffle, reduce partition) -> the
/// non-empty blocks of every map output, in map order.
using fetched_blocks = std::map<std::pair<shuffle_id, int>, std::vector<bytes>>;

/// A block a task wants stored in its executor's BlockManager before the
/// task reports FINISHED.
struct stored_block {
  std::string id;
  bytes data;
};

struct stage_task_io {
  /// The executor and host the task runs on (for the MapStatus).
  executor_id executor;
  std::string host;
  /// Appended to: the task's encoded value (a MapStatus or the result).
  std::string* value = nullptr;
  /// Appended to: shuffle blocks to store.
  std::vector<stored_block>* blocks = nullptr;
};

/// Reader states built batch by batch by incremental shuffle codecs:
/// (shuffle, reduce partition) -> state.
using reduce_states = std::map<std::pair<shuffle_id, int>, std::any>;

void run_stage_task(task_context& ctx, const stage_binary& stage,
                    std::string_view partition_data,
                    const fetched_blocks& fetched,
                    const function_registry& fns, const stage_task_io& io,
                    reduce_states* states = nullptr);

/// Whether every shuffle that `stage`'s target reads has an incremental
/// codec (so its blocks can be consumed batch by batch).
bool reads_incrementally(const stage_binary& stage,
                         const function_registry& fns);

/// Folds `block` into the reader state of (shuffle, reduce), creating it
/// on first use. Throws like the codec.
void consume_block(task_context& ctx, const stage_binary& stage,
                   shuffle_id shuffle, int reduce, const bytes& block,
                   const function_registry& fns, reduce_states& states);

/// One block a reduce task must fetch.
struct block_request {
  shuffle_id shuffle = -1;
  int reduce = -1;
  int map_index = -1;
  std::int64_t map_id = -1;
  executor_id executor;
  std::string host;
  std::string block_id;
  std::int64_t size = 0;
};

/// The blocks partition `p` of the stage's target reads, in a fixed order
/// (shuffle, reduce, map index). Throws missing_map_output_error-like
/// std::runtime_error if the stage lacks a shuffle's statuses.
std::vector<block_request> blocks_to_fetch(const stage_binary& stage, int p);

} // namespace ember
