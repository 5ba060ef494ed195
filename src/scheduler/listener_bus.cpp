#include "scheduler/listener_bus.hpp"

#include "common/logging.hpp"
#include "common/overload.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

namespace ember {

void dispatch(listener& l, const listener_event& ev) {
  std::visit(
    overload{
      [&](const job_start& x) { l.on_job_start(x); },
      [&](const job_end& x) { l.on_job_end(x); },
      [&](const stage_submitted& x) { l.on_stage_submitted(x); },
      [&](const stage_completed& x) { l.on_stage_completed(x); },
      [&](const task_start& x) { l.on_task_start(x); },
      [&](const task_getting_result& x) { l.on_task_getting_result(x); },
      [&](const task_end& x) { l.on_task_end(x); },
      [&](const executor_added& x) { l.on_executor_added(x); },
      [&](const executor_removed& x) { l.on_executor_removed(x); },
    },
    ev);
}

listener_bus::listener_bus(std::size_t capacity,
                           duration drop_warning_interval)
  : capacity_(capacity),
    drop_warning_interval_(drop_warning_interval),
    listeners_(std::make_shared<const listener_list>()) {
  if (capacity_ == 0)
    throw std::invalid_argument("listener_bus: capacity must be at least 1");
}

listener_bus::~listener_bus() {
  try {
    stop();
  } catch (const std::exception& e) {
    logger().error("listener bus: error while stopping: {}", e.what());
  } catch (...) {
    logger().error("listener bus: unknown error while stopping");
  }
}

// -- listeners ----------------------------------------------------------------

void listener_bus::add_listener(std::shared_ptr<listener> l) {
  if (!l)
    throw std::invalid_argument("listener_bus: null listener");
  std::lock_guard guard{listeners_mtx_};
  auto next = std::make_shared<listener_list>(*listeners_);
  next->push_back(std::move(l));
  listeners_ = std::move(next);
}

bool listener_bus::remove_listener(const std::shared_ptr<listener>& l) {
  std::lock_guard guard{listeners_mtx_};
  auto next = std::make_shared<listener_list>(*listeners_);
  auto n = std::erase(*next, l);
  if (n == 0)
    return false;
  listeners_ = std::move(next);
  return true;
}

std::size_t listener_bus::listener_count() const {
  std::lock_guard guard{listeners_mtx_};
  return listeners_->size();
}

// -- posting ------------------------------------------------------------------

bool listener_bus::post(listener_event ev) {
  bool warn = false;
  std::uint64_t since_warning = 0;
  std::uint64_t total = 0;
  {
    std::unique_lock lk{mtx_};
    if (stopping_ || stopped_) {
      lk.unlock();
      logger().debug("listener bus: stopped, discarding {}", event_name(ev));
      return false;
    }
    if (queue_.size() < capacity_) {
      queue_.push_back(std::move(ev));
      ++accepted_;
      bool wake = started_;
      lk.unlock();
      if (wake)
        work_cv_.notify_one();
      return true;
    }
    total = ++dropped_;
    ++dropped_since_warning_;
    auto now = std::chrono::steady_clock::now();
    if (!warned_ || now - last_warning_ >= drop_warning_interval_) {
      warn = true;
      warned_ = true;
      last_warning_ = now;
      since_warning = std::exchange(dropped_since_warning_, 0);
    }
  }
  if (warn)
    logger().warn("listener bus: queue full (capacity {}): dropped {} "
                  "event(s) since the last warning, {} in total; a listener "
                  "is too slow",
                  capacity_, since_warning, total);
  return false;
}

std::uint64_t listener_bus::dropped() const noexcept {
  return dropped_.load();
}

std::size_t listener_bus::queued() const {
  std::lock_guard guard{mtx_};
  return queue_.size();
}

// -- lifecycle ----------------------------------------------------------------

void listener_bus::start() {
  std::lock_guard lifecycle{lifecycle_mtx_};
  std::lock_guard guard{mtx_};
  if (started_)
    throw std::logic_error("listener_bus: already started");
  if (stopping_ || stopped_)
    throw std::logic_error("listener_bus: cannot start after stop");
  thread_ = std::thread{[this] { run(); }};
  started_ = true;
}

void listener_bus::stop() {
  std::lock_guard lifecycle{lifecycle_mtx_};
  std::unique_lock lk{mtx_};
  if (stopped_)
    return;
  stopping_ = true;
  if (started_) {
    lk.unlock();
    work_cv_.notify_one();
    thread_.join();
    lk.lock();
  } else {
    deliver_all(lk);
  }
  stopped_ = true;
}

std::size_t listener_bus::drain() {
  std::lock_guard lifecycle{lifecycle_mtx_};
  std::unique_lock lk{mtx_};
  if (started_)
    throw std::logic_error("listener_bus: drain() is for a bus that was "
                           "never started");
  return deliver_all(lk);
}

bool listener_bus::wait_until_empty(duration timeout) {
  std::unique_lock lk{mtx_};
  auto target = accepted_;
  return idle_cv_.wait_for(lk, timeout,
                           [&] { return delivered_ >= target; });
}

// -- delivery -----------------------------------------------------------------

void listener_bus::deliver(const listener_event& ev) {
  std::shared_ptr<const listener_list> snapshot;
  {
    std::lock_guard guard{listeners_mtx_};
    snapshot = listeners_;
  }
  for (std::size_t i = 0; i < snapshot->size(); ++i) {
    try {
      dispatch(*(*snapshot)[i], ev);
    } catch (const std::exception& e) {
      logger().error("listener bus: listener #{} threw on {}: {}", i,
                     event_name(ev), e.what());
    } catch (...) {
      logger().error("listener bus: listener #{} threw on {}: unknown "
                     "exception",
                     i, event_name(ev));
    }
  }
}

std::size_t listener_bus::deliver_all(std::unique_lock<std::mutex>& lk) {
  std::size_t n = 0;
  while (!queue_.empty()) {
    auto ev = std::move(queue_.front());
    queue_.pop_front();
    lk.unlock();
    deliver(ev);
    lk.lock();
    ++delivered_;
    ++n;
    idle_cv_.notify_all();
  }
  return n;
}

void listener_bus::run() {
  std::unique_lock lk{mtx_};
  for (;;) {
    work_cv_.wait(lk, [this] { return !queue_.empty() || stopping_; });
    deliver_all(lk);
    if (stopping_)
      return;
  }
}

} // namespace ember
