#pragma once
// The pending tasks of one task set, indexed by where they would like to run
// (Spark's PendingTasksByLocality).
//
// A task index is listed under every executor, host and rack it prefers,
// under `no_prefs` if it prefers nothing, and always under `all`. Each list
// is a stack: the task set adds its tasks in reverse order so that low
// indices launch first, and a failed task that is added again launches
// before the rest.
//
// Entries are removed lazily. A task launched through one list stays in the
// others until it reaches their top, where `dequeue` and `has_tasks` drop
// it after asking the caller's `is_pending(index)`. So every entry is popped
// at most once and no operation scans a list per launched task.

#include "common/ids.hpp"
#include "scheduler/executor_registry.hpp"
#include "scheduler/task_location.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ember {

class pending_tasks {
public:
  using index_list = std::vector<std::int32_t>;

  /// A task chosen for an offer and the locality it launches at.
  struct pick {
    std::int32_t index;
    locality_level locality;
  };

  /// Makes room for `n` entries in `all` (the initial fill).
  void reserve(std::size_t n) {
    all_.reserve(n);
  }

  /// Lists `index` under its preferred `locations` (racks via `executors`).
  void add(std::int32_t index, const std::vector<task_location>& locations,
           const executor_registry& executors);

  /// Drops every entry (the task set will launch nothing more).
  void clear();

  /// Pops the best pending task for an offer of `executor` on `host`, no
  /// farther than `max_locality`, in Spark's order: the executor's list,
  /// then the host's (NODE_LOCAL), then `no_prefs` (reported as
  /// PROCESS_LOCAL, as Spark does), then the rack's, then `all` (ANY).
  template <class IsPending>
  std::optional<pick> dequeue(const executor_id& executor,
                              const std::string& host,
                              locality_level max_locality,
                              const executor_registry& executors,
                              IsPending&& is_pending) {
    if (auto i = pop(find(for_executor_, executor), is_pending))
      return pick{*i, locality_level::process_local};
    if (is_allowed(max_locality, locality_level::node_local))
      if (auto i = pop(find(for_host_, host), is_pending))
        return pick{*i, locality_level::node_local};
    if (is_allowed(max_locality, locality_level::no_pref))
      if (auto i = pop(&no_prefs_, is_pending))
        return pick{*i, locality_level::process_local};
    if (is_allowed(max_locality, locality_level::rack_local))
      if (auto rack = executors.rack_of(host))
        if (auto i = pop(find(for_rack_, *rack), is_pending))
          return pick{*i, locality_level::rack_local};
    if (is_allowed(max_locality, locality_level::any))
      if (auto i = pop(&all_, is_pending))
        return pick{*i, locality_level::any};
    return std::nullopt;
  }

  /// Whether some pending task could launch at exactly `level` somewhere
  /// (Spark's moreTasksToRunIn). Drops stale entries and empty lists on
  /// the way. ANY: whether any task is pending at all.
  template <class IsPending>
  bool has_tasks(locality_level level, IsPending&& is_pending) {
    switch (level) {
      case locality_level::process_local:
        return any_in(for_executor_, is_pending);
      case locality_level::node_local:
        return any_in(for_host_, is_pending);
      case locality_level::no_pref:
        return top_is_pending(no_prefs_, is_pending);
      case locality_level::rack_local:
        return any_in(for_rack_, is_pending);
      case locality_level::any:
        return top_is_pending(all_, is_pending);
    }
    return false;
  }

  /// Spark's computeValidLocalityLevels: the levels at which some listed
  /// task could run with the executors now alive, best first; always ends
  /// with ANY.
  std::vector<locality_level>
  valid_levels(const executor_registry& executors) const;

private:
  using index_map = std::unordered_map<std::string, index_list>;

  static index_list* find(index_map& map, const std::string& key) {
    auto it = map.find(key);
    return it != map.end() ? &it->second : nullptr;
  }

  template <class IsPending>
  static std::optional<std::int32_t> pop(index_list* list,
                                         IsPending& is_pending) {
    if (list == nullptr)
      return std::nullopt;
    while (!list->empty()) {
      auto index = list->back();
      list->pop_back();
      if (is_pending(index))
        return index;
    }
    return std::nullopt;
  }

  template <class IsPending>
  static bool top_is_pending(index_list& list, IsPending& is_pending) {
    while (!list.empty()) {
      if (is_pending(list.back()))
        return true;
      list.pop_back();
    }
    return false;
  }

  template <class IsPending>
  static bool any_in(index_map& map, IsPending& is_pending) {
    for (auto it = map.begin(); it != map.end();) {
      if (top_is_pending(it->second, is_pending))
        return true;
      it = map.erase(it);
    }
    return false;
  }

  index_map for_executor_;
  index_map for_host_;
  index_map for_rack_;
  index_list no_prefs_;
  index_list all_;
};

} // namespace ember
