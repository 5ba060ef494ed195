#pragma once
// The BlockManager actor's messages. Each has a CAF `inspect`, so it can be
// serialised when the actor is remote; inside one process CAF moves
// messages without serialising them, and block bytes are shared, not copied.
//
//   put_block      -> put_block_result   (ok, or why the block was not stored)
//   get_block      -> get_block_result   (found with data, or not)
//   remove_block   -> bool               (whether the block existed)
//   contains_block -> bool

// bytes_inspect.hpp uses caf::error without including its definition.
#include <caf/error.hpp>

#include "common/bytes.hpp"
#include "common/bytes_inspect.hpp"
#include "storage/storage_level.hpp"

#include <caf/meta/type_name.hpp>

#include <string>

namespace ember {

/// Store `data` as block `id` at `level`, replacing any block `id`.
struct put_block {
  std::string id;
  bytes data;
  storage_level level = storage_level::memory_and_disk_ser;
};

/// `ok` is true if the block was stored; otherwise `error` says why (e.g.
/// "... No space left on device") and no block changed.
struct put_block_result {
  bool ok = false;
  std::string error;
};

/// Fetch block `id`.
struct get_block {
  std::string id;
};

/// `found` is true if the block was read; then `data` holds it (sharing the
/// stored bytes for memory blocks). If it was not found, `error` is empty
/// when there is no such block and says why otherwise (e.g. the block's
/// file could not be read).
struct get_block_result {
  bool found = false;
  bytes data;
  std::string error;
};

/// Remove block `id`; replies whether it existed.
struct remove_block {
  std::string id;
};

/// Replies whether block `id` exists.
struct contains_block {
  std::string id;
};

/// Remove every block whose id starts with `prefix`; replies how many.
struct remove_blocks_with_prefix {
  std::string prefix;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        remove_blocks_with_prefix& x) {
  return f(caf::meta::type_name("ember_remove_blocks_with_prefix"),
           x.prefix);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, put_block& x) {
  return f(caf::meta::type_name("ember_put_block"), x.id, x.data, x.level);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, put_block_result& x) {
  return f(caf::meta::type_name("ember_put_block_result"), x.ok, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_block& x) {
  return f(caf::meta::type_name("ember_get_block"), x.id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_block_result& x) {
  return f(caf::meta::type_name("ember_get_block_result"), x.found, x.data,
           x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remove_block& x) {
  return f(caf::meta::type_name("ember_remove_block"), x.id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contains_block& x) {
  return f(caf::meta::type_name("ember_contains_block"), x.id);
}

} // namespace ember
