#include "actors/result_getter.hpp"

#include "common/logging.hpp"
#include "common/serialization.hpp"
#include "storage/block_manager_actor.hpp"

#include <caf/all.hpp>

namespace ember {

namespace {

struct getter_state {
  static inline const char* name = "ember.result_getter";
};

result_getter_actor::behavior_type
result_getter(result_getter_actor::stateful_pointer<getter_state> self,
              driver_actor driver) {
  return {
    [=](fetch_result& job) {
      auto kind = result_kind(job.payload);
      if (!kind) {
        self->send(driver, abort_task_set{job.tid,
                                          "Exception while getting task "
                                          "result: malformed result of TID "
                                            + std::to_string(job.tid)});
        return;
      }
      std::string error;
      if (*kind == direct_result_tag) {
        auto size = static_cast<std::int64_t>(job.payload.size());
        if (job.budget && !job.budget->try_add(size, error)) {
          logger().error("tid={} {}", job.tid, error);
          self->send(driver, abort_task_set{job.tid, error});
          return;
        }
        try {
          auto result = decode_direct_result(job.payload);
          result.metrics.result_size = size;
          result.metrics.path = result_path::direct;
          self->send(driver, result_fetched{job.tid, std::move(result)});
        } catch (const std::exception& e) {
          self->send(driver, abort_task_set{job.tid,
                                            std::string{"Exception while "
                                                        "getting task "
                                                        "result: "}
                                              + e.what()});
        }
        return;
      }
      // Indirect: the result waits in the executor's BlockManager (or was
      // dropped for exceeding max_result_size).
      indirect_task_result ind;
      try {
        ind = decode_indirect_result(job.payload);
      } catch (const std::exception& e) {
        self->send(driver, abort_task_set{job.tid,
                                          std::string{"Exception while "
                                                      "getting task result: "}
                                            + e.what()});
        return;
      }
      auto bm = caf::actor_cast<block_manager_actor>(job.block_manager);
      if (job.budget && !job.budget->try_add(ind.size, error)) {
        logger().error("exec={} tid={} {}", job.executor, job.tid, error);
        if (bm && !ind.block_id.empty())
          caf::anon_send(bm, remove_block{ind.block_id});
        self->send(driver, abort_task_set{job.tid, error});
        return;
      }
      if (ind.block_id.empty() || !bm) {
        // Dropped although within the budget (the executor's limit was
        // stricter), or the executor is gone: nothing to fetch.
        self->send(driver,
                   task_failed{job.tid, task_state::finished,
                               task_result_lost_reason{}});
        return;
      }
      self->send(driver, result_getting{job.tid});
      auto tid = job.tid;
      auto exec = job.executor;
      auto block_id = ind.block_id;
      auto size = ind.size;
      self->request(bm, caf::infinite, get_block{block_id})
        .then(
          [=](get_block_result& r) {
            if (!r.found) {
              logger().warn("exec={} tid={} result block {} is gone: "
                            "TaskResultLost{}",
                            exec, tid, block_id,
                            r.error.empty() ? "" : " (" + r.error + ")");
              self->send(driver, task_failed{tid, task_state::finished,
                                             task_result_lost_reason{}});
              return;
            }
            caf::anon_send(bm, remove_block{block_id});
            try {
              auto result = decode_direct_result(r.data);
              result.metrics.result_size = size;
              result.metrics.path = result_path::indirect;
              self->send(driver, result_fetched{tid, std::move(result)});
            } catch (const std::exception& e) {
              self->send(driver,
                         abort_task_set{tid, std::string{"Exception while "
                                                         "getting task "
                                                         "result: "}
                                               + e.what()});
            }
          },
          [=](caf::error& err) {
            logger().warn("exec={} tid={} cannot fetch result block {}: {}: "
                          "TaskResultLost",
                          exec, tid, block_id, self->system().render(err));
            self->send(driver, task_failed{tid, task_state::finished,
                                           task_result_lost_reason{}});
          });
    },
    [=](decode_failure& job) {
      self->send(driver, task_failed{job.tid, job.state,
                                     decode_end_reason(job.payload.view())});
    },
  };
}

} // namespace

result_getter_actor spawn_result_getter(caf::actor_system& sys,
                                        driver_actor driver) {
  return sys.spawn(result_getter, std::move(driver));
}

} // namespace ember
