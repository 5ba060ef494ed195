#include "test_tasks.hpp"

namespace ember::testing {

EMBER_TASK(sized_task, &sized_task);
EMBER_TASK(times_task, &times_task);
EMBER_TASK(throwing_task, &throwing_task);

} // namespace ember::testing
