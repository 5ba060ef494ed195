#include "cli/progress_bar.hpp"

#include <unistd.h>

namespace ember::cli {

progress_bar::progress_bar(std::FILE* out, bool force,
                           std::chrono::milliseconds interval, int width)
  : out_(out),
    enabled_(force || (out != nullptr && ::isatty(::fileno(out)) != 0)),
    interval_(interval),
    width_(width) {
}

void progress_bar::on_stage_submitted(const stage_submitted& ev) {
  {
    std::lock_guard guard{mtx_};
    stages_[{ev.stage, ev.attempt}] = stage_progress{ev.num_tasks, 0, 0};
  }
  maybe_draw(false);
}

void progress_bar::on_stage_completed(const stage_completed& ev) {
  bool empty;
  {
    std::lock_guard guard{mtx_};
    stages_.erase({ev.stage, ev.attempt});
    empty = stages_.empty();
  }
  if (empty)
    clear();
  else
    maybe_draw(true);
}

void progress_bar::on_task_start(const task_start& ev) {
  {
    std::lock_guard guard{mtx_};
    auto it = stages_.find({ev.info.stage, ev.info.stage_attempt});
    if (it != stages_.end())
      ++it->second.active;
  }
  maybe_draw(false);
}

void progress_bar::on_task_end(const task_end& ev) {
  {
    std::lock_guard guard{mtx_};
    auto it = stages_.find({ev.info.stage, ev.info.stage_attempt});
    if (it != stages_.end()) {
      if (it->second.active > 0)
        --it->second.active;
      if (std::holds_alternative<success_reason>(ev.reason))
        ++it->second.completed;
    }
  }
  maybe_draw(false);
}

std::string progress_bar::render() const {
  std::lock_guard guard{mtx_};
  std::string line;
  int shown = 0;
  auto n = std::min<int>(3, static_cast<int>(stages_.size()));
  if (n == 0)
    return line;
  auto per_stage = width_ / n;
  for (auto& [key, s] : stages_) {
    if (shown++ == 3)
      break;
    auto header = "[Stage " + std::to_string(key.first) + ":";
    auto tailer = "(" + std::to_string(s.completed) + " + "
                  + std::to_string(s.active) + ") / "
                  + std::to_string(s.total) + "]";
    auto w = per_stage - static_cast<int>(header.size() + tailer.size());
    line += header;
    if (w > 0) {
      auto percent = s.total > 0 ? w * s.completed / s.total : 0;
      for (int i = 0; i < w; ++i)
        line += i < percent ? '=' : (i == percent ? '>' : ' ');
    }
    line += tailer;
  }
  return line;
}

void progress_bar::maybe_draw(bool force_now) {
  if (!enabled_)
    return;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard guard{mtx_};
    if (!force_now && now - last_draw_ < interval_)
      return;
    last_draw_ = now;
  }
  auto line = render();
  std::lock_guard guard{mtx_};
  std::string padded = line;
  if (padded.size() < last_length_)
    padded.append(last_length_ - padded.size(), ' ');
  std::fprintf(out_, "\r%s", padded.c_str());
  std::fflush(out_);
  last_length_ = line.size();
}

void progress_bar::clear() {
  if (!enabled_)
    return;
  std::lock_guard guard{mtx_};
  if (last_length_ == 0)
    return;
  std::fprintf(out_, "\r%s\r", std::string(last_length_, ' ').c_str());
  std::fflush(out_);
  last_length_ = 0;
}

} // namespace ember::cli
