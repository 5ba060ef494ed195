#pragma once
// The executors the driver believes alive, with their hosts and racks: the
// part of Spark's TaskSchedulerImpl that answers isExecutorAlive,
// hasExecutorsAliveOnHost and hasHostAliveOnRack for delay scheduling.
//
// Racks come from an optional resolver (host -> rack). Without one, no host
// has a rack and no task set ever has a RACK_LOCAL level.

#include "common/ids.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

namespace ember {

class executor_registry {
public:
  /// Maps a host to its rack, or nullopt if the rack is unknown.
  using rack_resolver
    = std::function<std::optional<std::string>(const std::string& host)>;

  /// Sets (or clears, with an empty function) how hosts map to racks. Each
  /// host is resolved once and cached; setting a resolver drops the cache.
  void set_rack_resolver(rack_resolver resolver);

  /// Registers `executor` on `host`. Returns false, changing nothing, if
  /// the executor is already registered.
  bool add(const executor_id& executor, const std::string& host);

  /// Unregisters `executor` and returns its host; nullopt if unknown.
  std::optional<std::string> remove(const executor_id& executor);

  bool is_alive(const executor_id& executor) const;

  /// The host of a registered executor, or nullptr.
  const std::string* host_of(const executor_id& executor) const;

  bool has_executors_on_host(const std::string& host) const;

  bool has_host_on_rack(const std::string& rack) const;

  /// The rack of `host`, or nullptr. The pointer stays valid until the
  /// next set_rack_resolver.
  const std::string* rack_of(const std::string& host) const;

  std::size_t size() const noexcept {
    return host_of_.size();
  }

private:
  rack_resolver resolver_;
  std::unordered_map<executor_id, std::string> host_of_;
  std::unordered_map<std::string, int> executors_on_host_;
  std::unordered_map<std::string, int> hosts_on_rack_;
  mutable std::unordered_map<std::string, std::optional<std::string>>
    rack_cache_;
};

} // namespace ember
