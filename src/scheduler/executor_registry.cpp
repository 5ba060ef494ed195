#include "scheduler/executor_registry.hpp"

#include <utility>

namespace ember {

void executor_registry::set_rack_resolver(rack_resolver resolver) {
  resolver_ = std::move(resolver);
  rack_cache_.clear();
  hosts_on_rack_.clear();
  for (auto& [host, count] : executors_on_host_)
    if (auto rack = rack_of(host))
      ++hosts_on_rack_[*rack];
}

bool executor_registry::add(const executor_id& executor,
                            const std::string& host) {
  auto [it, added] = host_of_.emplace(executor, host);
  if (!added)
    return false;
  if (executors_on_host_[host]++ == 0)
    if (auto rack = rack_of(host))
      ++hosts_on_rack_[*rack];
  return true;
}

std::optional<std::string>
executor_registry::remove(const executor_id& executor) {
  auto it = host_of_.find(executor);
  if (it == host_of_.end())
    return std::nullopt;
  auto host = std::move(it->second);
  host_of_.erase(it);
  auto h = executors_on_host_.find(host);
  if (h != executors_on_host_.end() && --h->second == 0) {
    executors_on_host_.erase(h);
    if (auto rack = rack_of(host)) {
      auto r = hosts_on_rack_.find(*rack);
      if (r != hosts_on_rack_.end() && --r->second == 0)
        hosts_on_rack_.erase(r);
    }
  }
  return host;
}

bool executor_registry::is_alive(const executor_id& executor) const {
  return host_of_.count(executor) > 0;
}

const std::string*
executor_registry::host_of(const executor_id& executor) const {
  auto it = host_of_.find(executor);
  return it != host_of_.end() ? &it->second : nullptr;
}

bool executor_registry::has_executors_on_host(const std::string& host) const {
  return executors_on_host_.count(host) > 0;
}

bool executor_registry::has_host_on_rack(const std::string& rack) const {
  return hosts_on_rack_.count(rack) > 0;
}

const std::string* executor_registry::rack_of(const std::string& host) const {
  if (!resolver_)
    return nullptr;
  auto it = rack_cache_.find(host);
  if (it == rack_cache_.end())
    it = rack_cache_.emplace(host, resolver_(host)).first;
  return it->second ? &*it->second : nullptr;
}

} // namespace ember
