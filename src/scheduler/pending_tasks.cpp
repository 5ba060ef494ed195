#include "scheduler/pending_tasks.hpp"

#include <algorithm>

namespace ember {

void pending_tasks::add(std::int32_t index,
                        const std::vector<task_location>& locations,
                        const executor_registry& executors) {
  for (auto& loc : locations) {
    if (!loc.executor.empty())
      for_executor_[loc.executor].push_back(index);
    for_host_[loc.host].push_back(index);
    if (auto rack = executors.rack_of(loc.host))
      for_rack_[*rack].push_back(index);
  }
  if (locations.empty())
    no_prefs_.push_back(index);
  all_.push_back(index);
}

void pending_tasks::clear() {
  // Swapping with empty containers also frees their capacity.
  index_map{}.swap(for_executor_);
  index_map{}.swap(for_host_);
  index_map{}.swap(for_rack_);
  index_list{}.swap(no_prefs_);
  index_list{}.swap(all_);
}

std::vector<locality_level>
pending_tasks::valid_levels(const executor_registry& executors) const {
  std::vector<locality_level> levels;
  auto any_key = [](const index_map& map, auto&& pred) {
    return std::any_of(map.begin(), map.end(),
                       [&](const auto& kv) { return pred(kv.first); });
  };
  if (any_key(for_executor_,
              [&](const std::string& e) { return executors.is_alive(e); }))
    levels.push_back(locality_level::process_local);
  if (any_key(for_host_, [&](const std::string& h) {
        return executors.has_executors_on_host(h);
      }))
    levels.push_back(locality_level::node_local);
  if (!no_prefs_.empty())
    levels.push_back(locality_level::no_pref);
  if (any_key(for_rack_, [&](const std::string& r) {
        return executors.has_host_on_rack(r);
      }))
    levels.push_back(locality_level::rack_local);
  levels.push_back(locality_level::any);
  return levels;
}

} // namespace ember
