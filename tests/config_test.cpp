// Tests of ember::config: Spark's defaults, setting values by key, units of
// sizes and durations, config files, --conf arguments, validation and the
// per-level locality waits.

#include "common/config.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ember;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kib = 1024;
constexpr std::int64_t mib = 1024 * kib;
constexpr std::int64_t gib = 1024 * mib;

// A file in the temp directory, removed when this goes out of scope.
class temp_file {
public:
  explicit temp_file(const std::string& content) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path()
             / ("ember_config_test_" + std::to_string(::getpid()) + "_"
                + std::to_string(counter++) + ".conf"))
              .string();
    std::ofstream out{path_};
    out << content;
  }

  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

// The message of the config_error `f` throws; fails the test if none.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  FAIL("expected a config_error");
  return {};
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("defaults equal Spark's") {
  config cfg;
  CHECK(cfg.max_result_size == 1 * gib);        // spark.driver.maxResultSize
  CHECK(cfg.max_direct_result_size == 1 * mib); // spark.task.maxDirectResultSize
  CHECK(cfg.frame_size == 128 * mib);           // spark.rpc.message.maxSize
  CHECK(cfg.result_getter_threads == 4);        // spark.resultGetter.threads
  CHECK(cfg.max_task_failures == 4);            // spark.task.maxFailures
  CHECK(cfg.task_cpus == 1);                    // spark.task.cpus
  CHECK(cfg.locality_wait == 3s);               // spark.locality.wait
  CHECK(cfg.revive_interval == 1s);       // spark.scheduler.revive.interval
  CHECK(cfg.locality_wait_for_process() == 3s);
  CHECK(cfg.locality_wait_for_node() == 3s);
  CHECK(cfg.locality_wait_for_rack() == 3s);
  CHECK_NOTHROW(cfg.validate());
}

TEST_CASE("direct_result_limit is min(frame - reserved, max_direct)") {
  config cfg;
  CHECK(cfg.direct_result_limit() == 1 * mib);
  cfg.frame_size = 1 * mib;
  cfg.frame_reserved_bytes = 200 * kib;
  CHECK(cfg.direct_result_limit() == 1 * mib - 200 * kib);
  cfg.max_direct_result_size = 100 * kib;
  CHECK(cfg.direct_result_limit() == 100 * kib);
  cfg.max_direct_result_size = 824 * kib; // exactly frame - reserved
  CHECK(cfg.direct_result_limit() == 824 * kib);
}

TEST_CASE("set by key") {
  config cfg;
  cfg.set("max_task_failures", "8");
  CHECK(cfg.max_task_failures == 8);
  cfg.set("task_cpus=2");
  CHECK(cfg.task_cpus == 2);
  cfg.set(" result_getter_threads = 6 ");
  CHECK(cfg.result_getter_threads == 6);
  cfg.set("max_result_size", "0"); // 0 = unlimited
  CHECK(cfg.max_result_size == 0);
  cfg.set("local_dir", " /tmp/ember dir ");
  CHECK(cfg.local_dir == "/tmp/ember dir");
  cfg.set("log_level", "WARN");
  CHECK(cfg.log_level == "warn");
  cfg.set("executor_cores", "0");
  CHECK(cfg.executor_cores == 0);
  cfg.set("storage_disk=10g");
  CHECK(cfg.storage_disk == 10 * gib);
  cfg.set("revive_interval", "250ms");
  CHECK(cfg.revive_interval == 250ms);
  CHECK(contains(error_of([&] { cfg.set("no_equals_sign"); }),
                 "no_equals_sign"));
}

TEST_CASE("sizes accept units (powers of 1024)") {
  CHECK(parse_size("1024") == 1024);
  CHECK(parse_size("10b") == 10);
  CHECK(parse_size("2k") == 2 * kib);
  CHECK(parse_size("3KiB") == 3 * kib);
  CHECK(parse_size("512m") == 512 * mib);
  CHECK(parse_size("512MB") == 512 * mib);
  CHECK(parse_size("1g") == gib);
  CHECK(parse_size(" 1 G ") == gib);
  CHECK(parse_size("2t") == 2 * 1024 * gib);
  CHECK(parse_size("0") == 0);
  CHECK_THROWS_AS(parse_size(""), config_error);
  CHECK_THROWS_AS(parse_size("lots"), config_error);
  CHECK_THROWS_AS(parse_size("-1"), config_error);
  CHECK_THROWS_AS(parse_size("1x"), config_error);
  CHECK_THROWS_AS(parse_size("1.5g"), config_error);
  CHECK_THROWS_AS(parse_size("99999999999t"), config_error);
  CHECK_THROWS_AS(parse_size("99999999999999999999"), config_error);
  config cfg;
  cfg.set("max_result_size", "2g");
  CHECK(cfg.max_result_size == 2 * gib);
  cfg.set("frame_size=256m");
  CHECK(cfg.frame_size == 256 * mib);
}

TEST_CASE("durations accept ms, s, m and h; plain numbers are ms") {
  CHECK(parse_duration("250") == 250ms);
  CHECK(parse_duration("100ms") == 100ms);
  CHECK(parse_duration("3s") == 3s);
  CHECK(parse_duration("2m") == 2min);
  CHECK(parse_duration("5min") == 5min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("0") == 0ms);
  CHECK(parse_duration(" 7 S ") == 7s);
  CHECK_THROWS_AS(parse_duration(""), config_error);
  CHECK_THROWS_AS(parse_duration("s"), config_error);
  CHECK_THROWS_AS(parse_duration("-1s"), config_error);
  CHECK_THROWS_AS(parse_duration("3 days"), config_error);
  CHECK_THROWS_AS(parse_duration("9223372036854775807h"), config_error);
  config cfg;
  cfg.set("locality_wait", "10s");
  CHECK(cfg.locality_wait == 10s);
}

TEST_CASE("an unknown key is an error that names the key") {
  config cfg;
  auto msg = error_of([&] { cfg.set("max_reslt_size", "1g"); });
  CHECK(contains(msg, "unknown config key"));
  CHECK(contains(msg, "'max_reslt_size'"));
  msg = error_of([&] { cfg.set("spark.task.cpus=2"); });
  CHECK(contains(msg, "'spark.task.cpus'"));
  CHECK(cfg.max_result_size == 1 * gib);
}

TEST_CASE("bad values are errors that name the key and leave it unchanged") {
  config cfg;
  auto msg = error_of([&] { cfg.set("max_task_failures", "0"); });
  CHECK(contains(msg, "'max_task_failures'"));
  CHECK(contains(msg, ">= 1"));
  CHECK(cfg.max_task_failures == 4);
  msg = error_of([&] { cfg.set("task_cpus", "1.5"); });
  CHECK(contains(msg, "'task_cpus'"));
  CHECK(contains(msg, "1.5"));
  CHECK(cfg.task_cpus == 1);
  msg = error_of([&] { cfg.set("result_getter_threads", "many"); });
  CHECK(contains(msg, "'result_getter_threads'"));
  msg = error_of([&] { cfg.set("result_getter_threads", "99999999999"); });
  CHECK(contains(msg, "'result_getter_threads'"));
  msg = error_of([&] { cfg.set("max_result_size", "1 potato"); });
  CHECK(contains(msg, "'max_result_size'"));
  CHECK(cfg.max_result_size == 1 * gib);
  msg = error_of([&] { cfg.set("locality_wait", "soon"); });
  CHECK(contains(msg, "'locality_wait'"));
  CHECK(cfg.locality_wait == 3s);
  msg = error_of([&] { cfg.set("log_level", "loud"); });
  CHECK(contains(msg, "'log_level'"));
  CHECK(contains(msg, "loud"));
  CHECK(cfg.log_level == "info");
}

TEST_CASE("load_file reads both line forms and skips comments") {
  temp_file file{"# Ember settings\n"
                 "\n"
                 "max_task_failures = 6\n"
                 "task_cpus 2   # trailing comment\n"
                 "  locality_wait\t5s\n"
                 "max_result_size=2g\n"
                 "   # indented comment\n"
                 "local_dir /tmp/a=b\n"};
  config cfg;
  cfg.load_file(file.path());
  CHECK(cfg.max_task_failures == 6);
  CHECK(cfg.task_cpus == 2);
  CHECK(cfg.locality_wait == 5s);
  CHECK(cfg.max_result_size == 2 * gib);
  // In the `key value` form the value may contain '=' (as in Spark's
  // properties files, the first separator ends the key).
  CHECK(cfg.local_dir == "/tmp/a=b");
}

TEST_CASE("load_file errors carry the path and line number") {
  config cfg;
  SUBCASE("bad value") {
    temp_file file{"task_cpus = 2\n# comment\nmax_task_failures = zero\n"};
    auto msg = error_of([&] { cfg.load_file(file.path()); });
    CHECK(contains(msg, file.path() + ":3:"));
    CHECK(contains(msg, "'max_task_failures'"));
    CHECK(cfg.task_cpus == 2); // lines before the error were applied
  }
  SUBCASE("unknown key") {
    temp_file file{"\n\n\n\nbogus_key = 1\n"};
    auto msg = error_of([&] { cfg.load_file(file.path()); });
    CHECK(contains(msg, file.path() + ":5:"));
    CHECK(contains(msg, "'bogus_key'"));
  }
  SUBCASE("a key without a value") {
    temp_file file{"task_cpus = 2\nlonely\n"};
    auto msg = error_of([&] { cfg.load_file(file.path()); });
    CHECK(contains(msg, file.path() + ":2:"));
    CHECK(contains(msg, "lonely"));
  }
  SUBCASE("a missing file") {
    std::string path = "/nonexistent/dir/ember.conf";
    auto msg = error_of([&] { cfg.load_file(path); });
    CHECK(contains(msg, path));
  }
}

TEST_CASE("apply_args consumes --conf and --conf-file, passes the rest") {
  temp_file file{"locality_wait = 1s\n"};
  temp_file file2{"revive_interval = 2s\n"};
  config cfg;
  auto rest = cfg.apply_args({"run", "--conf", "task_cpus=2", "input.txt",
                              "--conf=max_task_failures=7", "--conf-file",
                              file.path(), "--verbose",
                              "--conf-file=" + file2.path(), "-n", "3"});
  CHECK(rest
        == std::vector<std::string>{"run", "input.txt", "--verbose", "-n",
                                    "3"});
  CHECK(cfg.task_cpus == 2);
  CHECK(cfg.max_task_failures == 7);
  CHECK(cfg.locality_wait == 1s);
  CHECK(cfg.revive_interval == 2s);
  // Nothing to consume: everything passes through, in order.
  CHECK(cfg.apply_args({"a", "--confx", "b"})
        == std::vector<std::string>{"a", "--confx", "b"});
  CHECK(cfg.apply_args({}).empty());
}

TEST_CASE("apply_args errors") {
  config cfg;
  CHECK(contains(error_of([&] { cfg.apply_args({"--conf"}); }), "--conf"));
  CHECK(contains(error_of([&] { cfg.apply_args({"x", "--conf-file"}); }),
                 "--conf-file"));
  CHECK(contains(error_of([&] { cfg.apply_args({"--conf", "nope=1"}); }),
                 "'nope'"));
  CHECK(contains(error_of([&] { cfg.apply_args({"--conf=task_cpus=x"}); }),
                 "'task_cpus'"));
  CHECK(contains(error_of([&] { cfg.apply_args({"--conf", "task_cpus"}); }),
                 "task_cpus"));
}

TEST_CASE("validate checks cross-field constraints") {
  config cfg;
  CHECK_NOTHROW(cfg.validate());
  SUBCASE("frame must exceed its reserved bytes") {
    cfg.frame_size = cfg.frame_reserved_bytes;
    auto msg = error_of([&] { cfg.validate(); });
    CHECK(contains(msg, "frame_size"));
    CHECK(contains(msg, "frame_reserved_bytes"));
    cfg.frame_size = cfg.frame_reserved_bytes + 1;
    CHECK_NOTHROW(cfg.validate());
  }
  SUBCASE("a task must fit on an executor") {
    cfg.executor_cores = 2;
    cfg.task_cpus = 3;
    auto msg = error_of([&] { cfg.validate(); });
    CHECK(contains(msg, "task_cpus"));
    CHECK(contains(msg, "executor_cores"));
    cfg.task_cpus = 2;
    CHECK_NOTHROW(cfg.validate());
    // 0 cores means the machine's threads: not checked here.
    cfg.executor_cores = 0;
    cfg.task_cpus = 64;
    CHECK_NOTHROW(cfg.validate());
  }
}

TEST_CASE("per-level locality waits override locality_wait") {
  config cfg;
  cfg.set("locality_wait_node", "0");
  CHECK(cfg.locality_wait_for_node() == 0ms);
  CHECK(cfg.locality_wait_for_process() == 3s);
  CHECK(cfg.locality_wait_for_rack() == 3s);
  cfg.set("locality_wait", "10s");
  CHECK(cfg.locality_wait_for_process() == 10s);
  CHECK(cfg.locality_wait_for_node() == 0ms);
  CHECK(cfg.locality_wait_for_rack() == 10s);
  cfg.set("locality_wait_process=1s");
  cfg.set("locality_wait_rack=20s");
  CHECK(cfg.locality_wait_for_process() == 1s);
  CHECK(cfg.locality_wait_for_rack() == 20s);
}

TEST_CASE("describe lists every key with its current value") {
  config cfg;
  cfg.set("task_cpus", "3");
  auto all = cfg.describe();
  auto value_of = [&](std::string_view key) {
    auto i = std::find_if(all.begin(), all.end(),
                          [&](auto& kv) { return kv.first == key; });
    REQUIRE(i != all.end());
    return i->second;
  };
  CHECK(value_of("task_cpus") == "3");
  CHECK(value_of("max_result_size") == std::to_string(gib));
  CHECK(value_of("locality_wait") == "3000ms");
  CHECK(value_of("log_level") == "info");
  // Every described key is known to `set`.
  for (auto& [key, value] : all) {
    CAPTURE(key);
    config copy;
    try {
      copy.set(key, "not a value !");
    } catch (const config_error& e) {
      CHECK_FALSE(contains(e.what(), "unknown config key"));
    }
    auto msg = error_of([&] { copy.set(key + "_nope", "1"); });
    CHECK(contains(msg, "unknown config key"));
  }
}
