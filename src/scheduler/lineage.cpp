#include "scheduler/lineage.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace ember {

std::pair<int, int> resolve_union(const lineage& g, int u, int p) {
  const auto& node = g.at(u);
  for (auto parent : node.parents) {
    auto n = g.at(parent).num_partitions;
    if (p < n)
      return {parent, p};
    p -= n;
  }
  throw std::out_of_range("partition out of range for union node "
                          + std::to_string(u));
}

namespace {

/// Visits the narrow closure of (node, p): calls `leaf(node, p)` on every
/// source, task_function and shuffled node reached.
template <class F>
void walk(const lineage& g, int node, int p, F& leaf) {
  const auto& n = g.at(node);
  switch (n.kind) {
    case lineage_kind::source:
    case lineage_kind::task_function:
    case lineage_kind::shuffled:
      leaf(node, p);
      return;
    case lineage_kind::narrow:
      walk(g, n.parents.at(0), p, leaf);
      return;
    case lineage_kind::union_of: {
      auto [parent, q] = resolve_union(g, node, p);
      walk(g, parent, q, leaf);
      return;
    }
  }
}

/// Visits every node of the narrow closure of `node` (all partitions).
template <class F>
void walk_nodes(const lineage& g, int node, std::vector<bool>& seen,
                F& visit) {
  if (seen[node])
    return;
  seen[node] = true;
  const auto& n = g.at(node);
  visit(node);
  if (n.kind == lineage_kind::narrow || n.kind == lineage_kind::union_of)
    for (auto parent : n.parents)
      walk_nodes(g, parent, seen, visit);
}

} // namespace

std::vector<const shuffle_dependency*>
direct_shuffle_dependencies(const lineage& g, int node) {
  std::vector<const shuffle_dependency*> result;
  std::vector<bool> seen(g.nodes.size(), false);
  auto visit = [&](int id) {
    const auto& n = g.at(id);
    if (n.kind == lineage_kind::shuffled && n.shuffle) {
      auto dup = std::any_of(result.begin(), result.end(), [&](auto* d) {
        return d->shuffle == n.shuffle->shuffle;
      });
      if (!dup)
        result.push_back(&*n.shuffle);
    }
  };
  walk_nodes(g, node, seen, visit);
  return result;
}

std::vector<std::pair<shuffle_id, int>> shuffle_reads(const lineage& g,
                                                      int node, int p) {
  std::vector<std::pair<shuffle_id, int>> result;
  auto leaf = [&](int id, int q) {
    const auto& n = g.at(id);
    if (n.kind == lineage_kind::shuffled && n.shuffle)
      result.emplace_back(n.shuffle->shuffle, q);
  };
  walk(g, node, p, leaf);
  return result;
}

std::vector<std::pair<int, int>> source_reads(const lineage& g, int node,
                                              int p) {
  std::vector<std::pair<int, int>> result;
  auto leaf = [&](int id, int q) {
    auto kind = g.at(id).kind;
    if (kind == lineage_kind::source || kind == lineage_kind::task_function)
      result.emplace_back(id, q);
  };
  walk(g, node, p, leaf);
  return result;
}

std::vector<task_location> preferred_locations(const lineage& g, int node,
                                               int p) {
  std::vector<task_location> result;
  for (auto [id, q] : source_reads(g, node, p)) {
    const auto& n = g.at(id);
    if (static_cast<std::size_t>(q) < n.preferred.size())
      for (auto& loc : n.preferred[q])
        result.push_back(loc);
  }
  return result;
}

shuffle_id next_shuffle_id() {
  static std::atomic<shuffle_id> next{0};
  return next.fetch_add(1);
}

} // namespace ember
