// An existing CAF application that runs Ember inside its own actor system
// and talks to it with typed messages: the application's actor submits a
// job to the DAG scheduler and gets each partition's result back as a
// message, without blocking.

#include "actors/actor_types.hpp"
#include "api/local_runtime.hpp"
#include "api/task_registry.hpp"
#include "common/serialization.hpp"

#include <caf/all.hpp>

#include <cstdio>

namespace {

std::int64_t square_partition(ember::task_context& ctx, const int&) {
  return std::int64_t{ctx.partition()} * ctx.partition();
}

EMBER_TASK(embed_square, &square_partition);

/// The application's own message: one partition's result.
struct partition_done {
  int partition;
  std::int64_t value;
};

} // namespace

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(partition_done)

int main() {
  caf::actor_system_config cfg;
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  ember::runtime_options opts;
  opts.cfg.executor_cores = 2;
  ember::local_runtime ember_rt{sys, opts};
  std::int64_t total = -1;
  {
    caf::scoped_actor self{sys};
    // The application's actor: receives results as typed messages.
    auto collector = sys.spawn([](caf::event_based_actor* self, int n,
                                  caf::actor reply_to) -> caf::behavior {
      auto sum = std::make_shared<std::int64_t>(0);
      auto left = std::make_shared<int>(n);
      return {[=](partition_done& d) {
        *sum += d.value;
        if (--*left == 0) {
          self->send(reply_to, *sum);
          self->quit();
        }
      }};
    }, 8, caf::actor{self});
    ember::job_spec spec;
    spec.name = "squares";
    spec.function = "embed_square";
    spec.args = ember::encode(0);
    spec.num_partitions = 8;
    // Runs on the DAG scheduler's thread for each result: forward it.
    spec.result_handler = [collector](int p, const ember::bytes& v) {
      caf::anon_send(collector,
                     partition_done{p, ember::decode<std::int64_t>(v.view())});
    };
    auto waiter = ember_rt.submit(std::move(spec));
    self->receive([&](std::int64_t sum) { total = sum; });
    waiter->wait();
  }
  ember_rt.stop();
  std::printf("sum of squares 0..7 = %lld\n", static_cast<long long>(total));
  return total == 140 ? 0 : 1;
}
