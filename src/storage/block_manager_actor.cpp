#include "storage/block_manager_actor.hpp"

#include "common/logging.hpp"

#include <caf/all.hpp>

#include <exception>
#include <memory>
#include <utility>

namespace ember {

namespace {

struct block_manager_state {
  std::shared_ptr<block_manager> store;
  std::string executor_id;

  static inline const char* name = "ember.block_manager";
};

using block_manager_pointer
  = block_manager_actor::stateful_pointer<block_manager_state>;

block_manager_actor::behavior_type
block_manager_behavior(block_manager_pointer self, std::string executor_id,
                       std::shared_ptr<block_manager> store) {
  self->state.store = std::move(store);
  self->state.executor_id = std::move(executor_id);
  return {
    [self](put_block& msg) -> put_block_result {
      auto& st = self->state;
      auto size = msg.data.size();
      std::optional<std::string> err;
      try {
        err = st.store->put(msg.id, std::move(msg.data), msg.level);
      } catch (const std::exception& ex) {
        err = "storing block '" + msg.id + "' failed: " + ex.what();
      }
      if (err) {
        logger().warn("exec={} put block {} ({} bytes, {}) failed: {}",
                      st.executor_id, msg.id, size, to_string(msg.level),
                      *err);
        return {false, std::move(*err)};
      }
      logger().debug("exec={} stored block {} ({} bytes, {}) in {}",
                     st.executor_id, msg.id, size, to_string(msg.level),
                     st.store->location(msg.id) == storage_level::memory_only
                       ? "memory"
                       : "disk");
      return {true, {}};
    },
    [self](get_block& msg) -> get_block_result {
      auto& st = self->state;
      get_block_result result;
      try {
        if (auto data = st.store->get(msg.id, &result.error)) {
          result.found = true;
          result.data = std::move(*data);
        }
      } catch (const std::exception& ex) {
        result.found = false;
        result.error = "reading block '" + msg.id + "' failed: " + ex.what();
      }
      if (!result.error.empty())
        logger().warn("exec={} get block {} failed: {}", st.executor_id,
                      msg.id, result.error);
      else if (!result.found)
        logger().debug("exec={} get block {}: not found", st.executor_id,
                       msg.id);
      return result;
    },
    [self](remove_block& msg) -> bool {
      auto& st = self->state;
      bool removed = st.store->remove(msg.id);
      logger().debug("exec={} remove block {}: {}", st.executor_id, msg.id,
                     removed ? "removed" : "not found");
      return removed;
    },
    [self](contains_block& msg) -> bool {
      return self->state.store->contains(msg.id);
    },
    [self](remove_blocks_with_prefix& msg) -> std::uint64_t {
      auto& st = self->state;
      auto n = st.store->remove_prefix(msg.prefix);
      logger().debug("exec={} removed {} blocks with prefix {}",
                     st.executor_id, n, msg.prefix);
      return n;
    },
  };
}

} // namespace

block_manager_actor spawn_block_manager(caf::actor_system& sys,
                                        const std::string& executor_id,
                                        block_manager_options options) {
  auto memory_limit = options.memory_limit;
  auto disk_limit = options.disk_limit;
  std::shared_ptr<block_manager> store;
  try {
    store = std::make_shared<block_manager>(std::move(options));
  } catch (const storage_error& ex) {
    logger().error("exec={} block manager failed to start: {}", executor_id,
                   ex.what());
    throw;
  }
  logger().info("exec={} block manager started: memory limit {} bytes, disk "
                "limit {}, directory {}",
                executor_id, memory_limit,
                disk_limit > 0 ? std::to_string(disk_limit) + " bytes"
                               : std::string{"none"},
                store->directory());
  return sys.spawn(block_manager_behavior, executor_id, std::move(store));
}

void add_block_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<put_block>("ember::put_block");
  cfg.add_message_type<put_block_result>("ember::put_block_result");
  cfg.add_message_type<get_block>("ember::get_block");
  cfg.add_message_type<get_block_result>("ember::get_block_result");
  cfg.add_message_type<remove_block>("ember::remove_block");
  cfg.add_message_type<contains_block>("ember::contains_block");
  cfg.add_message_type<remove_blocks_with_prefix>(
    "ember::remove_blocks_with_prefix");
}

} // namespace ember
