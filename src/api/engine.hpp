#pragma once
// ember::engine: Ember in local mode, in its own actor system.
//
//   ember::config cfg;                      // Spark's defaults
//   ember::engine eng{cfg};
//   auto hits = eng.run<std::int64_t>("pi_sample", args, 100);
//
// Jobs may be submitted from any thread; several may run at once. Include
// api/local_runtime.hpp instead to run Ember inside your own CAF
// actor_system. This header includes no CAF headers.

#include "common/config.hpp"
#include "common/serialization.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/job_waiter.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ember {

class listener;
class listener_bus;

class engine {
public:
  /// Starts the actor system, the driver and cfg.local_executors executors.
  /// Throws config_error for an invalid configuration.
  explicit engine(config cfg = {});

  /// Stops everything; jobs still running fail with "engine stopped".
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// Submits a job without waiting.
  std::shared_ptr<job_waiter> submit(job_spec spec);

  /// Submits a job and waits for it; throws job_failed_error.
  job_result run(job_spec spec);

  /// Runs `function` over `partitions` tasks with shared `args` and decodes
  /// each partition's result as `R`.
  template <class R, class A>
  std::vector<R> run(const std::string& function, const A& args,
                     int partitions, job_result* details = nullptr) {
    job_spec spec;
    spec.name = function;
    spec.function = function;
    spec.args = encode(args);
    spec.num_partitions = partitions;
    return decode_all<R>(run(std::move(spec)), details);
  }

  /// As above, with one input per partition.
  template <class R, class A, class I>
  std::vector<R> run(const std::string& function, const A& args,
                     const std::vector<I>& inputs,
                     job_result* details = nullptr) {
    job_spec spec;
    spec.name = function;
    spec.function = function;
    spec.args = encode(args);
    spec.num_partitions = static_cast<int>(inputs.size());
    for (auto& in : inputs)
      spec.partition_inputs.emplace_back(encode(in));
    return decode_all<R>(run(std::move(spec)), details);
  }

  /// Cancels a running job: it fails with "Job N cancelled".
  void cancel(job_id id, std::string reason = {});

  /// Registers a listener for job, stage, task and executor events.
  void add_listener(std::shared_ptr<listener> l);

  /// Waits until every event posted so far reached the listeners.
  bool wait_for_listeners(std::chrono::milliseconds timeout);

  const config& cfg() const noexcept;

private:
  template <class R>
  static std::vector<R> decode_all(job_result res, job_result* details) {
    std::vector<R> out;
    out.reserve(res.values.size());
    for (auto& v : res.values)
      out.push_back(decode<R>(v.view()));
    if (details != nullptr)
      *details = std::move(res);
    return out;
  }

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace ember
