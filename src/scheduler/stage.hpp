#pragma once
// A stage of a job (Spark's Stage): the tasks that compute one node of the
// lineage, up to the shuffle boundaries. A shuffle map stage writes the map
// side of one shuffle; a result stage computes a job's partitions.

#include "common/ids.hpp"
#include "scheduler/lineage.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ember {

struct stage {
  stage_id id = -1;
  std::shared_ptr<const lineage> plan;
  /// The lineage node whose partitions the tasks compute.
  int node = -1;
  int num_tasks = 0;
  std::vector<stage_id> parents;
  job_id first_job = -1;
  /// Active jobs that need this stage.
  std::set<job_id> jobs;
  /// Set for shuffle map stages.
  std::optional<shuffle_dependency> shuffle_dep;
  /// Set for result stages: the job it computes.
  job_id result_job = -1;
  /// The latest attempt's number (-1 before the first).
  std::int32_t latest_attempt = -1;
  /// The map output tracker's epoch when each attempt was submitted.
  std::map<std::int32_t, std::int64_t> attempt_epochs;
  /// Partitions the current attempt still has to compute (map stages).
  std::set<int> pending_partitions;
  /// Failed attempts since the last successful one.
  std::set<std::int32_t> failed_attempt_ids;

  bool is_shuffle_map() const noexcept {
    return shuffle_dep.has_value();
  }

  /// "ShuffleMapStage 3 (map at x)" / "ResultStage 4 (collect)".
  std::string describe() const {
    auto& n = plan->at(node);
    return std::string{is_shuffle_map() ? "ShuffleMapStage " : "ResultStage "}
           + std::to_string(id) + " (" + n.name + ")";
  }
};

} // namespace ember
