#pragma once
// Deterministic partitioners for shuffles (Spark's HashPartitioner and
// RangePartitioner) and the stable hash they use.
//
// `stable_hash(key)` gives the same 64-bit value for the same key in every
// process, run and build (no std::hash, no per-process seed):
//   - bool, integers, enums: the SplitMix64 output for the value as a
//     64-bit integer (signed values sign-extended; `char` as unsigned char),
//     so 5, 5L and 5u hash alike;
//   - float, double: SplitMix64 of the bit pattern of the value as a double,
//     with -0.0 hashed as 0.0 and every NaN as one canonical quiet NaN;
//   - anything convertible to std::string_view (std::string, const char*):
//     SplitMix64 of the FNV-1a 64 hash of its bytes;
//   - std::pair, std::tuple, std::vector: the element hashes combined in
//     order (`hash_combine`), starting from the element count;
//   - user types: a free function `std::uint64_t ember_hash(const T&)`
//     found by argument-dependent lookup (declare it in T's namespace). It
//     takes precedence over the rules above and must itself be stable
//     (build it from `ember::stable_hash` of the members).
// A change to any of these values changes where keys go and must not
// happen silently: tests pin golden values.
//
// Range bounds and samples are deterministic too: bounds depend only on the
// sample values, and sampling draws from std::mt19937_64 (whose sequence
// the standard fixes) without std::*_distribution (whose output is
// implementation-defined).

#include "common/serialization.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ember {

// -- stable hashing -----------------------------------------------------------

/// The first output of SplitMix64 seeded with `x` (a bijective mixer).
constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// FNV-1a, 64 bits.
constexpr std::uint64_t fnv1a_64(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// Mixes `h` into `seed`; order-dependent.
constexpr std::uint64_t hash_combine(std::uint64_t seed,
                                     std::uint64_t h) noexcept {
  return splitmix64(seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6)
                            + (seed >> 2)));
}

/// Whether a user hash `ember_hash(const T&)` is found by ADL.
template <class T>
concept has_ember_hash = requires(const T& x) {
  { ember_hash(x) } -> std::convertible_to<std::uint64_t>;
};

namespace detail {

template <class T>
struct is_pair_or_tuple : std::false_type {};
template <class A, class B>
struct is_pair_or_tuple<std::pair<A, B>> : std::true_type {};
template <class... Ts>
struct is_pair_or_tuple<std::tuple<Ts...>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

template <class>
inline constexpr bool always_false = false;

struct stable_hash_fn {
  template <class T>
  std::uint64_t operator()(const T& x) const {
    if constexpr (has_ember_hash<T>) {
      return static_cast<std::uint64_t>(ember_hash(x));
    } else if constexpr (std::is_same_v<T, char>) {
      return splitmix64(static_cast<unsigned char>(x));
    } else if constexpr (std::is_enum_v<T>) {
      return (*this)(static_cast<std::underlying_type_t<T>>(x));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      return splitmix64(static_cast<std::uint64_t>(static_cast<std::int64_t>(x)));
    } else if constexpr (std::is_integral_v<T>) {
      return splitmix64(static_cast<std::uint64_t>(x));
    } else if constexpr (std::is_floating_point_v<T>) {
      auto d = static_cast<double>(x);
      if (std::isnan(d))
        return splitmix64(0x7ff8000000000000ULL);
      if (d == 0.0)
        d = 0.0; // -0.0 == 0.0
      return splitmix64(std::bit_cast<std::uint64_t>(d));
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      return splitmix64(fnv1a_64(std::string_view{x}));
    } else if constexpr (is_pair_or_tuple<T>::value) {
      return std::apply(
        [this](const auto&... xs) {
          auto h = splitmix64(sizeof...(xs));
          ((h = hash_combine(h, (*this)(xs))), ...);
          return h;
        },
        x);
    } else if constexpr (is_vector<T>::value) {
      auto h = splitmix64(x.size());
      for (const typename T::value_type& e : x)
        h = hash_combine(h, (*this)(e));
      return h;
    } else {
      static_assert(always_false<T>,
                    "no stable hash for this type: declare "
                    "std::uint64_t ember_hash(const T&) in T's namespace");
      return 0;
    }
  }
};

} // namespace detail

/// The stable hash of a key (see the rules above).
inline constexpr detail::stable_hash_fn stable_hash{};

// -- serialisable description -------------------------------------------------

enum class partitioner_kind : std::uint8_t { hash = 0, range = 1 };

/// What a task needs to rebuild a partitioner: kind, partition count and,
/// for a range partitioner, its num_partitions - 1 bounds encoded with
/// common/serialization.hpp as a std::vector<K> (plus the sort direction).
struct partitioner_spec {
  partitioner_kind kind = partitioner_kind::hash;
  int num_partitions = 0;
  std::string encoded_bounds;
  bool ascending = true;

  friend bool operator==(const partitioner_spec&,
                         const partitioner_spec&) = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, num_partitions, encoded_bounds, ascending);
  }
};

/// "hash(8)", "range(4, descending)".
std::string to_string(const partitioner_spec& spec);

// -- hash partitioner ---------------------------------------------------------

/// Spark's HashPartitioner: stable_hash(key) mod num_partitions.
class hash_partitioner {
public:
  /// Throws std::invalid_argument if num_partitions < 0.
  explicit hash_partitioner(int num_partitions);

  int num_partitions() const noexcept {
    return num_partitions_;
  }

  /// In [0, num_partitions). Throws std::logic_error with 0 partitions.
  template <class K>
  int partition(const K& key) const {
    if (num_partitions_ <= 0)
      throw std::logic_error("hash_partitioner: no partitions");
    return static_cast<int>(stable_hash(key)
                            % static_cast<std::uint64_t>(num_partitions_));
  }

  partitioner_spec spec() const;

  /// Throws std::invalid_argument unless spec.kind is hash.
  static hash_partitioner from_spec(const partitioner_spec& spec);

private:
  int num_partitions_;
};

// -- range partitioner --------------------------------------------------------

/// Spark's RangePartitioner: n - 1 strictly increasing upper bounds; a key
/// goes to the first partition i with key <= bounds[i], else to the last
/// one. Descending partitioners number the partitions from the other end.
template <class K, class Compare = std::less<K>>
class range_partitioner {
public:
  /// One partition.
  range_partitioner() = default;

  /// Throws std::invalid_argument unless `bounds` is strictly increasing.
  explicit range_partitioner(std::vector<K> bounds, bool ascending = true,
                             Compare cmp = Compare{})
    : bounds_(std::move(bounds)), ascending_(ascending), cmp_(std::move(cmp)) {
    for (std::size_t i = 1; i < bounds_.size(); ++i)
      if (!cmp_(bounds_[i - 1], bounds_[i]))
        throw std::invalid_argument(
          "range_partitioner: bounds not strictly increasing");
  }

  int num_partitions() const noexcept {
    return static_cast<int>(bounds_.size()) + 1;
  }

  const std::vector<K>& bounds() const noexcept {
    return bounds_;
  }

  bool ascending() const noexcept {
    return ascending_;
  }

  int partition(const K& key) const {
    auto i = std::lower_bound(bounds_.begin(), bounds_.end(), key, cmp_);
    auto p = static_cast<int>(i - bounds_.begin());
    return ascending_ ? p : static_cast<int>(bounds_.size()) - p;
  }

  partitioner_spec spec() const {
    return partitioner_spec{partitioner_kind::range, num_partitions(),
                            encode(bounds_), ascending_};
  }

  /// Throws std::invalid_argument if the spec is not a consistent range
  /// spec, decode_error if the bounds cannot be decoded as K.
  static range_partitioner from_spec(const partitioner_spec& spec,
                                     Compare cmp = Compare{}) {
    if (spec.kind != partitioner_kind::range)
      throw std::invalid_argument("not a range partitioner: "
                                  + to_string(spec));
    auto bounds = decode<std::vector<K>>(spec.encoded_bounds);
    if (static_cast<int>(bounds.size()) + 1 != spec.num_partitions)
      throw std::invalid_argument("range partitioner spec with "
                                  + std::to_string(bounds.size())
                                  + " bounds: " + to_string(spec));
    return range_partitioner{std::move(bounds), spec.ascending, std::move(cmp)};
  }

private:
  std::vector<K> bounds_;
  bool ascending_ = true;
  Compare cmp_;
};

/// Spark's RangePartitioner.determineBounds: sorts the weighted samples and
/// picks at most num_partitions - 1 distinct keys at evenly spaced
/// cumulative weights. The result depends only on the samples.
template <class K, class Compare = std::less<K>>
std::vector<K> compute_weighted_range_bounds(
  std::vector<std::pair<K, double>> samples, int num_partitions,
  Compare cmp = Compare{}) {
  std::vector<K> bounds;
  if (num_partitions <= 1 || samples.empty())
    return bounds;
  std::stable_sort(samples.begin(), samples.end(),
                   [&](const auto& x, const auto& y) {
                     return cmp(x.first, y.first);
                   });
  double total = 0;
  for (const auto& s : samples)
    total += s.second;
  auto step = total / num_partitions;
  double cum = 0;
  auto target = step;
  for (std::size_t i = 0; i < samples.size()
                          && static_cast<int>(bounds.size()) < num_partitions - 1;
       ++i) {
    cum += samples[i].second;
    if (cum >= target
        && (bounds.empty() || cmp(bounds.back(), samples[i].first))) {
      bounds.push_back(samples[i].first);
      target += step;
    }
  }
  return bounds;
}

/// Unweighted: every sample weighs 1.
template <class K, class Compare = std::less<K>>
std::vector<K> compute_range_bounds(const std::vector<K>& samples,
                                    int num_partitions,
                                    Compare cmp = Compare{}) {
  std::vector<std::pair<K, double>> weighted;
  weighted.reserve(samples.size());
  for (const auto& s : samples)
    weighted.emplace_back(s, 1.0);
  return compute_weighted_range_bounds(std::move(weighted), num_partitions,
                                       std::move(cmp));
}

// -- sampling -----------------------------------------------------------------

/// The sampling seed of partition `partition_index` of dataset or shuffle
/// `id`: the same in every process and run.
std::uint64_t sample_seed(std::int64_t id, int partition_index) noexcept;

/// A uniform double in [0, 1) from the top 53 bits of one draw.
inline double uniform_01(std::mt19937_64& gen) {
  return static_cast<double>(gen() >> 11) * 0x1.0p-53;
}

/// Bernoulli sampling: keeps each record with probability `fraction`
/// (clamped to [0, 1]), in order. Same records and seed, same sample.
template <class T>
std::vector<T> sample_partition(const std::vector<T>& records,
                                double fraction, std::uint64_t seed) {
  std::vector<T> result;
  if (!(fraction > 0))
    return result;
  std::mt19937_64 gen{seed};
  for (const auto& r : records)
    if (fraction >= 1 || uniform_01(gen) < fraction)
      result.push_back(r);
  return result;
}

/// Reservoir sampling of `k` records (Spark's sketch for range bounds);
/// all records, in order, if there are at most `k`. Deterministic for the
/// same records and seed.
template <class T>
std::vector<T> reservoir_sample(const std::vector<T>& records, std::size_t k,
                                std::uint64_t seed) {
  if (records.size() <= k)
    return records;
  std::vector<T> result(records.begin(), records.begin() + k);
  std::mt19937_64 gen{seed};
  for (std::size_t i = k; i < records.size(); ++i) {
    // An index in [0, i] by multiply-shift (no modulo bias worth noting).
    auto j = static_cast<std::size_t>(
      (static_cast<unsigned __int128>(gen()) * (i + 1)) >> 64);
    if (j < k)
      result[j] = records[i];
  }
  return result;
}

// -- any partitioner of a spec -------------------------------------------------

/// The partitioner a spec describes, for keys of type K (what a shuffle
/// writer builds once per task).
template <class K, class Compare = std::less<K>>
class key_partitioner {
public:
  /// Throws like hash_partitioner / range_partitioner::from_spec.
  static key_partitioner from_spec(const partitioner_spec& spec,
                                   Compare cmp = Compare{}) {
    if (spec.kind == partitioner_kind::range)
      return key_partitioner{
        range_partitioner<K, Compare>::from_spec(spec, std::move(cmp))};
    return key_partitioner{hash_partitioner::from_spec(spec)};
  }

  int num_partitions() const noexcept {
    return std::visit([](const auto& p) { return p.num_partitions(); }, impl_);
  }

  int partition(const K& key) const {
    return std::visit([&](const auto& p) { return p.partition(key); }, impl_);
  }

private:
  template <class P>
  explicit key_partitioner(P p) : impl_(std::move(p)) {
  }

  std::variant<hash_partitioner, range_partitioner<K, Compare>> impl_;
};

} // namespace ember
