#include "scheduler/partitioner.hpp"

namespace ember {

std::string to_string(const partitioner_spec& spec) {
  auto n = std::to_string(spec.num_partitions);
  switch (spec.kind) {
    case partitioner_kind::hash:
      return "hash(" + n + ")";
    case partitioner_kind::range:
      return "range(" + n + (spec.ascending ? ")" : ", descending)");
  }
  return "unknown(" + n + ")";
}

hash_partitioner::hash_partitioner(int num_partitions)
  : num_partitions_(num_partitions) {
  if (num_partitions < 0)
    throw std::invalid_argument("hash_partitioner: negative partition count "
                                + std::to_string(num_partitions));
}

partitioner_spec hash_partitioner::spec() const {
  return partitioner_spec{partitioner_kind::hash, num_partitions_, {}, true};
}

hash_partitioner hash_partitioner::from_spec(const partitioner_spec& spec) {
  if (spec.kind != partitioner_kind::hash)
    throw std::invalid_argument("not a hash partitioner: " + to_string(spec));
  return hash_partitioner{spec.num_partitions};
}

std::uint64_t sample_seed(std::int64_t id, int partition_index) noexcept {
  return hash_combine(splitmix64(static_cast<std::uint64_t>(id)),
                      splitmix64(static_cast<std::uint64_t>(
                        static_cast<std::int64_t>(partition_index))));
}

} // namespace ember
