#include "api/plan.hpp"

#include <stdexcept>
#include <unordered_map>

namespace ember {

plan_ptr make_plan_node(lineage_node node, std::vector<plan_ptr> parents) {
  for (auto& p : parents)
    if (p == nullptr)
      throw std::invalid_argument("plan node with a null parent");
  auto expected_ok = [&] {
    switch (node.kind) {
      case lineage_kind::source:
      case lineage_kind::task_function:
        return parents.empty();
      case lineage_kind::narrow:
        return parents.size() == 1;
      case lineage_kind::shuffled:
        return parents.size() == 1 && node.shuffle.has_value();
      case lineage_kind::union_of:
        return !parents.empty();
    }
    return false;
  }();
  if (!expected_ok)
    throw std::invalid_argument("plan node '" + node.name
                                + "' has the wrong parents for its kind");
  node.parents.clear();
  auto result = std::make_shared<plan_node>();
  result->node = std::move(node);
  result->parents = std::move(parents);
  return result;
}

plan_ptr source_node(std::string decoder, std::vector<bytes> partitions,
                     std::string name) {
  lineage_node n;
  n.kind = lineage_kind::source;
  n.num_partitions = static_cast<int>(partitions.size());
  n.function = std::move(decoder);
  n.partition_data = std::move(partitions);
  n.name = std::move(name);
  return make_plan_node(std::move(n), {});
}

plan_ptr narrow_node(plan_ptr parent, std::string function, std::string args,
                     std::string name) {
  if (parent == nullptr)
    throw std::invalid_argument("narrow_node: no parent");
  lineage_node n;
  n.kind = lineage_kind::narrow;
  n.num_partitions = parent->node.num_partitions;
  n.function = std::move(function);
  n.args = std::move(args);
  n.name = std::move(name);
  return make_plan_node(std::move(n), {std::move(parent)});
}

plan_ptr union_node(std::vector<plan_ptr> parents, std::string name) {
  lineage_node n;
  n.kind = lineage_kind::union_of;
  for (auto& p : parents)
    if (p != nullptr)
      n.num_partitions += p->node.num_partitions;
  n.name = std::move(name);
  return make_plan_node(std::move(n), std::move(parents));
}

plan_ptr shuffle_node(plan_ptr parent, std::string codec,
                      partitioner_spec partitioner, std::string codec_args,
                      std::string name) {
  if (partitioner.num_partitions < 1)
    throw std::invalid_argument("a shuffle needs at least one partition");
  lineage_node n;
  n.kind = lineage_kind::shuffled;
  n.num_partitions = partitioner.num_partitions;
  n.name = std::move(name);
  shuffle_dependency dep;
  dep.shuffle = next_shuffle_id();
  dep.partitioner = std::move(partitioner);
  dep.codec = std::move(codec);
  dep.codec_args = std::move(codec_args);
  n.shuffle = std::move(dep);
  return make_plan_node(std::move(n), {std::move(parent)});
}

job_spec lineage_job(const plan_ptr& target, std::string result,
                     std::string result_args, std::string name) {
  auto [plan, id] = to_lineage(target);
  job_spec spec;
  spec.name = std::move(name);
  spec.plan = std::move(plan);
  spec.target = id;
  spec.result_function = std::move(result);
  spec.result_args = std::move(result_args);
  return spec;
}

std::pair<std::shared_ptr<const lineage>, int>
to_lineage(const plan_ptr& target) {
  if (target == nullptr)
    throw std::invalid_argument("to_lineage: no target");
  auto g = std::make_shared<lineage>();
  std::unordered_map<const plan_node*, int> ids;
  // Iterative post-order: deep narrow chains must not exhaust the stack.
  struct frame {
    const plan_node* node;
    std::size_t next_parent;
  };
  std::vector<frame> stack{{target.get(), 0}};
  while (!stack.empty()) {
    auto& top = stack.back();
    if (top.next_parent < top.node->parents.size()) {
      const auto* parent = top.node->parents[top.next_parent++].get();
      if (ids.count(parent) == 0)
        stack.push_back({parent, 0});
      continue;
    }
    const auto* n = top.node;
    stack.pop_back();
    if (ids.count(n) != 0)
      continue; // reached twice through a diamond before being added
    lineage_node copy = n->node;
    std::vector<int> parent_ids;
    for (auto& p : n->parents)
      parent_ids.push_back(ids.at(p.get()));
    if (copy.kind == lineage_kind::shuffled)
      copy.shuffle->parent = parent_ids.at(0);
    else
      copy.parents = std::move(parent_ids);
    ids.emplace(n, g->add(std::move(copy)));
  }
  auto id = ids.at(target.get());
  return {std::move(g), id};
}

} // namespace ember
