#pragma once
// Builds a lineage node by node (the typed Dataset API builds on this).
//
//   lineage_builder b;
//   auto lines = b.source("lines", encoded_partitions);
//   auto words = b.narrow(lines, "split");
//   auto counts = b.shuffle(words, "sum", hash_partitioner{4}.spec());
//   job_spec spec = b.job(counts, "collect_wc", "word count");

#include "common/serialization.hpp"
#include "scheduler/job_spec.hpp"
#include "scheduler/lineage.hpp"

#include <cereal/types/vector.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ember {

class lineage_builder {
public:
  /// A source of encoded partitions (each an encoded std::vector<T>),
  /// decoded on executors by the source function `decoder`.
  int source(std::string decoder, std::vector<bytes> partitions,
             std::string name = "source") {
    lineage_node n;
    n.kind = lineage_kind::source;
    n.num_partitions = static_cast<int>(partitions.size());
    n.function = std::move(decoder);
    n.partition_data = std::move(partitions);
    n.name = std::move(name);
    return g_->add(std::move(n));
  }

  /// Splits `records` into `partitions` slices (as Spark's parallelize).
  template <class T>
  int parallelize(std::string decoder, const std::vector<T>& records,
                  int partitions, std::string name = "parallelize") {
    std::vector<bytes> parts;
    auto n = records.size();
    for (int i = 0; i < partitions; ++i) {
      auto begin = n * static_cast<std::size_t>(i) / partitions;
      auto end = n * static_cast<std::size_t>(i + 1) / partitions;
      std::vector<T> slice(records.begin() + begin, records.begin() + end);
      parts.emplace_back(encode(slice));
    }
    return source(std::move(decoder), std::move(parts), std::move(name));
  }

  int narrow(int parent, std::string function, std::string args = {},
             std::string name = {}) {
    lineage_node n;
    n.kind = lineage_kind::narrow;
    n.num_partitions = g_->at(parent).num_partitions;
    n.parents = {parent};
    n.name = name.empty() ? function : std::move(name);
    n.function = std::move(function);
    n.args = std::move(args);
    return g_->add(std::move(n));
  }

  int union_of(std::vector<int> parents, std::string name = "union") {
    lineage_node n;
    n.kind = lineage_kind::union_of;
    for (auto p : parents)
      n.num_partitions += g_->at(p).num_partitions;
    n.parents = std::move(parents);
    n.name = std::move(name);
    return g_->add(std::move(n));
  }

  /// A new shuffle of `parent`'s (K, V) records through `codec`.
  int shuffle(int parent, std::string codec, partitioner_spec partitioner,
              std::string codec_args = {}, std::string name = {}) {
    lineage_node n;
    n.kind = lineage_kind::shuffled;
    n.num_partitions = partitioner.num_partitions;
    n.name = name.empty() ? codec : std::move(name);
    shuffle_dependency dep;
    dep.shuffle = next_shuffle_id();
    dep.parent = parent;
    dep.partitioner = std::move(partitioner);
    dep.codec = std::move(codec);
    dep.codec_args = std::move(codec_args);
    n.shuffle = std::move(dep);
    return g_->add(std::move(n));
  }

  /// A job computing `target` with result function `result`. The job gets
  /// a snapshot of the lineage (nodes added later do not touch it; the
  /// partition data is shared, not copied).
  job_spec job(int target, std::string result, std::string name = {},
               std::string result_args = {}) const {
    job_spec spec;
    spec.name = name.empty() ? result : std::move(name);
    spec.plan = std::make_shared<const lineage>(*g_);
    spec.target = target;
    spec.result_function = std::move(result);
    spec.result_args = std::move(result_args);
    return spec;
  }

  const lineage& graph() const {
    return *g_;
  }

private:
  std::shared_ptr<lineage> g_ = std::make_shared<lineage>();
};

} // namespace ember
