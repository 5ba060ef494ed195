#include "scheduler/map_output_tracker.hpp"

#include <unordered_map>

namespace ember {

namespace {

std::string shuffle_name(shuffle_id shuffle) {
  return "shuffle " + std::to_string(shuffle);
}

} // namespace

// -- missing_map_output_error -------------------------------------------------

missing_map_output_error::missing_map_output_error(shuffle_id shuffle,
                                                   int map_index,
                                                   int reduce_id,
                                                   const std::string& what)
  : std::runtime_error(what),
    shuffle_(shuffle),
    map_index_(map_index),
    reduce_id_(reduce_id) {
}

fetch_failed_reason missing_map_output_error::to_fetch_failed() const {
  fetch_failed_reason r;
  r.shuffle = shuffle_;
  r.map_id = -1;
  r.map_index = map_index_;
  r.reduce_id = reduce_id_;
  r.message = what();
  return r;
}

// -- shuffles -----------------------------------------------------------------

void map_output_tracker::register_shuffle(shuffle_id shuffle, int num_maps,
                                          int num_reduces) {
  if (num_maps < 0 || num_reduces < 0)
    throw std::invalid_argument("register_shuffle: negative partition count "
                                "for "
                                + shuffle_name(shuffle));
  if (shuffles_.count(shuffle) != 0)
    throw std::invalid_argument(shuffle_name(shuffle) + " registered twice");
  shuffle_state st;
  st.num_reduces = num_reduces;
  st.outputs.resize(static_cast<std::size_t>(num_maps));
  shuffles_.emplace(shuffle, std::move(st));
}

bool map_output_tracker::unregister_shuffle(shuffle_id shuffle) {
  return shuffles_.erase(shuffle) != 0;
}

bool map_output_tracker::contains_shuffle(shuffle_id shuffle) const noexcept {
  return shuffles_.count(shuffle) != 0;
}

const map_output_tracker::shuffle_state&
map_output_tracker::state(shuffle_id shuffle) const {
  auto i = shuffles_.find(shuffle);
  if (i == shuffles_.end())
    throw std::out_of_range("unknown " + shuffle_name(shuffle));
  return i->second;
}

int map_output_tracker::num_maps(shuffle_id shuffle) const {
  return static_cast<int>(state(shuffle).outputs.size());
}

int map_output_tracker::num_reduces(shuffle_id shuffle) const {
  return state(shuffle).num_reduces;
}

// -- outputs ------------------------------------------------------------------

void map_output_tracker::register_map_output(shuffle_id shuffle,
                                             int map_index,
                                             map_status status) {
  auto i = shuffles_.find(shuffle);
  if (i == shuffles_.end())
    throw std::out_of_range("register_map_output: unknown "
                            + shuffle_name(shuffle));
  auto& st = i->second;
  if (map_index < 0 || static_cast<std::size_t>(map_index) >= st.outputs.size())
    throw std::out_of_range("register_map_output: map index "
                            + std::to_string(map_index) + " out of range for "
                            + shuffle_name(shuffle));
  if (status.num_partitions() != st.num_reduces)
    throw std::invalid_argument(
      "register_map_output: status has " + std::to_string(status.num_partitions())
      + " partitions, " + shuffle_name(shuffle) + " has "
      + std::to_string(st.num_reduces));
  auto& slot = st.outputs[static_cast<std::size_t>(map_index)];
  if (!slot)
    ++st.available;
  slot = std::move(status);
}

bool map_output_tracker::unregister_map_output(shuffle_id shuffle,
                                               int map_index,
                                               const executor_id& executor) {
  auto i = shuffles_.find(shuffle);
  if (i == shuffles_.end() || map_index < 0
      || static_cast<std::size_t>(map_index) >= i->second.outputs.size())
    return false;
  auto& slot = i->second.outputs[static_cast<std::size_t>(map_index)];
  if (!slot || slot->executor() != executor)
    return false;
  slot.reset();
  --i->second.available;
  increment_epoch();
  return true;
}

template <class Pred>
int map_output_tracker::remove_outputs_if(Pred pred) {
  int removed = 0;
  for (auto& [id, st] : shuffles_) {
    for (auto& slot : st.outputs) {
      if (slot && pred(id, *slot)) {
        slot.reset();
        --st.available;
        ++removed;
      }
    }
  }
  if (removed > 0)
    increment_epoch();
  return removed;
}

int map_output_tracker::unregister_all_map_outputs(shuffle_id shuffle) {
  return remove_outputs_if(
    [shuffle](shuffle_id id, const map_status&) { return id == shuffle; });
}

int map_output_tracker::remove_outputs_on_executor(
  const executor_id& executor) {
  return remove_outputs_if([&](shuffle_id, const map_status& s) {
    return s.executor() == executor;
  });
}

int map_output_tracker::remove_outputs_on_host(const std::string& host) {
  return remove_outputs_if(
    [&](shuffle_id, const map_status& s) { return s.host() == host; });
}

// -- queries ------------------------------------------------------------------

int map_output_tracker::num_available_outputs(
  shuffle_id shuffle) const noexcept {
  auto i = shuffles_.find(shuffle);
  return i == shuffles_.end() ? 0 : i->second.available;
}

bool map_output_tracker::is_available(shuffle_id shuffle) const noexcept {
  auto i = shuffles_.find(shuffle);
  return i != shuffles_.end()
         && static_cast<std::size_t>(i->second.available)
              == i->second.outputs.size();
}

std::vector<int>
map_output_tracker::find_missing_partitions(shuffle_id shuffle) const {
  const auto& st = state(shuffle);
  std::vector<int> result;
  for (std::size_t m = 0; m < st.outputs.size(); ++m)
    if (!st.outputs[m])
      result.push_back(static_cast<int>(m));
  return result;
}

const std::vector<std::optional<map_status>>&
map_output_tracker::statuses(shuffle_id shuffle) const {
  return state(shuffle).outputs;
}

std::vector<block_to_fetch>
map_output_tracker::map_sizes_by_executor(shuffle_id shuffle,
                                          int reduce_id) const {
  auto i = shuffles_.find(shuffle);
  if (i != shuffles_.end()
      && (reduce_id < 0 || reduce_id >= i->second.num_reduces))
    throw std::out_of_range("reduce id " + std::to_string(reduce_id)
                            + " out of range for " + shuffle_name(shuffle));
  return map_sizes_by_executor(shuffle, reduce_id, reduce_id + 1);
}

std::vector<block_to_fetch>
map_output_tracker::map_sizes_by_executor(shuffle_id shuffle,
                                          int start_reduce,
                                          int end_reduce) const {
  auto i = shuffles_.find(shuffle);
  if (i == shuffles_.end())
    throw missing_map_output_error(shuffle, -1, start_reduce,
                                   "Missing all output locations for "
                                     + shuffle_name(shuffle)
                                     + " (not registered)");
  const auto& st = i->second;
  if (start_reduce < 0 || end_reduce > st.num_reduces)
    throw std::out_of_range("reduce range [" + std::to_string(start_reduce)
                            + ", " + std::to_string(end_reduce)
                            + ") out of range for " + shuffle_name(shuffle));
  // Spark: "Missing an output location for shuffle S partition P".
  for (std::size_t m = 0; m < st.outputs.size(); ++m)
    if (!st.outputs[m])
      throw missing_map_output_error(
        shuffle, static_cast<int>(m), start_reduce,
        "Missing an output location for " + shuffle_name(shuffle)
          + " partition " + std::to_string(start_reduce) + " (map index "
          + std::to_string(m) + ")");
  // Group by executor, in the order of each executor's first map index.
  std::vector<std::vector<block_to_fetch>> groups;
  std::unordered_map<executor_id, std::size_t> group_of;
  for (std::size_t m = 0; m < st.outputs.size(); ++m) {
    const auto& s = *st.outputs[m];
    for (int r = start_reduce; r < end_reduce; ++r) {
      auto size = s.size_for_block(r);
      if (size <= 0)
        continue;
      auto [g, added] = group_of.emplace(s.executor(), groups.size());
      if (added)
        groups.emplace_back();
      groups[g->second].push_back(block_to_fetch{
        s.executor(), s.host(), s.map_id(), static_cast<int>(m), r, size});
    }
  }
  std::vector<block_to_fetch> result;
  for (auto& g : groups)
    for (auto& b : g)
      result.push_back(std::move(b));
  return result;
}

std::vector<map_output_location>
map_output_tracker::locations_with_largest_outputs(shuffle_id shuffle,
                                                   int reduce_id,
                                                   double fraction) const {
  std::vector<map_output_location> result;
  auto i = shuffles_.find(shuffle);
  if (i == shuffles_.end() || reduce_id < 0
      || reduce_id >= i->second.num_reduces)
    return result;
  std::vector<std::int64_t> totals; // parallel to result
  std::unordered_map<executor_id, std::size_t> index_of;
  std::int64_t total = 0;
  for (const auto& slot : i->second.outputs) {
    if (!slot)
      continue;
    auto size = slot->size_for_block(reduce_id);
    if (size <= 0)
      continue;
    auto [at, added] = index_of.emplace(slot->executor(), result.size());
    if (added) {
      result.push_back(slot->location());
      totals.push_back(size);
    } else {
      totals[at->second] += size;
    }
    total += size;
  }
  std::vector<map_output_location> top;
  for (std::size_t k = 0; k < result.size(); ++k)
    if (static_cast<double>(totals[k]) / static_cast<double>(total) >= fraction)
      top.push_back(std::move(result[k]));
  return top;
}

} // namespace ember
