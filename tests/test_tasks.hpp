#pragma once
// Task functions shared by the message-flow and engine tests.

#include "api/task_registry.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace ember::testing {

/// Returns `size` bytes (the partition input) with a partition pattern.
inline std::vector<char> sized_task(task_context& ctx, const int& salt,
                                    const std::int64_t& size) {
  std::vector<char> out(static_cast<std::size_t>(size));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>((i * 31 + ctx.partition() + salt) & 0xff);
  return out;
}

inline bool sized_task_ok(const std::vector<char>& v, int partition,
                          int salt, std::int64_t size) {
  if (v.size() != static_cast<std::size_t>(size))
    return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != static_cast<char>((i * 31 + partition + salt) & 0xff))
      return false;
  return true;
}

/// Returns partition * factor and adds 1 to accumulator 7.
inline std::int64_t times_task(task_context& ctx, const std::int64_t& factor) {
  ctx.add_to_accumulator(7, 1);
  return ctx.partition() * factor;
}

/// Throws `message` on every attempt.
inline std::int64_t throwing_task(task_context&, const std::string& message) {
  throw std::runtime_error(message);
}

} // namespace ember::testing

namespace ember::testing {

/// Signals `started` and then runs until it is interrupted (at most ~20 s,
/// so a broken kill fails the test instead of hanging it).
struct blocking_task_probe {
  static std::mutex mtx;
  static std::condition_variable cv;
  static int started;
};

inline std::int64_t blocking_task(task_context& ctx, const int&) {
  {
    std::lock_guard guard{blocking_task_probe::mtx};
    ++blocking_task_probe::started;
  }
  blocking_task_probe::cv.notify_all();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
  while (!ctx.interrupted() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  return ctx.interrupted() ? -1 : -2;
}

} // namespace ember::testing
