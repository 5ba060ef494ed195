#pragma once
// Text input for context::text_file: splitting files into byte ranges on
// the driver and reading a range's lines on an executor (Hadoop's
// TextInputFormat and LineRecordReader, as Spark uses them).
//
// A split owns the lines that start inside its byte range: a split that
// does not start at offset 0 skips the (partial) line it starts in, and
// reads the line that crosses its end to the end. Lines end at "\n"; a
// trailing "\r" is dropped; an empty file gives no lines.

#include "api/function_registry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ember {

/// Bytes [start, end) of a file.
struct text_split {
  std::string path;
  std::int64_t start = 0;
  std::int64_t end = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(path, start, end);
  }
};

/// The splits of the files that `path` names: a file, a directory (its
/// files, except those whose names start with '.' or '_') or a glob
/// pattern. Files are split at about total_size / min_partitions bytes
/// (at most 32 MiB); every file gets at least one split. Throws
/// std::invalid_argument if the path does not exist or the pattern matches
/// no file.
std::vector<text_split> plan_text_splits(const std::string& path,
                                         int min_partitions);

/// The lines of `split`. Throws std::runtime_error if the file cannot be
/// read.
std::vector<std::string> read_text_split(const text_split& split);

namespace detail {

/// The source function of text_file partitions (an encoded text_split).
struct text_source {
  static void add(function_registry& r, const std::string& name);
};

} // namespace detail

} // namespace ember
