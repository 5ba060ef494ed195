#pragma once
// The listener bus, as in Spark's LiveListenerBus and SparkListener.
//
// The driver posts events (listener_events.hpp); the bus hands each one to
// every registered listener, in post order, on one dedicated thread, so a
// slow listener never blocks the poster. The queue is bounded: when it is
// full the event is dropped and counted, as in Spark, with a warning logged
// at most once per `drop_warning_interval`.
//
// Two modes:
// - asynchronous: after `start()`, a bus thread delivers events as they
//   arrive; `stop()` delivers everything posted before it and joins.
// - synchronous (deterministic tests): if `start()` is never called, events
//   wait in the queue until `drain()` delivers them on the caller's thread.
//
// A listener that throws is logged (with its index in the listener list,
// the event's name and the exception text) and skipped for that event
// only: the others still get it, and it still gets later events.

#include "scheduler/listener_events.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ember {

/// Receives bus events. Every callback has an empty default body, so a
/// listener overrides only what it needs. Callbacks of all listeners of a
/// bus run on one thread, one event at a time, never concurrently.
class listener {
public:
  virtual ~listener() = default;

  virtual void on_job_start(const job_start&) {
  }
  virtual void on_job_end(const job_end&) {
  }
  virtual void on_stage_submitted(const stage_submitted&) {
  }
  virtual void on_stage_completed(const stage_completed&) {
  }
  virtual void on_task_start(const task_start&) {
  }
  virtual void on_task_getting_result(const task_getting_result&) {
  }
  virtual void on_task_end(const task_end&) {
  }
  virtual void on_executor_added(const executor_added&) {
  }
  virtual void on_executor_removed(const executor_removed&) {
  }
};

/// Calls the callback of `l` that matches `ev`. Exceptions propagate.
void dispatch(listener& l, const listener_event& ev);

class listener_bus {
public:
  using duration = std::chrono::milliseconds;

  static constexpr std::size_t default_capacity = 100'000;

  /// `capacity` (>= 1) bounds the number of queued, undelivered events.
  /// Throws std::invalid_argument if it is 0.
  explicit listener_bus(std::size_t capacity = default_capacity,
                        duration drop_warning_interval
                        = std::chrono::minutes{1});

  /// Calls `stop()`.
  ~listener_bus();

  listener_bus(const listener_bus&) = delete;
  listener_bus& operator=(const listener_bus&) = delete;

  // -- listeners -------------------------------------------------------------

  /// Registers `l` (not null; throws std::invalid_argument otherwise). It
  /// gets every event delivered after this call, including events posted
  /// earlier but not yet delivered. Thread-safe.
  void add_listener(std::shared_ptr<listener> l);

  /// Unregisters every registration of `l`; returns whether there was one.
  /// Thread-safe. The bus thread may still be delivering one event to `l`
  /// when this returns; no later event reaches it.
  bool remove_listener(const std::shared_ptr<listener>& l);

  std::size_t listener_count() const;

  // -- posting ---------------------------------------------------------------

  /// Queues `ev` for delivery; never blocks on a listener. Thread-safe.
  /// Returns false if the event was not queued: dropped because the queue
  /// is full (counted in `dropped()`), or posted after `stop()`.
  bool post(listener_event ev);

  /// Events dropped so far because the queue was full.
  std::uint64_t dropped() const noexcept;

  /// Events waiting in the queue (not counting one being delivered).
  std::size_t queued() const;

  std::size_t capacity() const noexcept {
    return capacity_;
  }

  // -- lifecycle -------------------------------------------------------------

  /// Starts the bus thread; events already queued are delivered first.
  /// Throws std::logic_error if called twice or after `stop()`. Must not be
  /// called from a listener.
  void start();

  /// Delivers every event posted before the call, then stops: later posts
  /// are discarded. Joins the bus thread if started; otherwise delivers on
  /// the caller's thread. Idempotent. Must not be called from a listener.
  void stop();

  /// Synchronous mode: delivers every queued event on the caller's thread,
  /// including events listeners post meanwhile; returns how many it
  /// delivered. Throws std::logic_error if the bus was started. Must not be
  /// called from a listener.
  std::size_t drain();

  /// Blocks until every event posted before the call has been delivered
  /// (dropped events excepted) or `timeout` elapses; returns whether it
  /// was. In synchronous mode only a `drain()` on another thread can make
  /// progress. Must not be called from a listener.
  bool wait_until_empty(duration timeout);

private:
  using listener_list = std::vector<std::shared_ptr<listener>>;

  // Delivers one event to a snapshot of the listeners.
  void deliver(const listener_event& ev);

  // Pops and delivers until the queue is empty. Requires `lk` to hold
  // `mtx_`; returns holding it.
  std::size_t deliver_all(std::unique_lock<std::mutex>& lk);

  void run();

  const std::size_t capacity_;
  const duration drop_warning_interval_;

  // Guards the listener list (copy on write: delivery takes a snapshot).
  mutable std::mutex listeners_mtx_;
  std::shared_ptr<const listener_list> listeners_;

  // Serialises start, stop and drain, so that at most one thread delivers.
  std::mutex lifecycle_mtx_;

  // Guards everything below.
  mutable std::mutex mtx_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<listener_event> queue_;
  // Events accepted / delivered since construction.
  std::uint64_t accepted_ = 0;
  std::uint64_t delivered_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
  // Drop accounting.
  std::atomic<std::uint64_t> dropped_{0};
  std::uint64_t dropped_since_warning_ = 0;
  bool warned_ = false;
  std::chrono::steady_clock::time_point last_warning_{};
};

} // namespace ember
