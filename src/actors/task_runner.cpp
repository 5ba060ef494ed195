#include "actors/task_runner.hpp"

#include "api/current_task.hpp"
#include "api/function_registry.hpp"
#include "api/task_registry.hpp"
#include "common/logging.hpp"
#include "scheduler/result_size_budget.hpp"
#include "scheduler/task_end_reason.hpp"
#include "scheduler/task_result.hpp"

#include <chrono>
#include <cxxabi.h>
#include <exception>
#include <typeinfo>

namespace ember {

namespace {

using clock_type = std::chrono::steady_clock;

std::int64_t nanos_since(clock_type::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           clock_type::now() - t0)
    .count();
}

std::string demangle(const char* name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || out == nullptr)
    return name;
  std::string result{out};
  std::free(out);
  return result;
}

/// The class name of the exception being handled.
std::string current_exception_class() {
  if (auto* t = abi::__cxa_current_exception_type())
    return demangle(t->name());
  return "unknown";
}

} // namespace

task_outcome killed_outcome(task_id tid, const std::string& reason) {
  task_outcome out;
  out.tid = tid;
  out.state = task_state::killed;
  out.payload = bytes{encode_end_reason(task_killed_reason{reason})};
  return out;
}

task_outcome failed_outcome(task_id tid, std::string class_name,
                            std::string description) {
  task_outcome out;
  out.tid = tid;
  out.state = task_state::failed;
  out.payload = bytes{encode_end_reason(exception_failure_reason{
    std::move(class_name), std::move(description), {}})};
  return out;
}

task_outcome run_task(const task_description& task,
                      const std::shared_ptr<task_kill_switch>& kill_switch,
                      const task_runner_settings& settings,
                      const task_registry& registry,
                      stage_task_inputs* inputs,
                      const function_registry* fns) {
  if (kill_switch && kill_switch->killed())
    return killed_outcome(task.tid, kill_switch->reason());
  task_metrics metrics;
  std::vector<stored_block> out_blocks;
  task_context ctx{task.tid,       task.attempt,   task.stage,
                   task.stage_attempt, task.partition, settings.executor,
                   kill_switch};
  // User code finds its task through current_task_context().
  current_task_scope current{ctx};
  direct_result_writer writer;
  try {
    std::vector<stored_block> shuffle_blocks;
    if (inputs != nullptr && inputs->stage) {
      // A lineage task: the stage binary was decoded by the executor.
      auto t1 = clock_type::now();
      stage_task_io io{settings.executor, settings.host,
                       &writer.value_buffer(), &shuffle_blocks};
      run_stage_task(ctx, *inputs->stage, task.partition_data.view(),
                     inputs->blocks,
                     fns != nullptr ? *fns : function_registry::global(), io,
                     &inputs->states);
      metrics.result_serialization_time_ns = ctx.serialization_time_ns();
      metrics.executor_run_time_ns
        = nanos_since(t1) - metrics.result_serialization_time_ns;
    } else {
      // Deserialise: find the function and its arguments.
      auto t0 = clock_type::now();
      std::string_view function;
      std::string_view args;
      decode_task_binary(task.binary.view(), function, args);
      const auto* fn = registry.find(function);
      if (fn == nullptr)
        return failed_outcome(task.tid, "ember::unknown_task_function",
                              "no task function named '"
                                + std::string{function}
                                + "' is registered on executor "
                                + settings.executor);
      metrics.executor_deserialize_time_ns = nanos_since(t0);
      // Run and encode the value in one go: the function writes its
      // encoded result straight into the result buffer.
      auto t1 = clock_type::now();
      (*fn)(ctx, args, task.partition_data.view(), writer.value_buffer());
      metrics.result_serialization_time_ns = ctx.serialization_time_ns();
      metrics.executor_run_time_ns
        = nanos_since(t1) - metrics.result_serialization_time_ns;
    }
    out_blocks = std::move(shuffle_blocks);
  } catch (...) {
    if (kill_switch && kill_switch->killed())
      return killed_outcome(task.tid, kill_switch->reason());
    std::string what;
    try {
      throw;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "non-standard exception";
    }
    return failed_outcome(task.tid, current_exception_class(), what);
  }
  if (kill_switch && kill_switch->killed())
    return killed_outcome(task.tid, kill_switch->reason());
  auto encoded = std::move(writer).finish(ctx.accumulator_updates(), metrics);
  auto size = static_cast<std::int64_t>(encoded.size());
  task_outcome out;
  out.tid = task.tid;
  out.state = task_state::finished;
  out.blocks = std::move(out_blocks);
  if (settings.max_result_size > 0 && size > settings.max_result_size) {
    logger().warn("exec={} stage={}.{} tid={} Finished {}. Result is larger "
                  "than max_result_size ({} > {}), dropping it.",
                  settings.executor, task.stage, task.stage_attempt, task.tid,
                  task.name(), format_bytes(size),
                  format_bytes(settings.max_result_size));
    out.path = result_path::dropped;
    out.payload = bytes{encode_indirect_result({std::string{}, size})};
  } else if (size > settings.direct_limit) {
    out.path = result_path::indirect;
    auto block_id = task_result_block_id(task.tid);
    out.payload = bytes{encode_indirect_result({block_id, size})};
    out.blocks.push_back(stored_block{block_id, bytes{std::move(encoded)}});
    logger().debug("exec={} stage={}.{} tid={} Finished {}. {} bytes result "
                   "sent via BlockManager",
                   settings.executor, task.stage, task.stage_attempt,
                   task.tid, task.name(), size);
  } else {
    out.path = result_path::direct;
    out.payload = bytes{std::move(encoded)};
  }
  return out;
}

} // namespace ember
