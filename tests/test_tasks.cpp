#include "test_tasks.hpp"

namespace ember::testing {

EMBER_TASK(sized_task, &sized_task);
EMBER_TASK(times_task, &times_task);
EMBER_TASK(throwing_task, &throwing_task);
EMBER_TASK(blocking_task, &blocking_task);

std::mutex blocking_task_probe::mtx;
std::condition_variable blocking_task_probe::cv;
int blocking_task_probe::started = 0;

} // namespace ember::testing
