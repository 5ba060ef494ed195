// The limit under Ember: how many messages per second CAF 0.17 moves
// between two actors, in one process and between two processes over
// loopback (caf::io middleman publish / remote_actor on 127.0.0.1).
//
//   caf_pingpong local N WINDOW [POLICY]      both actors in this process
//   caf_pingpong loopback N WINDOW [POLICY]   pong here, ping in a child
//   caf_pingpong client PORT N WINDOW POLICY PREFIX   (the child's side)
//
// POLICY is CAF's scheduler policy: `stealing` (CAF's default, and what
// ember::engine uses) or `sharing`.
//
// The ping actor keeps WINDOW pings in flight (1 = classic ping-pong, one
// round trip at a time) until N pongs came back. Prints `name value unit`
// lines: messages per second (ping + pong = 2 messages per round trip) and,
// for WINDOW 1, the mean round trip in microseconds.

#include "bench_util.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <csignal>
#include <future>
#include <iostream>
#include <memory>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;

namespace {

using namespace ember::bench;

struct ping_state {
  std::int64_t sent = 0;
  std::int64_t received = 0;
};

caf::behavior pong_actor(caf::event_based_actor*) {
  return {
    [](ping_atom, std::int64_t x) { return std::make_tuple(pong_atom::value, x); },
  };
}

caf::behavior ping_actor(caf::stateful_actor<ping_state>* self, caf::actor pong,
                         std::int64_t n, std::int64_t window,
                         std::shared_ptr<std::promise<void>> done) {
  auto first = std::min(window, n);
  for (std::int64_t i = 0; i < first; ++i)
    self->send(pong, ping_atom::value, self->state.sent++);
  return {
    [=](pong_atom, std::int64_t) {
      if (++self->state.received == n) {
        done->set_value();
        self->quit();
        return;
      }
      if (self->state.sent < n)
        self->send(pong, ping_atom::value, self->state.sent++);
    },
  };
}

void prepare(caf::actor_system_config& cfg, const std::string& policy) {
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  // As in ember::engine: two scheduler threads.
  cfg.set("scheduler.max-threads", size_t{2});
  if (policy == "sharing")
    cfg.set("scheduler.policy", caf::atom("sharing"));
  else if (policy != "stealing")
    throw std::invalid_argument("unknown policy '" + policy + "'");
}

/// "caf.pingpong.MODE[.sharing].wWINDOW"
std::string name_of(const std::string& mode, const std::string& policy,
                    std::int64_t window) {
  return "caf.pingpong." + mode + (policy == "stealing" ? "" : "." + policy)
         + ".w" + std::to_string(window);
}

/// Runs the ping side against `pong` and prints the figures.
void run_ping(caf::actor_system& sys, const caf::actor& pong, std::int64_t n,
              std::int64_t window, const std::string& prefix) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  auto t0 = clock_type::now();
  sys.spawn(ping_actor, pong, n, window, done);
  finished.wait();
  auto secs = seconds_since(t0);
  report(prefix + ".rate", 2.0 * double(n) / secs, "msgs/s");
  if (window == 1)
    report(prefix + ".rtt", secs * 1e6 / double(n), "us");
}

int local(std::int64_t n, std::int64_t window, const std::string& policy) {
  caf::actor_system_config cfg;
  prepare(cfg, policy);
  caf::actor_system sys{cfg};
  auto pong = sys.spawn(pong_actor);
  run_ping(sys, pong, n, window, name_of("local", policy, window));
  caf::anon_send_exit(pong, caf::exit_reason::user_shutdown);
  return 0;
}

int client(std::uint16_t port, std::int64_t n, std::int64_t window,
           const std::string& policy, const std::string& prefix) {
  caf::actor_system_config cfg;
  prepare(cfg, policy);
  cfg.load<caf::io::middleman>();
  caf::actor_system sys{cfg};
  auto pong = sys.middleman().remote_actor("127.0.0.1", port);
  if (!pong) {
    std::cerr << "client: cannot connect: " << sys.render(pong.error())
              << "\n";
    return 1;
  }
  run_ping(sys, *pong, n, window, prefix);
  caf::anon_send_exit(*pong, caf::exit_reason::user_shutdown);
  return 0;
}

int loopback(const char* self_path, std::int64_t n, std::int64_t window,
             std::string policy) {
  caf::actor_system_config cfg;
  prepare(cfg, policy);
  cfg.load<caf::io::middleman>();
  caf::actor_system sys{cfg};
  auto pong = sys.spawn(pong_actor);
  auto port = sys.middleman().publish(pong, 0, "127.0.0.1");
  if (!port) {
    std::cerr << "loopback: cannot publish: " << sys.render(port.error())
              << "\n";
    return 1;
  }
  auto port_s = std::to_string(*port);
  auto n_s = std::to_string(n);
  auto w_s = std::to_string(window);
  auto prefix = name_of("loopback", policy, window);
  std::vector<char*> child_argv{const_cast<char*>(self_path),
                                const_cast<char*>("client"), port_s.data(),
                                n_s.data(), w_s.data(), policy.data(),
                                prefix.data(), nullptr};
  pid_t child = 0;
  if (posix_spawn(&child, "/proc/self/exe", nullptr, nullptr,
                  child_argv.data(), environ)
      != 0) {
    std::cerr << "loopback: cannot start the client process\n";
    return 1;
  }
  // Bounded: the client gets two minutes.
  int status = 0;
  auto deadline = clock_type::now() + std::chrono::seconds{120};
  pid_t got = 0;
  while ((got = waitpid(child, &status, WNOHANG)) == 0
         && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  if (got == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    std::cerr << "loopback: client timed out\n";
  }
  caf::anon_send_exit(pong, caf::exit_reason::user_shutdown);
  sys.middleman().unpublish(pong, *port);
  return got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    auto policy = args.size() == 4 ? args[3] : std::string{"stealing"};
    if ((args.size() == 3 || args.size() == 4) && args[0] == "local")
      return local(std::stoll(args[1]), std::stoll(args[2]), policy);
    if ((args.size() == 3 || args.size() == 4) && args[0] == "loopback")
      return loopback(argv[0], std::stoll(args[1]), std::stoll(args[2]),
                      policy);
    if (args.size() == 6 && args[0] == "client")
      return client(static_cast<std::uint16_t>(std::stoi(args[1])),
                    std::stoll(args[2]), std::stoll(args[3]), args[4],
                    args[5]);
  } catch (const std::exception& e) {
    std::cerr << "caf_pingpong: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: caf_pingpong local|loopback N WINDOW [stealing|sharing]\n";
  return 2;
}
