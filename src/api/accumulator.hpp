#pragma once
// Accumulators: counters that tasks add to and the driver reads (Spark's
// LongAccumulator).
//
//   auto bad = ctx.accumulator<std::int64_t>();
//   ds.foreach([](const rec& r, const ember::accumulator<std::int64_t>& bad) {
//     if (!r.ok())
//       bad.add(1);
//   }, bad);                      // handles travel as explicit arguments
//   bad.value();                  // on the driver, after the action
//
// A task's additions reach the driver with its result; the driver merges
// the additions of each partition's first successful attempt only, once,
// when the job ends (failed and duplicate attempts count for nothing). As
// in Spark, a transformation recomputed by a later job adds again.

#include "api/current_task.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace ember {

class context;

namespace detail {

struct accumulator_cell {
  std::atomic<std::int64_t> value{0};
};

} // namespace detail

template <class T>
class accumulator {
  static_assert(std::is_same_v<T, std::int64_t>,
                "ember: accumulators are std::int64_t counters for now");

public:
  /// An unusable handle (what cereal constructs before loading).
  accumulator() = default;

  std::int64_t id() const noexcept {
    return id_;
  }

  /// Adds `v` for the task `ctx`.
  void add(task_context& ctx, T v) const {
    check_valid();
    ctx.add_to_accumulator(id_, v);
  }

  /// Adds `v` for the task running on this thread; on the driver (no task
  /// running), adds to the driver's value directly.
  void add(T v) const {
    check_valid();
    if (auto* ctx = current_task_context())
      ctx->add_to_accumulator(id_, v);
    else if (cell_)
      cell_->value.fetch_add(v);
    else
      throw std::logic_error("ember::accumulator::add: no task is running "
                             "on this thread and this is not the driver's "
                             "handle");
  }

  /// The driver's total so far. Throws std::logic_error on a handle that
  /// travelled to an executor.
  T value() const {
    if (!cell_)
      throw std::logic_error("ember::accumulator::value: only the driver's "
                             "handle knows the value");
    return cell_->value.load();
  }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id_);
  }

private:
  friend class context;

  accumulator(std::int64_t id, std::shared_ptr<detail::accumulator_cell> cell)
    : id_(id), cell_(std::move(cell)) {
  }

  void check_valid() const {
    if (id_ < 0)
      throw std::logic_error("ember::accumulator: a default-constructed "
                             "handle; create one with context::accumulator");
  }

  std::int64_t id_ = -1;
  std::shared_ptr<detail::accumulator_cell> cell_;
};

} // namespace ember
