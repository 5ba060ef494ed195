#pragma once
// ember::context: the entry point of the Dataset API (Spark's
// SparkContext). Starts Ember in local mode (an ember::engine configured
// by ember::config) and makes datasets from driver data, number ranges and
// text files.
//
//   ember::context ctx;                                  // local mode
//   auto squares = ctx.range(0, 1000).map([](const std::int64_t& x) {
//     return x * x;
//   });
//   auto total = squares.reduce(std::plus<std::int64_t>{});
//
// Several actions may run at once (the `_async` variants, or actions from
// several threads). Stopping the context (or destroying it) fails the jobs
// still running; actions on its datasets then throw std::logic_error.

#include "api/accumulator.hpp"
#include "api/context_state.hpp"
#include "api/dataset.hpp"
#include "api/text_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ember {

class context {
public:
  /// Starts Ember in local mode. Throws config_error for a bad config.
  explicit context(config cfg = {});

  /// Stops Ember.
  ~context();

  context(const context&) = delete;
  context& operator=(const context&) = delete;

  /// A moved-from context may only be destroyed or assigned to.
  context(context&&) noexcept = default;
  context& operator=(context&& other) noexcept;

  /// `records` split into `partitions` slices of (almost) equal size, in
  /// order; 0: default_parallelism().
  template <class T>
  dataset<T> parallelize(std::vector<T> records, int partitions = 0) const {
    auto n = pick(partitions);
    std::vector<bytes> parts;
    parts.reserve(static_cast<std::size_t>(n));
    auto size = records.size();
    for (int i = 0; i < n; ++i) {
      auto begin = size * static_cast<std::size_t>(i) / n;
      auto end = size * static_cast<std::size_t>(i + 1) / n;
      std::vector<T> slice(std::make_move_iterator(records.begin() + begin),
                           std::make_move_iterator(records.begin() + end));
      parts.emplace_back(encode(slice));
    }
    return dataset<T>{state_, source_node(stable_name<detail::vector_source<T>>(),
                                          std::move(parts), "parallelize")};
  }

  /// start, start + step, ... up to (excluding) end, in `partitions`
  /// slices; 0: default_parallelism(). Throws std::invalid_argument if
  /// step is 0.
  dataset<std::int64_t> range(std::int64_t start, std::int64_t end,
                              std::int64_t step = 1,
                              int partitions = 0) const;

  /// The lines of the files `path` names (a file, a directory or a glob
  /// pattern; see api/text_file.hpp), each file at least one partition.
  /// Throws std::invalid_argument if nothing matches.
  dataset<std::string> text_file(const std::string& path,
                                 int min_partitions = 2) const;

  /// A new counter, zero on the driver (see api/accumulator.hpp).
  template <class T = std::int64_t>
  ember::accumulator<T> accumulator() const {
    auto [id, cell] = state_->new_accumulator();
    return ember::accumulator<T>{id, std::move(cell)};
  }

  /// Tasks that can run at once: executors x cores / task_cpus.
  int default_parallelism() const noexcept {
    return state_->default_parallelism();
  }

  /// Cancels every job of this context still running.
  void cancel_all_jobs(const std::string& reason = {}) {
    state_->cancel_all(reason);
  }

  /// Stops Ember: running jobs fail, later actions throw. Idempotent.
  void stop() {
    state_->stop();
  }

  bool stopped() const {
    return state_->stopped();
  }

  const config& cfg() const noexcept {
    return state_->cfg();
  }

private:
  int pick(int partitions) const;

  detail::state_ptr state_;
};

} // namespace ember
