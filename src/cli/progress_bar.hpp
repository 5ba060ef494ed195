#pragma once
// A console progress bar for running stages, as Spark draws it:
//
//   [Stage 3:=====>      (14 + 2) / 40][Stage 4:>        (0 + 1) / 10]
//
// at most three active stages, redrawn at most every `interval` on the
// given stream (stderr), only when that stream is a terminal (or when
// forced, for tests), and cleared when the last stage ends.

#include "scheduler/listener_bus.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

namespace ember::cli {

class progress_bar : public listener {
public:
  /// Draws on `out` if it is a terminal, or always if `force`.
  explicit progress_bar(std::FILE* out = stderr, bool force = false,
                        std::chrono::milliseconds interval
                        = std::chrono::milliseconds{200},
                        int width = 80);

  void on_stage_submitted(const stage_submitted& ev) override;
  void on_stage_completed(const stage_completed& ev) override;
  void on_task_start(const task_start& ev) override;
  void on_task_end(const task_end& ev) override;

  /// The bar for the current state, without the leading '\r'.
  std::string render() const;

  /// Erases the bar if one is shown.
  void clear();

private:
  struct stage_progress {
    int total = 0;
    int active = 0;
    int completed = 0;
  };

  void maybe_draw(bool force_now);

  std::FILE* out_;
  bool enabled_;
  std::chrono::milliseconds interval_;
  int width_;
  mutable std::mutex mtx_;
  /// (stage, attempt) -> progress, in stage order.
  std::map<std::pair<int, int>, stage_progress> stages_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::size_t last_length_ = 0;
};

} // namespace ember::cli
