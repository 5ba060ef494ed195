#include "api/text_file.hpp"

#include "common/serialization.hpp"

#include <cereal/types/string.hpp>

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace ember {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t max_split_size = std::int64_t{32} << 20;
/// Hadoop's SPLIT_SLOP: the last split may be up to 10% larger.
constexpr double split_slop = 1.1;

bool hidden(const fs::path& p) {
  auto name = p.filename().string();
  return !name.empty() && (name[0] == '.' || name[0] == '_');
}

void add_files_of(const fs::path& p, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> files;
    for (auto& entry : fs::directory_iterator{p})
      if (entry.is_regular_file() && !hidden(entry.path()))
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  } else if (fs::is_regular_file(p, ec)) {
    out.push_back(p);
  }
}

std::vector<fs::path> input_files(const std::string& path) {
  std::vector<fs::path> files;
  if (path.find_first_of("*?[") == std::string::npos) {
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw std::invalid_argument("text_file: input path does not exist: "
                                  + path);
    add_files_of(path, files);
    return files;
  }
  glob_t g{};
  auto rc = ::glob(path.c_str(), 0, nullptr, &g);
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i)
      add_files_of(g.gl_pathv[i], files);
  ::globfree(&g);
  if (rc != 0 && rc != GLOB_NOMATCH)
    throw std::invalid_argument("text_file: cannot expand pattern: " + path);
  if (files.empty())
    throw std::invalid_argument("text_file: input pattern matches no files: "
                                + path);
  return files;
}

} // namespace

std::vector<text_split> plan_text_splits(const std::string& path,
                                         int min_partitions) {
  if (min_partitions < 1)
    throw std::invalid_argument("text_file: min_partitions must be >= 1");
  auto files = input_files(path);
  std::vector<std::int64_t> sizes;
  std::int64_t total = 0;
  for (auto& f : files) {
    sizes.push_back(static_cast<std::int64_t>(fs::file_size(f)));
    total += sizes.back();
  }
  auto split_size = std::clamp<std::int64_t>(total / min_partitions, 1,
                                             max_split_size);
  std::vector<text_split> splits;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto remaining = sizes[i];
    std::int64_t start = 0;
    while (static_cast<double>(remaining) / split_size > split_slop) {
      splits.push_back({files[i].string(), start, start + split_size});
      start += split_size;
      remaining -= split_size;
    }
    splits.push_back({files[i].string(), start, sizes[i]});
  }
  return splits;
}

std::vector<std::string> read_text_split(const text_split& split) {
  std::ifstream in{split.path, std::ios::binary};
  if (!in)
    throw std::runtime_error("text_file: cannot open " + split.path);
  std::vector<std::string> lines;
  std::int64_t pos = split.start;
  std::string line;
  if (split.start > 0) {
    // Skip the line this split starts in, unless it starts right here.
    in.seekg(split.start - 1);
    char previous = 0;
    if (!in.get(previous))
      return lines;
    if (previous != '\n') {
      std::getline(in, line);
      pos += static_cast<std::int64_t>(line.size()) + (in.eof() ? 0 : 1);
    }
  }
  while (pos < split.end && std::getline(in, line)) {
    pos += static_cast<std::int64_t>(line.size()) + (in.eof() ? 0 : 1);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad())
    throw std::runtime_error("text_file: cannot read " + split.path);
  return lines;
}

namespace detail {

void text_source::add(function_registry& r, const std::string& name) {
  r.add_source(name, [](task_context&, std::string_view, std::string_view in) {
    return std::any{read_text_split(decode<text_split>(in))};
  });
}

} // namespace detail

} // namespace ember
