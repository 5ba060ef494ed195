#pragma once
// The output of one shuffle map task, as in Spark's MapStatus: where the
// output lives and how large each reduce partition's block is.
//
// A shuffle map task returns its `map_status` as its value; the driver keeps
// one per map in the map output tracker. Sizes are stored lossily so that a
// status stays small:
//   - up to `min_partitions_to_highly_compress` (2000) partitions: one byte
//     per partition (`compress_size`, Spark's CompressedMapStatus);
//   - above: a bitmap of the empty blocks, the compressed size of each huge
//     block (size >= the accurate-block threshold, 100 MiB by default, or
//     optionally a skewed block) and the average size of the other non-empty
//     blocks (Spark's HighlyCompressedMapStatus).
// Contract of `size_for_block`: 0 exactly for an empty block, and never 0
// for a non-empty one. Encoded statuses are validated when read: malformed
// input throws `decode_error` (through cereal: cereal::Exception).

#include "common/ids.hpp"

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember {

/// Where a map task's output is served from (Spark's BlockManagerId, as
/// far as a reader needs it).
struct map_output_location {
  executor_id executor;
  std::string host;

  friend bool operator==(const map_output_location&,
                         const map_output_location&) = default;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(executor, host);
  }
};

/// Spark's `MapStatus.compressSize`: 0 -> 0, 1 -> 1, otherwise
/// min(255, ceil(log_1.1(size))). Negative sizes compress to 0.
std::uint8_t compress_size(std::int64_t size) noexcept;

/// Spark's `MapStatus.decompressSize`: 0 -> 0, otherwise (int64) 1.1^c.
/// For 1 <= size <= 1.1^255 (about 35 GB), decompress(compress(size)) is
/// within 10% of size.
std::int64_t decompress_size(std::uint8_t compressed) noexcept;

/// How `map_status::make` encodes sizes (Spark's configuration defaults).
struct map_status_options {
  /// spark.shuffle.minNumPartitionsToHighlyCompress: more partitions than
  /// this use the highly compressed form.
  int min_partitions_to_highly_compress = 2000;
  /// spark.shuffle.accurateBlockThreshold: blocks of at least this size
  /// keep their own (compressed) size in the highly compressed form.
  std::int64_t accurate_block_threshold = 100 * 1024 * 1024;
  /// spark.shuffle.accurateBlockSkewedFactor: if > 0, blocks of at least
  /// max(factor * median, the size of the N-th largest block) also keep
  /// their own size, N = max_accurate_skewed_block_number. <= 0: disabled.
  double accurate_block_skewed_factor = -1.0;
  /// spark.shuffle.maxAccurateSkewedBlockNumber.
  int max_accurate_skewed_block_number = 100;
};

class map_status {
public:
  /// An empty status (no partitions); for deserialisation.
  map_status() = default;

  /// The status of map task `map_id` (its task id), computing partition
  /// `map_index` of the map stage, whose output at `location` has
  /// `sizes[r]` bytes for reduce partition r. Chooses the encoding from the
  /// number of partitions. Throws std::invalid_argument on a negative size.
  static map_status make(map_output_location location, std::int64_t map_id,
                         int map_index, const std::vector<std::int64_t>& sizes,
                         const map_status_options& opts = {});

  const map_output_location& location() const noexcept {
    return location_;
  }

  const executor_id& executor() const noexcept {
    return location_.executor;
  }

  const std::string& host() const noexcept {
    return location_.host;
  }

  /// The id of the map task that wrote the output (Spark's mapId).
  std::int64_t map_id() const noexcept {
    return map_id_;
  }

  /// The map partition the output belongs to.
  int map_index() const noexcept {
    return map_index_;
  }

  int num_partitions() const noexcept {
    return num_partitions_;
  }

  bool is_highly_compressed() const noexcept {
    return highly_compressed_;
  }

  /// The (approximate) size of reduce partition `reduce_id`'s block: 0 iff
  /// the block is empty. Throws std::out_of_range unless
  /// 0 <= reduce_id < num_partitions().
  std::int64_t size_for_block(int reduce_id) const;

  /// Moves the status to another location (Spark's updateLocation, used
  /// when shuffle blocks are migrated).
  void update_location(map_output_location location) {
    location_ = std::move(location);
  }

  /// The binary encoding (via common/serialization.hpp).
  std::string encode() const;

  /// Reads an encoding back. Throws `decode_error` on malformed input.
  static map_status decode(std::string_view in);

  friend bool operator==(const map_status&, const map_status&) = default;

  template <class Archive>
  void save(Archive& ar) const {
    ar(location_, map_id_, map_index_, num_partitions_, highly_compressed_);
    if (highly_compressed_)
      ar(encode_empty_blocks(), avg_size_, huge_blocks_);
    else
      ar(compressed_sizes_);
  }

  template <class Archive>
  void load(Archive& ar) {
    ar(location_, map_id_, map_index_, num_partitions_, highly_compressed_);
    std::string empty_blocks;
    if (highly_compressed_)
      ar(empty_blocks, avg_size_, huge_blocks_);
    else
      ar(compressed_sizes_);
    finish_load(empty_blocks); // validates; throws cereal::Exception
  }

private:
  bool is_empty_block(int reduce_id) const noexcept;
  std::string encode_empty_blocks() const;
  void finish_load(std::string_view empty_blocks);

  map_output_location location_;
  std::int64_t map_id_ = -1;
  int map_index_ = -1;
  int num_partitions_ = 0;
  bool highly_compressed_ = false;
  // Compressed form: one byte per partition.
  std::vector<std::uint8_t> compressed_sizes_;
  // Highly compressed form: bit r set iff block r is empty; the compressed
  // sizes of huge blocks, sorted by reduce id; the average of the others.
  std::vector<std::uint64_t> empty_blocks_;
  std::vector<std::pair<std::int32_t, std::uint8_t>> huge_blocks_;
  std::int64_t avg_size_ = 0;
};

} // namespace ember
