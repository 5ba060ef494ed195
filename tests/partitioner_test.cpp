// Tests of the stable hash, the hash and range partitioners, range bounds,
// seeded sampling and partitioner specs. Golden values pin every output that
// decides where a key goes: a change to them must be deliberate.

#include "scheduler/partitioner.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using namespace ember;

namespace app {

struct user_key {
  int a;
  std::string b;
};

std::uint64_t ember_hash(const user_key& k) {
  return ember::stable_hash(std::tie(k.a, k.b)) ^ 0x5555;
}

enum class color : std::int16_t { red = 1, green = 2 };

} // namespace app

TEST_CASE("the mixers match their published test vectors") {
  CHECK(splitmix64(0) == 0xe220a8397b1dcdafULL);
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("stable_hash golden values") {
  CHECK(stable_hash(0) == 0xe220a8397b1dcdafULL);
  CHECK(stable_hash(42) == 0xbdd732262feb6e95ULL);
  CHECK(stable_hash(-1) == 0xe4d971771b652c20ULL);
  CHECK(stable_hash(std::int64_t{1234567890123}) == 0x9a253c9557cd08d8ULL);
  CHECK(stable_hash(3.25) == 0xfa43f7d3f68757f4ULL);
  CHECK(stable_hash(std::nan("")) == 0xc72971d82e15bb46ULL);
  CHECK(stable_hash(std::string{}) == 0xc3817c016ba4ff30ULL);
  CHECK(stable_hash(std::string{"spark"}) == 0x1b4a4d505e411be2ULL);
  CHECK(stable_hash(std::pair<int, std::string>{1, "a"})
        == 0x3001ea1c95b66245ULL);
  CHECK(stable_hash(std::tuple<int, double, std::string>{1, 2.5, "x"})
        == 0x717b341970a16330ULL);
  CHECK(stable_hash(std::vector<int>{1, 2, 3}) == 0x54182ad2a764bf14ULL);
}

TEST_CASE("integers hash by value whatever their width and signedness") {
  CHECK(stable_hash(std::int8_t{5}) == stable_hash(std::int64_t{5}));
  CHECK(stable_hash(5u) == stable_hash(5));
  CHECK(stable_hash(std::uint64_t{7}) == stable_hash(std::int16_t{7}));
  CHECK(stable_hash(std::int32_t{-3}) == stable_hash(std::int64_t{-3}));
  CHECK(stable_hash(true) == stable_hash(1));
  CHECK(stable_hash('a') == stable_hash(97));
  CHECK(stable_hash(static_cast<char>(-1)) == stable_hash(255));
  CHECK(stable_hash(app::color::green) == stable_hash(2));
  CHECK(stable_hash(1) != stable_hash(2));
}

TEST_CASE("floating point: -0.0 hashes as 0.0, every NaN alike, float as "
          "double") {
  CHECK(stable_hash(-0.0) == stable_hash(0.0));
  CHECK(stable_hash(-0.0f) == stable_hash(0.0));
  auto nan1 = std::numeric_limits<double>::quiet_NaN();
  auto nan2 = -std::nan("0x123");
  CHECK(stable_hash(nan1) == stable_hash(nan2));
  CHECK(stable_hash(std::numeric_limits<float>::quiet_NaN())
        == stable_hash(nan1));
  CHECK(stable_hash(1.5f) == stable_hash(1.5));
  CHECK(stable_hash(1.5) != stable_hash(2.5));
}

TEST_CASE("strings hash by their bytes whatever their type") {
  std::string s = "hello";
  CHECK(stable_hash(s) == stable_hash(std::string_view{"hello"}));
  CHECK(stable_hash(s) == stable_hash("hello"));
  CHECK(stable_hash(s.c_str()) == stable_hash(s));
  CHECK(stable_hash(std::string{"a\0b", 3}) != stable_hash(std::string{"a"}));
  CHECK(stable_hash(std::string{"ab"}) != stable_hash(std::string{"ba"}));
}

TEST_CASE("pairs, tuples and vectors combine element hashes in order") {
  CHECK(stable_hash(std::pair{1, 2}) == stable_hash(std::tuple{1, 2}));
  CHECK(stable_hash(std::pair{1, 2}) != stable_hash(std::pair{2, 1}));
  CHECK(stable_hash(std::vector<int>{}) != stable_hash(std::vector<int>{0}));
  CHECK(stable_hash(std::vector<int>{1, 2}) != stable_hash(std::vector<int>{2, 1}));
  CHECK(stable_hash(std::vector<std::vector<int>>{{1}, {2}})
        != stable_hash(std::vector<std::vector<int>>{{1, 2}}));
  CHECK(stable_hash(std::vector<bool>{true, false})
        == stable_hash(std::vector<int>{1, 0}));
}

TEST_CASE("a user type's ember_hash is found by ADL, also inside containers") {
  app::user_key k{3, "x"};
  auto expected = stable_hash(std::tie(k.a, k.b)) ^ 0x5555;
  CHECK(stable_hash(k) == expected);
  CHECK(stable_hash(std::vector<app::user_key>{k})
        == hash_combine(splitmix64(1), expected));
  CHECK(has_ember_hash<app::user_key>);
  CHECK_FALSE(has_ember_hash<int>);
}

TEST_CASE("hash_partitioner: stable_hash mod n, golden partitions") {
  hash_partitioner p{10};
  CHECK(p.num_partitions() == 10);
  CHECK(p.partition(std::string_view{"a"}) == 3);
  CHECK(p.partition(std::string_view{"b"}) == 0);
  CHECK(p.partition(std::string_view{"ember"}) == 6);
  for (std::int64_t k = -1000; k < 1000; ++k) {
    auto part = p.partition(k);
    CHECK(part == static_cast<int>(stable_hash(k) % 10));
    CHECK((part >= 0 && part < 10));
  }
}

TEST_CASE("hash_partitioner spreads consecutive keys evenly") {
  hash_partitioner p{16};
  std::vector<int> counts(16, 0);
  for (int k = 0; k < 16000; ++k)
    ++counts[static_cast<std::size_t>(p.partition(k))];
  for (auto c : counts)
    CHECK((c > 800 && c < 1200));
}

TEST_CASE("hash_partitioner rejects negative counts and has nowhere to put "
          "keys with 0 partitions") {
  CHECK_THROWS_AS(hash_partitioner{-1}, std::invalid_argument);
  hash_partitioner empty{0};
  CHECK_THROWS_AS(empty.partition(1), std::logic_error);
}

TEST_CASE("range_partitioner: keys <= bounds[i] go to partition i, larger "
          "keys to the last") {
  range_partitioner<int> p{{10, 20, 30}};
  CHECK(p.num_partitions() == 4);
  CHECK(p.partition(-5) == 0);
  CHECK(p.partition(10) == 0);
  CHECK(p.partition(11) == 1);
  CHECK(p.partition(20) == 1);
  CHECK(p.partition(30) == 2);
  CHECK(p.partition(31) == 3);
  CHECK(range_partitioner<int>{}.partition(123) == 0);
}

TEST_CASE("a descending range_partitioner numbers partitions from the end") {
  range_partitioner<int> p{{10, 20}, false};
  CHECK(p.partition(5) == 2);
  CHECK(p.partition(15) == 1);
  CHECK(p.partition(25) == 0);
}

TEST_CASE("range bounds must be strictly increasing") {
  CHECK_THROWS_AS((range_partitioner<int>{{1, 1}}), std::invalid_argument);
  CHECK_THROWS_AS((range_partitioner<int>{{2, 1}}), std::invalid_argument);
  CHECK_NOTHROW((range_partitioner<int, std::greater<int>>{{2, 1}}));
}

TEST_CASE("compute_range_bounds picks evenly spaced quantiles") {
  std::vector<int> samples;
  for (int i = 100; i >= 1; --i)
    samples.push_back(i);
  CHECK(compute_range_bounds(samples, 4) == std::vector<int>{25, 50, 75});
  CHECK(compute_range_bounds(samples, 1).empty());
  CHECK(compute_range_bounds(std::vector<int>{}, 4).empty());
}

TEST_CASE("compute_range_bounds skips duplicate keys") {
  std::vector<int> samples(90, 7);
  for (int i = 0; i < 10; ++i)
    samples.push_back(100 + i);
  // As Spark: the target weight moves on only when a bound is taken.
  auto bounds = compute_range_bounds(samples, 4);
  CHECK(bounds == std::vector<int>{7, 100, 101});
  CHECK_NOTHROW(range_partitioner<int>{bounds});
  CHECK(compute_range_bounds(std::vector<int>{1, 1, 1}, 8)
        == std::vector<int>{1});
}

TEST_CASE("compute_range_bounds depends only on the sample values") {
  std::vector<std::string> a{"pear", "apple", "fig", "kiwi", "plum", "date",
                             "lime", "yuzu"};
  std::vector<std::string> b{"yuzu", "lime", "date", "plum", "kiwi", "fig",
                             "apple", "pear"};
  CHECK(compute_range_bounds(a, 3) == compute_range_bounds(b, 3));
  CHECK(compute_range_bounds(a, 3)
        == std::vector<std::string>{"fig", "pear"});
}

TEST_CASE("weighted bounds follow cumulative weights") {
  std::vector<std::pair<int, double>> samples{{1, 1}, {2, 1}, {3, 6}, {4, 2}};
  CHECK(compute_weighted_range_bounds(samples, 2) == std::vector<int>{3});
  CHECK(compute_weighted_range_bounds(samples, 5) == std::vector<int>{2, 3, 4});
}

TEST_CASE("sample seeds and samples are the same in every run (golden)") {
  CHECK(sample_seed(3, 7) == 0xb7be1daacd01cdacULL);
  CHECK(sample_seed(3, 7) != sample_seed(7, 3));
  CHECK(sample_seed(3, 7) != sample_seed(3, 8));
  std::vector<int> records;
  for (int i = 0; i < 100; ++i)
    records.push_back(i);
  CHECK(sample_partition(records, 0.1, 42)
        == std::vector<int>{5, 10, 18, 19, 25, 34, 39, 51, 52, 90});
  CHECK(reservoir_sample(records, 5, 42) == std::vector<int>{44, 39, 30, 13, 57});
}

TEST_CASE("sample_partition keeps about the fraction, all at 1, none at 0") {
  std::vector<int> records(10000, 1);
  auto n = sample_partition(records, 0.25, 1).size();
  CHECK((n > 2300 && n < 2700));
  CHECK(sample_partition(records, 1.0, 1).size() == records.size());
  CHECK(sample_partition(records, 0.0, 1).empty());
  CHECK(sample_partition(records, 0.5, 1) == sample_partition(records, 0.5, 1));
  std::vector<int> ids;
  for (int i = 0; i < 1000; ++i)
    ids.push_back(i);
  CHECK(sample_partition(ids, 0.5, 1) != sample_partition(ids, 0.5, 2));
}

TEST_CASE("reservoir_sample keeps k records, or all of them") {
  std::vector<int> records{1, 2, 3};
  CHECK(reservoir_sample(records, 5, 9) == records);
  std::vector<int> many(1000);
  for (int i = 0; i < 1000; ++i)
    many[static_cast<std::size_t>(i)] = i;
  auto s = reservoir_sample(many, 20, 9);
  CHECK(s.size() == 20);
  CHECK(s == reservoir_sample(many, 20, 9));
}

TEST_CASE("partitioner specs round-trip through cereal") {
  range_partitioner<std::string> r{{"g", "p"}, false};
  auto spec = r.spec();
  CHECK(spec.kind == partitioner_kind::range);
  CHECK(spec.num_partitions == 3);
  auto back = decode<partitioner_spec>(encode(spec));
  CHECK(back == spec);
  auto r2 = range_partitioner<std::string>::from_spec(back);
  CHECK(r2.bounds() == r.bounds());
  CHECK_FALSE(r2.ascending());
  auto h = hash_partitioner{7}.spec();
  CHECK(decode<partitioner_spec>(encode(h)) == h);
  CHECK(hash_partitioner::from_spec(h).num_partitions() == 7);
  CHECK(to_string(h) == "hash(7)");
  CHECK(to_string(spec) == "range(3, descending)");
}

TEST_CASE("inconsistent specs are rejected") {
  auto spec = range_partitioner<int>{{1, 2}}.spec();
  spec.num_partitions = 5;
  CHECK_THROWS_AS(range_partitioner<int>::from_spec(spec),
                  std::invalid_argument);
  CHECK_THROWS_AS(range_partitioner<int>::from_spec(hash_partitioner{3}.spec()),
                  std::invalid_argument);
  CHECK_THROWS_AS(hash_partitioner::from_spec(range_partitioner<int>{}.spec()),
                  std::invalid_argument);
  partitioner_spec garbage{partitioner_kind::range, 2, "\x01", true};
  CHECK_THROWS_AS(range_partitioner<int>::from_spec(garbage), decode_error);
}

TEST_CASE("key_partitioner rebuilds the partitioner a spec describes") {
  auto hashed = key_partitioner<std::string>::from_spec(hash_partitioner{10}.spec());
  CHECK(hashed.num_partitions() == 10);
  CHECK(hashed.partition("a") == hash_partitioner{10}.partition(std::string{"a"}));
  auto ranged = key_partitioner<int>::from_spec(range_partitioner<int>{{5}}.spec());
  CHECK(ranged.num_partitions() == 2);
  CHECK(ranged.partition(5) == 0);
  CHECK(ranged.partition(6) == 1);
}
