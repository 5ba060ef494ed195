#include "api/context.hpp"

#include <filesystem>
#include <fstream>

namespace ember {

namespace fs = std::filesystem;

context::context(config cfg)
  : state_(std::make_shared<detail::context_state>(std::move(cfg))) {
}

context::~context() {
  if (state_)
    state_->stop();
}

context& context::operator=(context&& other) noexcept {
  if (this != &other) {
    if (state_)
      state_->stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

int context::pick(int partitions) const {
  if (partitions < 0)
    throw std::invalid_argument("the number of partitions must be >= 0");
  return partitions > 0 ? partitions : default_parallelism();
}

dataset<std::int64_t> context::range(std::int64_t start, std::int64_t end,
                                     std::int64_t step, int partitions) const {
  if (step == 0)
    throw std::invalid_argument("range: step must not be 0");
  auto n = pick(partitions);
  __int128 span = static_cast<__int128>(end) - start;
  __int128 count = 0;
  if (step > 0 && span > 0)
    count = (span + step - 1) / step;
  else if (step < 0 && span < 0)
    count = (-span + (-static_cast<__int128>(step)) - 1)
            / -static_cast<__int128>(step);
  std::vector<bytes> parts;
  parts.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto lo = count * i / n;
    auto hi = count * (i + 1) / n;
    auto first = static_cast<std::int64_t>(start + lo * step);
    parts.emplace_back(encode(first, static_cast<std::int64_t>(hi - lo), step));
  }
  return dataset<std::int64_t>{
    state_, source_node(stable_name<detail::range_source>(), std::move(parts),
                        "range")};
}

dataset<std::string> context::text_file(const std::string& path,
                                        int min_partitions) const {
  std::vector<bytes> parts;
  for (auto& split : plan_text_splits(path, min_partitions))
    parts.emplace_back(encode(split));
  return dataset<std::string>{
    state_, source_node(stable_name<detail::text_source>(), std::move(parts),
                        "text_file " + path)};
}

namespace detail {

void prepare_output_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec))
      throw std::invalid_argument("save_as_text_file: output path " + dir
                                  + " exists and is not a directory");
    if (!fs::is_empty(dir, ec))
      throw std::invalid_argument("save_as_text_file: output directory "
                                  + dir + " already exists");
  }
  fs::create_directories(dir);
}

void commit_output_dir(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(fs::path{dir} / "_temporary", ec);
  std::ofstream{fs::path{dir} / "_SUCCESS"};
}

} // namespace detail

} // namespace ember
