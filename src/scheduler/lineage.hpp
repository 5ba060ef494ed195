#pragma once
// A job's lineage: the graph of partitioned datasets the DAG scheduler cuts
// into stages (Spark's RDD graph, without the data).
//
// Nodes are numbered by position. Kinds:
//   source         partitions given as encoded data (one blob per partition),
//                  decoded on the executor by the registered `function`;
//   task_function  a registered task function (api/task_registry.hpp) that
//                  computes and encodes a partition's result by itself;
//                  only valid as a job's target;
//   narrow         `function` applied to partition p of parents[0];
//   union_of       the partitions of every parent, in order;
//   shuffled       partition p is reduce partition p of `shuffle`, whose map
//                  side is node `shuffle->parent`.
// A lineage is immutable once submitted and shared between jobs by
// std::shared_ptr<const lineage>.

#include "common/bytes.hpp"
#include "common/ids.hpp"
#include "scheduler/partitioner.hpp"
#include "scheduler/task_location.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ember {

enum class lineage_kind : std::uint8_t {
  source,
  task_function,
  narrow,
  union_of,
  shuffled,
};

/// The map side of a shuffle and how its records are partitioned.
struct shuffle_dependency {
  shuffle_id shuffle = -1;
  /// The node whose partitions the map tasks compute.
  int parent = -1;
  partitioner_spec partitioner;
  /// The registered shuffle codec (writer and reader) and its arguments,
  /// e.g. the combiner of reduce_by_key.
  std::string codec;
  std::string codec_args;

  int num_reduces() const noexcept {
    return partitioner.num_partitions;
  }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(shuffle, parent, partitioner, codec, codec_args);
  }
};

struct lineage_node {
  lineage_kind kind = lineage_kind::source;
  int num_partitions = 0;
  std::vector<int> parents;
  /// Registered function (decoder, narrow op or task function) and its
  /// encoded arguments.
  std::string function;
  std::string args;
  /// For shuffled nodes.
  std::optional<shuffle_dependency> shuffle;
  /// For logs and the UI: "map at wordcount.cpp:12".
  std::string name;
  /// Per-partition inputs of source and task_function nodes. Shipped with
  /// each task, never inside the stage's shared binary (not serialised).
  std::vector<bytes> partition_data;
  /// Optional preferred locations per partition (not serialised).
  std::vector<std::vector<task_location>> preferred;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, num_partitions, parents, function, args, shuffle, name);
  }
};

struct lineage {
  std::vector<lineage_node> nodes;

  const lineage_node& at(int id) const {
    return nodes.at(static_cast<std::size_t>(id));
  }

  /// Adds a node and returns its id.
  int add(lineage_node node) {
    nodes.push_back(std::move(node));
    return static_cast<int>(nodes.size()) - 1;
  }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(nodes);
  }
};

/// Resolves partition `p` of union node `u`: the parent and its partition.
std::pair<int, int> resolve_union(const lineage& g, int u, int p);

/// The shuffle dependencies reached from `node` through narrow and union
/// edges only (the shuffles a stage computing `node` reads), deduplicated.
std::vector<const shuffle_dependency*> direct_shuffle_dependencies(
  const lineage& g, int node);

/// The (shuffle, reduce partition) pairs that partition `p` of `node`
/// reads, following narrow and union edges.
std::vector<std::pair<shuffle_id, int>> shuffle_reads(const lineage& g,
                                                      int node, int p);

/// The source / task_function partitions that partition `p` of `node`
/// reads, as (node id, partition) pairs.
std::vector<std::pair<int, int>> source_reads(const lineage& g, int node,
                                              int p);

/// Preferred locations of partition `p` of `node` (from its sources).
std::vector<task_location> preferred_locations(const lineage& g, int node,
                                               int p);

/// Process-wide unique shuffle ids for lineages built in this process.
shuffle_id next_shuffle_id();

} // namespace ember
