#pragma once
// The lineage of a dataset as an immutable graph of shared nodes.
//
// Each dataset holds a `plan_node` pointing at its parents, so datasets
// share their ancestry and a node (with its source data) lives exactly as
// long as a dataset needs it. Submitting a job turns the graph under its
// target into a `lineage` (scheduler/lineage.hpp), each reachable node once,
// parents first.

#include "scheduler/job_spec.hpp"
#include "scheduler/lineage.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ember {

struct plan_node;

using plan_ptr = std::shared_ptr<const plan_node>;

struct plan_node {
  /// The node, without parent ids (they are positions in a lineage):
  /// `parents` below says which nodes they are. A shuffled node's single
  /// parent is the map side of its shuffle.
  lineage_node node;
  std::vector<plan_ptr> parents;
};

/// A new plan node. Expects: `parents` non-null; one parent for narrow and
/// shuffled nodes, none for sources, at least one for unions.
plan_ptr make_plan_node(lineage_node node, std::vector<plan_ptr> parents);

/// A source node of encoded partitions, decoded by source function
/// `decoder`.
plan_ptr source_node(std::string decoder, std::vector<bytes> partitions,
                     std::string name);

/// `function` applied to each partition of `parent`.
plan_ptr narrow_node(plan_ptr parent, std::string function, std::string args,
                     std::string name);

/// The partitions of every parent, in order.
plan_ptr union_node(std::vector<plan_ptr> parents, std::string name);

/// A new shuffle (with a fresh shuffle id) of `parent`'s records.
plan_ptr shuffle_node(plan_ptr parent, std::string codec,
                      partitioner_spec partitioner, std::string codec_args,
                      std::string name);

/// A job computing `target` with result function `result`.
job_spec lineage_job(const plan_ptr& target, std::string result,
                     std::string result_args, std::string name);

/// The lineage under `target` (each node once, parents before children)
/// and the id of `target` in it (the last node).
std::pair<std::shared_ptr<const lineage>, int> to_lineage(const plan_ptr& target);

} // namespace ember
