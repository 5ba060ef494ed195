#pragma once
// The BlockManager actor: one per executor, owning that executor's
// block_manager and serialising all access to it.
//
// Contract: every request gets a reply, never an error message or an
// exception. A failing put (invalid id, no room in memory, full disk) replies
// ok=false with the reason and leaves every stored block as it was. A get of
// a missing block replies found=false with an empty error; a block whose
// file cannot be read replies found=false with the reason. When the actor
// terminates, its block_manager is destroyed and so are its disk blocks
// (see block_manager.hpp).

#include "storage/block_manager.hpp"
#include "storage/block_messages.hpp"

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

namespace ember {

using block_manager_actor = caf::typed_actor<
  caf::replies_to<put_block>::with<put_block_result>,
  caf::replies_to<get_block>::with<get_block_result>,
  caf::replies_to<remove_block>::with<bool>,
  caf::replies_to<contains_block>::with<bool>,
  caf::replies_to<remove_blocks_with_prefix>::with<std::uint64_t>>;

/// Creates the block_manager for `executor_id` from `options` and spawns
/// the actor owning it. Throws storage_error if the block manager cannot be
/// created (e.g. its directory cannot be created); nothing is spawned then.
/// Log lines start with "exec=<executor_id>".
block_manager_actor spawn_block_manager(caf::actor_system& sys,
                                        const std::string& executor_id,
                                        block_manager_options options);

/// Registers the block messages with `cfg` under the names
/// "ember::put_block", "ember::put_block_result", "ember::get_block",
/// "ember::get_block_result", "ember::remove_block" and
/// "ember::contains_block", so that they can cross process boundaries.
/// Call before creating the actor_system.
void add_block_message_types(caf::actor_system_config& cfg);

} // namespace ember
