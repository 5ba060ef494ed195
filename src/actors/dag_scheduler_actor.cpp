#include "actors/dag_scheduler_actor.hpp"

#include "common/logging.hpp"
#include "scheduler/dag_scheduler.hpp"

#include <caf/all.hpp>

namespace ember {

namespace {

/// Sends the DAG scheduler's decisions to the driver.
class driver_backend : public dag_scheduler::backend {
public:
  explicit driver_backend(dag_scheduler_actor::pointer self) : self_(self) {
  }

  void submit_task_set(task_set ts) override {
    self_->send(driver, ember::submit_task_set{std::move(ts)});
  }

  void cancel_stage(stage_id stage, const std::string& reason) override {
    self_->send(driver, ember::cancel_stage{stage, reason});
  }

  void schedule_resubmit(std::chrono::milliseconds delay) override {
    self_->delayed_send(self_, delay, resubmit_failed_stages{});
  }

  void remove_shuffle(shuffle_id shuffle) override {
    self_->send(driver, ember::remove_shuffle{shuffle});
  }

  driver_actor driver;

private:
  dag_scheduler_actor::pointer self_;
};

struct dag_state {
  std::unique_ptr<driver_backend> backend;
  std::unique_ptr<dag_scheduler> dag;
  /// Jobs submitted before attach_driver, in order.
  std::vector<submit_job> early_jobs;

  static inline const char* name = "ember.dag_scheduler";
};

dag_scheduler_actor::behavior_type
dag_loop(dag_scheduler_actor::stateful_pointer<dag_state> self,
         std::shared_ptr<listener_bus> bus, dag_scheduler_options opts) {
  auto& st = self->state;
  st.backend = std::make_unique<driver_backend>(self);
  st.dag = std::make_unique<dag_scheduler>(*st.backend, std::move(bus),
                                           opts);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    st.dag->fail_all("Ember is shutting down");
    for (auto& job : st.early_jobs)
      job.waiter->job_failed("Job cancelled because Ember is shutting down");
    st.early_jobs.clear();
    self->quit(msg.reason);
  });
  return {
    [self](attach_driver& msg) {
      auto& st = self->state;
      st.backend->driver = std::move(msg.driver);
      for (auto& job : st.early_jobs)
        st.dag->submit_job(std::move(job.spec), std::move(job.waiter),
                           job.id);
      st.early_jobs.clear();
    },
    [self](submit_job& msg) {
      auto& st = self->state;
      if (!st.backend->driver)
        st.early_jobs.push_back(std::move(msg));
      else
        st.dag->submit_job(std::move(msg.spec), std::move(msg.waiter),
                           msg.id);
    },
    [self](cancel_job& msg) { self->state.dag->cancel_job(msg.id, msg.reason); },
    [self](completion_event& ev) {
      self->state.dag->task_completed(std::move(ev));
    },
    [self](task_started_event& ev) { self->state.dag->task_started(ev.info); },
    [self](task_getting_result_event& ev) {
      self->state.dag->task_getting_result(ev.info);
    },
    [self](task_set_failed_event& ev) {
      self->state.dag->task_set_failed(ev.stage, ev.stage_attempt, ev.reason);
    },
    [self](executor_added_event& ev) {
      self->state.dag->executor_added(ev.id, ev.host);
    },
    [self](executor_lost_event& ev) {
      self->state.dag->executor_lost(ev.id, ev.reason);
    },
    [self](resubmit_failed_stages&) {
      self->state.dag->resubmit_failed_stages();
    },
  };
}

} // namespace

dag_scheduler_actor spawn_dag_scheduler(caf::actor_system& sys,
                                        std::shared_ptr<listener_bus> bus,
                                        dag_scheduler_options opts) {
  return sys.spawn(dag_loop, std::move(bus), opts);
}

} // namespace ember
