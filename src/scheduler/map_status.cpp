#include "scheduler/map_status.hpp"

#include "common/serialization.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ember {

namespace {

constexpr double log_base = 1.1;

// Wire forms of the empty-block bitmap: the raw words (8 bytes each, little
// endian) or alternating run lengths (LEB128), starting with a run of
// non-empty blocks. `save` picks the shorter one.
constexpr char bitmap_raw = 0;
constexpr char bitmap_runs = 1;

[[noreturn]] void malformed(const std::string& why) {
  throw cereal::Exception("malformed map status: " + why);
}

bool test_bit(const std::vector<std::uint64_t>& words, std::size_t i) {
  return (words[i / 64] >> (i % 64)) & 1u;
}

void set_bit(std::vector<std::uint64_t>& words, std::size_t i) {
  words[i / 64] |= std::uint64_t{1} << (i % 64);
}

void put_varint(std::string& out, std::uint64_t x) {
  while (x >= 0x80) {
    out.push_back(static_cast<char>((x & 0x7f) | 0x80));
    x >>= 7;
  }
  out.push_back(static_cast<char>(x));
}

std::uint64_t get_varint(std::string_view in, std::size_t& pos) {
  std::uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= in.size())
      malformed("truncated run length");
    auto byte = static_cast<std::uint8_t>(in[pos++]);
    result |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0)
      return result;
  }
  malformed("run length too long");
}

std::vector<std::uint64_t> decode_bitmap(std::string_view in, std::size_t n) {
  std::vector<std::uint64_t> words((n + 63) / 64, 0);
  if (in.empty())
    malformed("missing empty-block bitmap");
  auto form = in.front();
  in.remove_prefix(1);
  if (form == bitmap_raw) {
    if (in.size() != words.size() * 8)
      malformed("bitmap of the wrong length");
    for (std::size_t w = 0; w < words.size(); ++w)
      for (std::size_t b = 0; b < 8; ++b)
        words[w] |= std::uint64_t{static_cast<std::uint8_t>(in[w * 8 + b])}
                    << (8 * b);
    if (n % 64 != 0 && (words.back() >> (n % 64)) != 0)
      malformed("bitmap has bits beyond the last partition");
    return words;
  }
  if (form != bitmap_runs)
    malformed("unknown bitmap form");
  std::size_t pos = 0;
  std::size_t at = 0;
  bool empty_run = false;
  while (pos < in.size()) {
    auto len = get_varint(in, pos);
    if (len > n - at)
      malformed("bitmap runs exceed the partition count");
    if (empty_run)
      for (std::size_t i = at; i < at + len; ++i)
        set_bit(words, i);
    at += len;
    empty_run = !empty_run;
  }
  if (at != n)
    malformed("bitmap runs do not cover every partition");
  return words;
}

} // namespace

std::uint8_t compress_size(std::int64_t size) noexcept {
  if (size <= 0)
    return 0;
  if (size == 1)
    return 1;
  auto c = std::ceil(std::log(static_cast<double>(size)) / std::log(log_base));
  return static_cast<std::uint8_t>(std::min(255.0, c));
}

std::int64_t decompress_size(std::uint8_t compressed) noexcept {
  if (compressed == 0)
    return 0;
  return static_cast<std::int64_t>(std::pow(log_base, compressed));
}

map_status map_status::make(map_output_location location, std::int64_t map_id,
                            int map_index,
                            const std::vector<std::int64_t>& sizes,
                            const map_status_options& opts) {
  for (auto s : sizes)
    if (s < 0)
      throw std::invalid_argument("map_status: negative block size "
                                  + std::to_string(s));
  map_status st;
  st.location_ = std::move(location);
  st.map_id_ = map_id;
  st.map_index_ = map_index;
  st.num_partitions_ = static_cast<int>(sizes.size());
  auto n = sizes.size();
  if (n <= static_cast<std::size_t>(
        std::max(0, opts.min_partitions_to_highly_compress))) {
    st.compressed_sizes_.reserve(n);
    for (auto s : sizes)
      st.compressed_sizes_.push_back(compress_size(s));
    return st;
  }
  st.highly_compressed_ = true;
  // Blocks of at least `threshold` bytes keep their own size.
  double threshold = static_cast<double>(opts.accurate_block_threshold);
  if (opts.accurate_block_skewed_factor > 0) {
    auto sorted = sizes;
    std::sort(sorted.begin(), sorted.end());
    // Spark's Utils.median: at least 1.
    auto median = n % 2 == 0 ? (sorted[n / 2] + sorted[n / 2 - 1]) / 2
                             : sorted[n / 2];
    median = std::max<std::int64_t>(median, 1);
    auto max_skewed = std::min<std::size_t>(
      static_cast<std::size_t>(std::max(1, opts.max_accurate_skewed_block_number)),
      n);
    auto skew = std::max(static_cast<double>(median)
                           * opts.accurate_block_skewed_factor,
                         static_cast<double>(sorted[n - max_skewed]));
    threshold = std::min(threshold, skew);
  }
  st.empty_blocks_.assign((n + 63) / 64, 0);
  std::int64_t small_total = 0;
  std::int64_t small_count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    auto s = sizes[i];
    if (s == 0) {
      set_bit(st.empty_blocks_, i);
    } else if (static_cast<double>(s) < threshold) {
      small_total += s;
      ++small_count;
    } else {
      st.huge_blocks_.emplace_back(static_cast<std::int32_t>(i),
                                   compress_size(s));
    }
  }
  st.avg_size_ = small_count > 0 ? small_total / small_count : 0;
  return st;
}

bool map_status::is_empty_block(int reduce_id) const noexcept {
  return test_bit(empty_blocks_, static_cast<std::size_t>(reduce_id));
}

std::int64_t map_status::size_for_block(int reduce_id) const {
  if (reduce_id < 0 || reduce_id >= num_partitions_)
    throw std::out_of_range("map_status: reduce id "
                            + std::to_string(reduce_id) + " not in [0, "
                            + std::to_string(num_partitions_) + ")");
  if (!highly_compressed_)
    return decompress_size(compressed_sizes_[static_cast<std::size_t>(reduce_id)]);
  if (is_empty_block(reduce_id))
    return 0;
  auto it = std::lower_bound(
    huge_blocks_.begin(), huge_blocks_.end(), reduce_id,
    [](const auto& entry, int id) { return entry.first < id; });
  if (it != huge_blocks_.end() && it->first == reduce_id)
    return decompress_size(it->second);
  return std::max<std::int64_t>(avg_size_, 1);
}

std::string map_status::encode() const {
  return ember::encode(*this);
}

map_status map_status::decode(std::string_view in) {
  return ember::decode<map_status>(in);
}

std::string map_status::encode_empty_blocks() const {
  auto n = static_cast<std::size_t>(num_partitions_);
  std::string runs;
  runs.push_back(bitmap_runs);
  bool empty_run = false;
  std::size_t run_start = 0;
  for (std::size_t i = 0; i <= n; ++i) {
    if (i == n || test_bit(empty_blocks_, i) != empty_run) {
      put_varint(runs, i - run_start);
      run_start = i;
      empty_run = !empty_run;
    }
  }
  if (runs.size() <= 1 + empty_blocks_.size() * 8)
    return runs;
  std::string raw;
  raw.reserve(1 + empty_blocks_.size() * 8);
  raw.push_back(bitmap_raw);
  for (auto w : empty_blocks_)
    for (int b = 0; b < 8; ++b)
      raw.push_back(static_cast<char>((w >> (8 * b)) & 0xff));
  return raw;
}

void map_status::finish_load(std::string_view empty_blocks) {
  if (num_partitions_ < 0)
    malformed("negative partition count");
  auto n = static_cast<std::size_t>(num_partitions_);
  if (!highly_compressed_) {
    if (compressed_sizes_.size() != n)
      malformed("size count differs from the partition count");
    empty_blocks_.clear();
    huge_blocks_.clear();
    avg_size_ = 0;
    return;
  }
  compressed_sizes_.clear();
  empty_blocks_ = decode_bitmap(empty_blocks, n);
  if (avg_size_ < 0)
    malformed("negative average size");
  for (std::size_t i = 0; i < huge_blocks_.size(); ++i) {
    auto [id, size] = huge_blocks_[i];
    if (id < 0 || id >= num_partitions_)
      malformed("huge block id out of range");
    if (i > 0 && huge_blocks_[i - 1].first >= id)
      malformed("huge block ids not strictly increasing");
    if (size == 0 || is_empty_block(id))
      malformed("huge block is empty");
  }
}

} // namespace ember
