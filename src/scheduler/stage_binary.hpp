#pragma once
// What every task of a stage attempt shares (Spark's taskBinary): the
// lineage, the node to compute, what to do with it (write a shuffle or
// produce a result), and where the map outputs it reads live.
//
// Encoded with a leading 'S' tag; task-function jobs use the 'F' binary of
// api/task_registry.hpp instead. Each task's own input (its source
// partitions) travels separately, see encode_partition_inputs.

#include "common/bytes.hpp"
#include "scheduler/lineage.hpp"
#include "scheduler/map_status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember {

inline constexpr char stage_binary_tag = 'S';

struct stage_binary {
  lineage plan;
  int target = -1;
  bool shuffle_map = false;
  /// Valid when shuffle_map: the shuffle this stage writes.
  shuffle_dependency dep;
  /// Valid for result stages.
  std::string result_function;
  std::string result_args;
  /// Map outputs of every shuffle this stage reads, by map index.
  std::vector<std::pair<shuffle_id, std::vector<map_status>>> map_outputs;
  std::int64_t epoch = 0;

  /// The statuses of `shuffle`, or nullptr.
  const std::vector<map_status>* outputs_of(shuffle_id shuffle) const;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(plan, target, shuffle_map, dep, result_function, result_args,
       map_outputs, epoch);
  }
};

std::string encode_stage_binary(const stage_binary& x);

/// Throws decode_error if malformed.
stage_binary decode_stage_binary(std::string_view binary);

bool is_stage_binary(std::string_view binary) noexcept;

/// One source partition a task reads.
struct partition_input {
  std::int32_t node = -1;
  std::int32_t partition = -1;
  std::string data;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(node, partition, data);
  }
};

/// A task's inputs: the data of each (source node, partition) it reads.
using partition_inputs = std::vector<partition_input>;

std::string encode_partition_inputs(const lineage& g, int node, int p);

partition_inputs decode_partition_inputs(std::string_view data);

} // namespace ember
