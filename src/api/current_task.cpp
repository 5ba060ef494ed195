#include "api/current_task.hpp"

namespace ember {

namespace {

thread_local task_context* current = nullptr;

} // namespace

task_context* current_task_context() noexcept {
  return current;
}

current_task_scope::current_task_scope(task_context& ctx) noexcept
  : previous_(current) {
  current = &ctx;
}

current_task_scope::~current_task_scope() {
  current = previous_;
}

} // namespace ember
