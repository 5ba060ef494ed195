#include "actors/stage_task.hpp"

#include "api/function_registry.hpp"
#include "common/serialization.hpp"
#include "storage/block_id.hpp"

#include <stdexcept>

namespace ember {

namespace {

/// The dependency of `shuffle` within the stage's lineage, or nullptr.
const shuffle_dependency* find_dep(const stage_binary& stage,
                                   shuffle_id shuffle) {
  for (auto& n : stage.plan.nodes)
    if (n.kind == lineage_kind::shuffled && n.shuffle
        && n.shuffle->shuffle == shuffle)
      return &*n.shuffle;
  return nullptr;
}

struct computer {
  task_context& ctx;
  const stage_binary& stage;
  const partition_inputs& inputs;
  const fetched_blocks& fetched;
  const function_registry& fns;
  reduce_states* states;

  std::any compute(int id, int p) {
    const auto& n = stage.plan.at(id);
    switch (n.kind) {
      case lineage_kind::source: {
        const auto* fn = fns.source(n.function);
        if (fn == nullptr)
          throw std::runtime_error("no source decoder named '" + n.function
                                   + "' is registered");
        for (auto& in : inputs)
          if (in.node == id && in.partition == p)
            return (*fn)(ctx, n.args, in.data);
        throw std::runtime_error("task input lacks partition "
                                 + std::to_string(p) + " of node "
                                 + std::to_string(id));
      }
      case lineage_kind::narrow: {
        const auto* fn = fns.narrow(n.function);
        if (fn == nullptr)
          throw std::runtime_error("no narrow function named '" + n.function
                                   + "' is registered");
        return (*fn)(ctx, n.args, compute(n.parents.at(0), p));
      }
      case lineage_kind::union_of: {
        auto [parent, q] = resolve_union(stage.plan, id, p);
        return compute(parent, q);
      }
      case lineage_kind::shuffled: {
        const auto& dep = n.shuffle.value();
        const auto* codec = fns.codec(dep.codec);
        if (codec == nullptr)
          throw std::runtime_error("no shuffle codec named '" + dep.codec
                                   + "' is registered");
        if (states != nullptr) {
          if (auto st = states->find({dep.shuffle, p}); st != states->end())
            return codec->finish(ctx, std::move(st->second), dep.codec_args);
          if (codec->incremental())
            return codec->finish(ctx, codec->begin(ctx, dep.codec_args),
                                 dep.codec_args);
        }
        static const std::vector<bytes> none;
        auto it = fetched.find({dep.shuffle, p});
        return codec->read(ctx, it == fetched.end() ? none : it->second,
                           dep.codec_args);
      }
      case lineage_kind::task_function:
        throw std::runtime_error("a task-function node cannot be computed "
                                 "inside a lineage stage");
    }
    throw std::runtime_error("unknown lineage node kind");
  }
};

} // namespace

void run_stage_task(task_context& ctx, const stage_binary& stage,
                    std::string_view partition_data,
                    const fetched_blocks& fetched,
                    const function_registry& fns, const stage_task_io& io,
                    reduce_states* states) {
  auto inputs = decode_partition_inputs(partition_data);
  computer c{ctx, stage, inputs, fetched, fns, states};
  auto p = ctx.partition();
  if (stage.shuffle_map) {
    const auto& dep = stage.dep;
    const auto* codec = fns.codec(dep.codec);
    if (codec == nullptr)
      throw std::runtime_error("no shuffle codec named '" + dep.codec
                               + "' is registered");
    auto records = c.compute(dep.parent, p);
    auto blocks = codec->write(ctx, std::move(records), dep.partitioner,
                               dep.codec_args);
    if (static_cast<int>(blocks.size()) != dep.num_reduces())
      throw std::runtime_error("shuffle codec '" + dep.codec + "' wrote "
                               + std::to_string(blocks.size())
                               + " blocks for "
                               + std::to_string(dep.num_reduces())
                               + " reduce partitions");
    std::vector<std::int64_t> sizes(blocks.size(), 0);
    for (std::size_t r = 0; r < blocks.size(); ++r) {
      if (blocks[r].empty())
        continue; // empty partitions write nothing
      sizes[r] = static_cast<std::int64_t>(blocks[r].size());
      io.blocks->push_back(stored_block{
        shuffle_block_id(dep.shuffle, ctx.tid(), static_cast<int>(r)),
        bytes{std::move(blocks[r])}});
    }
    auto status = map_status::make({io.executor, io.host}, ctx.tid(), p,
                                   sizes);
    auto t0 = std::chrono::steady_clock::now();
    io.value->append(status.encode());
    ctx.add_serialization_time_ns(
      std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - t0)
        .count());
    return;
  }
  const auto* fn = fns.result(stage.result_function);
  if (fn == nullptr)
    throw std::runtime_error("no result function named '"
                             + stage.result_function + "' is registered");
  (*fn)(ctx, stage.result_args, c.compute(stage.target, p), *io.value);
}

bool reads_incrementally(const stage_binary& stage,
                         const function_registry& fns) {
  for (auto* dep : direct_shuffle_dependencies(stage.plan, stage.target)) {
    const auto* codec = fns.codec(dep->codec);
    if (codec == nullptr || !codec->incremental())
      return false;
  }
  return true;
}

void consume_block(task_context& ctx, const stage_binary& stage,
                   shuffle_id shuffle, int reduce, const bytes& block,
                   const function_registry& fns, reduce_states& states) {
  const auto* dep = find_dep(stage, shuffle);
  if (dep == nullptr)
    throw std::runtime_error("the stage does not read shuffle "
                             + std::to_string(shuffle));
  const auto* codec = fns.codec(dep->codec);
  if (codec == nullptr || !codec->incremental())
    throw std::runtime_error("shuffle codec '" + dep->codec
                             + "' cannot read incrementally");
  auto [it, added] = states.try_emplace({shuffle, reduce});
  if (added)
    it->second = codec->begin(ctx, dep->codec_args);
  codec->add(ctx, it->second, block, dep->codec_args);
}

std::vector<block_request> blocks_to_fetch(const stage_binary& stage, int p) {
  std::vector<block_request> result;
  for (auto [shuffle, reduce] : shuffle_reads(stage.plan, stage.target, p)) {
    const auto* statuses = stage.outputs_of(shuffle);
    if (statuses == nullptr)
      throw std::runtime_error("the stage carries no map outputs of shuffle "
                               + std::to_string(shuffle));
    for (auto& st : *statuses) {
      auto size = st.size_for_block(reduce);
      if (size <= 0)
        continue;
      result.push_back(block_request{
        shuffle, reduce, st.map_index(), st.map_id(), st.executor(),
        st.host(), shuffle_block_id(shuffle, st.map_id(), reduce), size});
    }
  }
  return result;
}

} // namespace ember
