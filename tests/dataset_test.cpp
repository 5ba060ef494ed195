// The typed Dataset API, transformation by transformation and action by
// action, each compared with a plain C++ computation of the same result on
// generated data: empty partitions, skewed keys, more partitions than
// records.

#include "dataset_test_util.hpp"

#include "api/context.hpp"

#include <doctest/doctest.h>

#include <cereal/types/map.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

using namespace ember;
using namespace ember::testing;

namespace {

std::int64_t square(const std::int64_t& x) {
  return x * x;
}

bool is_odd(const std::int64_t& x) {
  return x % 2 != 0;
}

struct span {
  std::int64_t lo = 0;
  std::int64_t hi = 0;

  std::int64_t width() const {
    return hi - lo;
  }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(lo, hi);
  }

  friend bool operator==(const span&, const span&) = default;
};

struct never_asked {
  std::int64_t operator()(const std::int64_t& x) const {
    return x + 1;
  }
};

using never_asked_op = detail::map_op<never_asked, std::int64_t, void>;

/// Instantiated (so registered during static initialisation), never called.
[[maybe_unused]] const std::string& (*const never_called)()
  = &stable_name<never_asked_op>;

/// Shares its mangled name with pair_dataset_test.cpp's twin_fn.
struct twin_fn {
  std::int64_t operator()(const std::int64_t& x) const {
    return x + 1;
  }
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

std::vector<std::int64_t> ember::testing::map_with_twin_a(context& ctx) {
  return ctx.range(0, 3, 1, 2).map(twin_fn{}).collect();
}

std::string ember::testing::twin_name_a() {
  return stable_name<detail::map_op<twin_fn, std::int64_t, void>>();
}

TEST_CASE("parallelize and collect keep the records and their order") {
  context ctx{small_cluster()};
  auto xs = random_ints(1000, 1 << 20, 1);
  for (int parts : {1, 3, 7, 64}) {
    auto ds = ctx.parallelize(xs, parts);
    CHECK(ds.partitions() == parts);
    CHECK(ds.collect() == xs);
    CHECK(ds.count() == 1000);
  }
  SUBCASE("more partitions than records, and no records") {
    std::vector<std::int64_t> three{5, 6, 7};
    CHECK(ctx.parallelize(three, 10).collect() == three);
    CHECK(ctx.parallelize(std::vector<std::int64_t>{}, 4).collect().empty());
    CHECK(ctx.parallelize(std::vector<std::int64_t>{}, 4).count() == 0);
  }
  SUBCASE("default partitions: the default parallelism") {
    CHECK(ctx.default_parallelism() == 4);
    CHECK(ctx.parallelize(xs).partitions() == 4);
  }
  CHECK_THROWS_AS(ctx.parallelize(xs, -1), std::invalid_argument);
}

TEST_CASE("range matches a loop, for every sign of step") {
  context ctx{small_cluster()};
  struct params {
    std::int64_t start, end, step;
    int parts;
  };
  for (auto p : {params{0, 100, 1, 4}, params{-7, 50, 3, 5},
                 params{10, 0, -2, 3}, params{5, 5, 1, 2},
                 params{0, 3, 1, 9}, params{0, 10, -1, 2}}) {
    std::vector<std::int64_t> expected;
    for (auto x = p.start; p.step > 0 ? x < p.end : x > p.end; x += p.step)
      expected.push_back(x);
    auto ds = ctx.range(p.start, p.end, p.step, p.parts);
    CHECK(ds.partitions() == p.parts);
    CHECK(ds.collect() == expected);
  }
  CHECK_THROWS_AS(ctx.range(0, 10, 0), std::invalid_argument);
}

TEST_CASE("map, filter, flat_map and map_partitions match std algorithms") {
  context ctx{small_cluster()};
  auto xs = random_ints(500, 1000, 2);
  auto ds = ctx.parallelize(xs, 6);

  SUBCASE("map with a lambda, a free function and a bound argument") {
    std::vector<std::int64_t> expected;
    for (auto x : xs)
      expected.push_back(x * x + 3);
    auto got = ds.map(fn<&square>)
                 .map([](const std::int64_t& x, const std::int64_t& k) {
                   return x + k;
                 }, std::int64_t{3})
                 .collect();
    CHECK(got == expected);
    // The result type follows the function: strings here.
    auto text = ds.map([](const std::int64_t& x) { return std::to_string(x); });
    CHECK(text.first() == std::to_string(xs.front()));
  }
  SUBCASE("filter") {
    std::vector<std::int64_t> odd;
    std::copy_if(xs.begin(), xs.end(), std::back_inserter(odd), is_odd);
    CHECK(ds.filter(fn<&is_odd>).collect() == odd);
    std::vector<std::int64_t> big;
    std::copy_if(xs.begin(), xs.end(), std::back_inserter(big),
                 [](auto x) { return x >= 700; });
    CHECK(ds.filter([](const std::int64_t& x, const std::int64_t& t) {
              return x >= t;
            }, std::int64_t{700})
            .collect()
          == big);
    CHECK(ds.filter([](const std::int64_t&) { return false; }).count() == 0);
  }
  SUBCASE("flat_map returns a vector per record, possibly empty") {
    std::vector<std::int64_t> expected;
    for (auto x : xs)
      for (std::int64_t i = 0; i < x % 4; ++i)
        expected.push_back(x + i);
    auto got = ds.flat_map([](const std::int64_t& x) {
      std::vector<std::int64_t> out;
      for (std::int64_t i = 0; i < x % 4; ++i)
        out.push_back(x + i);
      return out;
    });
    CHECK(got.collect() == expected);
  }
  SUBCASE("map_partitions sees whole partitions") {
    auto sums = ds.map_partitions([](std::vector<std::int64_t>&& part) {
                    return std::vector<std::int64_t>{
                      std::accumulate(part.begin(), part.end(), std::int64_t{0}),
                      static_cast<std::int64_t>(part.size())};
                  })
                  .collect();
    REQUIRE(sums.size() == 12);
    std::int64_t total = 0;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < sums.size(); i += 2) {
      total += sums[i];
      count += sums[i + 1];
    }
    CHECK(total == std::accumulate(xs.begin(), xs.end(), std::int64_t{0}));
    CHECK(count == 500);
  }
  SUBCASE("user types, function objects and member functions") {
    auto spans = ds.map([](const std::int64_t& x) { return span{x, x + x % 7}; });
    std::vector<std::int64_t> widths;
    for (auto x : xs)
      widths.push_back(x % 7);
    CHECK(spans.map(fn<&span::width>).collect() == widths);
    std::vector<std::int64_t> negated;
    for (auto x : xs)
      negated.push_back(-x);
    CHECK(ds.map(std::negate<std::int64_t>{}).collect() == negated);
  }
}

TEST_CASE("sample is a deterministic Bernoulli subset") {
  context ctx{small_cluster()};
  auto ds = ctx.range(0, 20000, 1, 8);
  auto a = ds.sample(0.1, 42).collect();
  auto b = ds.sample(0.1, 42).collect();
  auto c = ds.sample(0.1, 43).collect();
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::is_sorted(a.begin(), a.end())); // a subsequence, in order
  CHECK(std::adjacent_find(a.begin(), a.end()) == a.end());
  // 2000 expected; 5 standard deviations is about 212.
  CHECK(std::abs(static_cast<double>(a.size()) - 2000) < 250);
  CHECK(ds.sample(0, 1).count() == 0);
  CHECK(ds.sample(1, 1).count() == 20000);
  CHECK_THROWS_AS(ds.sample(1.5, 1), std::invalid_argument);
  // Partitions use different seeds: the same index set would repeat.
  auto per_part = ctx.range(0, 8000, 1, 8)
                    .map([](const std::int64_t& x) { return x % 1000; })
                    .sample(0.05, 7)
                    .collect();
  std::map<std::int64_t, int> seen;
  for (auto x : per_part)
    ++seen[x];
  CHECK(seen.size() > per_part.size() / 2);
}

TEST_CASE("distinct and repartition keep the records") {
  context ctx{small_cluster()};
  auto xs = random_ints(2000, 300, 4);
  auto ds = ctx.parallelize(xs, 7);
  std::set<std::int64_t> unique(xs.begin(), xs.end());
  for (int parts : {0, 1, 5, 40}) {
    auto d = ds.distinct(parts);
    CHECK(d.partitions() == (parts == 0 ? 7 : parts));
    auto got = d.collect();
    CHECK(got.size() == unique.size());
    CHECK(std::set<std::int64_t>(got.begin(), got.end()) == unique);
  }
  auto words = ctx.parallelize(std::vector<std::string>{"a", "b", "a", "", "b"}, 3);
  CHECK(sorted(words.distinct().collect())
        == std::vector<std::string>{"", "a", "b"});

  for (int n : {1, 3, 16}) {
    auto r = ds.repartition(n);
    CHECK(r.partitions() == n);
    CHECK(sorted(r.collect()) == sorted(xs));
  }
  // Dealt round-robin: partitions differ by at most one record per input
  // partition.
  auto sizes = ds.repartition(4)
                 .map_partitions([](std::vector<std::int64_t>&& part) {
                   return std::vector<std::size_t>{part.size()};
                 })
                 .collect();
  REQUIRE(sizes.size() == 4);
  auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
  CHECK(*hi - *lo <= 7);
  CHECK_THROWS_AS(ds.repartition(0), std::invalid_argument);
}

TEST_CASE("actions: count, reduce, fold, take, first") {
  context ctx{small_cluster()};
  auto xs = random_ints(777, 100000, 10);
  auto ds = ctx.parallelize(xs, 9);
  auto total = std::accumulate(xs.begin(), xs.end(), std::int64_t{0});
  CHECK(ds.count() == 777);
  CHECK(ds.reduce(std::plus<std::int64_t>{}) == total);
  CHECK(ds.reduce([](std::int64_t a, const std::int64_t& b) {
          return std::max(a, b);
        })
        == *std::max_element(xs.begin(), xs.end()));
  // Spark's fold: the zero once per partition and once more on the driver.
  CHECK(ds.fold(0, std::plus<std::int64_t>{}) == total);
  CHECK(ds.fold(1, std::plus<std::int64_t>{}) == total + 10);
  for (std::int64_t n : {0, 1, 5, 776, 777, 2000}) {
    auto got = ds.take(n);
    std::vector<std::int64_t> expected(
      xs.begin(), xs.begin() + std::min<std::int64_t>(n, 777));
    CHECK(got == expected);
  }
  CHECK_THROWS_AS(ds.take(-1), std::invalid_argument);
  CHECK(ds.first() == xs.front());

  // More partitions than records: mostly empty partitions.
  auto sparse = ctx.parallelize(std::vector<std::int64_t>{4, 5}, 12);
  CHECK(sparse.reduce(std::plus<std::int64_t>{}) == 9);
  CHECK(sparse.first() == 4);
  CHECK(sparse.take(5) == std::vector<std::int64_t>{4, 5});

  auto empty = ctx.parallelize(std::vector<std::int64_t>{}, 3);
  CHECK_THROWS_AS(empty.reduce(std::plus<std::int64_t>{}), empty_dataset_error);
  CHECK_THROWS_AS(empty.first(), empty_dataset_error);
  CHECK(empty.fold(5, std::plus<std::int64_t>{}) == 20);
  CHECK(empty.take(3).empty());
}

TEST_CASE("save_as_text_file writes one part file per partition") {
  context ctx{small_cluster()};
  temp_dir tmp;
  auto pairs = std::vector<skv>{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}};
  auto ds = ctx.parallelize(pairs, 3);
  auto out = tmp / "out";
  ds.save_as_text_file(out);
  CHECK(read_file(tmp.path() / "out" / "part-00000") == "(a,1)\n");
  CHECK(read_file(tmp.path() / "out" / "part-00001") == "(b,2)\n(c,3)\n");
  CHECK(read_file(tmp.path() / "out" / "part-00002") == "(d,4)\n(e,5)\n");
  CHECK(std::filesystem::exists(tmp.path() / "out" / "_SUCCESS"));
  std::set<std::string> names;
  for (auto& e : std::filesystem::directory_iterator{tmp.path() / "out"})
    names.insert(e.path().filename().string());
  CHECK(names
        == std::set<std::string>{"_SUCCESS", "part-00000", "part-00001",
                                 "part-00002"});
  // An existing, non-empty directory is an error; an empty one is not.
  CHECK_THROWS_AS(ds.save_as_text_file(out), std::invalid_argument);
  std::filesystem::create_directories(tmp.path() / "empty");
  ctx.range(0, 3, 1, 5).save_as_text_file(tmp / "empty");
  CHECK(read_file(tmp.path() / "empty" / "part-00004") == "2\n");
  CHECK(read_file(tmp.path() / "empty" / "part-00000").empty());
  // Round trip through text_file.
  CHECK(ctx.text_file(tmp / "empty").collect()
        == std::vector<std::string>{"0", "1", "2"});
}

TEST_CASE("text_file reads lines of files, directories and globs") {
  context ctx{small_cluster()};
  temp_dir tmp;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream os{tmp.path() / name, std::ios::binary};
    os << text;
  };
  std::string big;
  std::vector<std::string> big_lines;
  for (int i = 0; i < 3000; ++i) {
    big_lines.push_back("line " + std::to_string(i) + std::string(i % 17, 'x'));
    big += big_lines.back() + "\n";
  }
  write("a.txt", big);
  write("b.txt", "one\r\ntwo\n\nlast without newline");
  write("c.txt", "");
  write("_ignored.txt", "hidden\n");

  SUBCASE("a large file in many splits reads every line once") {
    for (int parts : {1, 2, 7, 50}) {
      auto ds = ctx.text_file(tmp / "a.txt", parts);
      CHECK(ds.partitions() >= parts);
      CHECK(ds.collect() == big_lines);
    }
  }
  SUBCASE("line endings, empty lines, empty files") {
    CHECK(ctx.text_file(tmp / "b.txt").collect()
          == std::vector<std::string>{"one", "two", "", "last without newline"});
    auto empty = ctx.text_file(tmp / "c.txt");
    CHECK(empty.partitions() == 1);
    CHECK(empty.count() == 0);
  }
  SUBCASE("directories and globs: each file at least one partition") {
    auto dir = ctx.text_file(tmp.path().string(), 1);
    CHECK(dir.partitions() >= 3);
    CHECK(dir.count() == 3000 + 4);
    auto glob = ctx.text_file(tmp / "[bc].txt", 1);
    CHECK(glob.partitions() == 2);
    CHECK(glob.count() == 4);
  }
  CHECK_THROWS_AS(ctx.text_file(tmp / "missing.txt"), std::invalid_argument);
  CHECK_THROWS_AS(ctx.text_file(tmp / "*.csv"), std::invalid_argument);
}

TEST_CASE("stable names: per function type, told apart across translation units") {
  auto a = [](const std::int64_t& x) { return x; };
  auto b = [](const std::int64_t& x) { return x; };
  using op_a = detail::map_op<decltype(a), std::int64_t, void>;
  using op_b = detail::map_op<decltype(b), std::int64_t, void>;
  CHECK(stable_name<op_a>() == stable_name<op_a>());
  CHECK(stable_name<op_a>() != stable_name<op_b>());
  CHECK(stable_name<op_a>() == typeid(op_a).name());
  // Two types with one mangled name (internal linkage in two translation
  // units): the second claimant gets a suffix, the first keeps the name.
  bool fresh = false;
  auto first = claim_stable_name("ember-test-name", typeid(op_a), fresh);
  CHECK(fresh);
  auto second = claim_stable_name("ember-test-name", typeid(op_b), fresh);
  CHECK(fresh);
  CHECK(first == "ember-test-name");
  CHECK(second == "ember-test-name#2");
  CHECK(claim_stable_name("ember-test-name", typeid(op_a), fresh) == first);
  CHECK_FALSE(fresh);
  CHECK(function_registry::global().narrow(stable_name<op_a>()) != nullptr);
  // Registered before main: nothing at run time asked for this one's name.
  CHECK(function_registry::global().narrow(typeid(never_asked_op).name())
        != nullptr);

  SUBCASE("two translation units, one mangled name, two functions") {
    context ctx{small_cluster()};
    CHECK(map_with_twin_a(ctx) == std::vector<std::int64_t>{1, 2, 3});
    CHECK(map_with_twin_b(ctx) == std::vector<std::int64_t>{0, 10, 20});
    auto a = twin_name_a();
    auto b = twin_name_b();
    CHECK(a != b);
    CHECK((a == b + "#2" || b == a + "#2"));
  }
}
