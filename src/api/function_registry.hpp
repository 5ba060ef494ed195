#pragma once
// The executor-side functions a lineage names: source decoders, narrow
// operations, result functions and shuffle codecs, registered by stable
// names before `main` (so a binary's executors in other processes find the
// same functions). Partitions travel between these functions as `std::any`
// holding a `std::vector<T>` of records.
//
// Typed registration helpers are in api/typed_functions.hpp.

#include "api/task_context.hpp"
#include "common/bytes.hpp"
#include "scheduler/partitioner.hpp"

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ember {

/// Decodes one source partition.
using source_fn = std::function<std::any(task_context&, std::string_view args,
                                         std::string_view data)>;

/// Computes a partition from its parent's partition.
using narrow_fn
  = std::function<std::any(task_context&, std::string_view args, std::any)>;

/// Turns a partition into the task's encoded result, appended to `out`.
using result_fn = std::function<void(task_context&, std::string_view args,
                                     std::any, std::string& out)>;

/// How a shuffle's records are written by map tasks and read by reducers.
struct shuffle_codec {
  /// Splits the records into one encoded block per reduce partition (an
  /// empty string for an empty block), combining by key if the codec does.
  std::function<std::vector<std::string>(task_context&, std::any records,
                                         const partitioner_spec&,
                                         std::string_view args)>
    write;
  /// Merges the blocks of one reduce partition (in map order) into its
  /// records.
  std::function<std::any(task_context&, const std::vector<bytes>& blocks,
                         std::string_view args)>
    read;

  // Optional incremental reading, so that a reducer holds at most one batch
  // of fetched blocks at a time: `begin` makes the state, `add` folds one
  // block into it, `finish` turns it into the partition's records. A codec
  // without them gets all its blocks at once through `read`.
  std::function<std::any(task_context&, std::string_view args)> begin;
  std::function<void(task_context&, std::any& state, const bytes& block,
                     std::string_view args)>
    add;
  std::function<std::any(task_context&, std::any&& state,
                         std::string_view args)>
    finish;

  bool incremental() const noexcept {
    return begin && add && finish;
  }
};

/// A digest of every function this process can run (task functions and
/// lineage functions): equal in every process of one binary.
std::uint64_t local_registry_fingerprint();

class function_registry {
public:
  static function_registry& global();

  /// Each adds under `name`; a duplicate name throws std::logic_error,
  /// unless `replace_same` (typed helpers registering the same function
  /// from several translation units).
  void add_source(std::string name, source_fn fn);
  void add_narrow(std::string name, narrow_fn fn);
  void add_result(std::string name, result_fn fn);
  void add_codec(std::string name, shuffle_codec codec);

  /// nullptr if unknown.
  const source_fn* source(std::string_view name) const;
  const narrow_fn* narrow(std::string_view name) const;
  const result_fn* result(std::string_view name) const;
  const shuffle_codec* codec(std::string_view name) const;

  /// Registered names of every kind, "kind:name", sorted.
  std::vector<std::string> names() const;

  /// A digest of names(), equal in every process of the same binary.
  std::uint64_t fingerprint() const;

private:
  template <class Map, class Fn>
  void add(Map& map, std::string_view kind, std::string name, Fn fn);

  mutable std::mutex mtx_;
  std::map<std::string, source_fn, std::less<>> sources_;
  std::map<std::string, narrow_fn, std::less<>> narrows_;
  std::map<std::string, result_fn, std::less<>> results_;
  std::map<std::string, shuffle_codec, std::less<>> codecs_;
};

} // namespace ember
