#include "cli/examples.hpp"

#include "api/lineage_builder.hpp"
#include "api/task_registry.hpp"
#include "api/typed_functions.hpp"
#include "cli/cli_options.hpp"
#include "scheduler/partitioner.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

namespace ember::cli {

namespace {

// -- helpers ------------------------------------------------------------------

std::int64_t parse_count(const std::string& text, const char* what) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size() || n < 0)
    throw usage_error(std::string{"expected a non-negative number for "}
                      + what + ", got '" + text + "'");
  return n;
}

template <class T>
std::vector<T> collect_all(engine& eng, job_spec spec) {
  auto res = eng.run(std::move(spec));
  std::vector<T> out;
  for (auto& v : res.values)
    for (auto& x : decode<std::vector<T>>(v.view()))
      out.push_back(std::move(x));
  return out;
}

// -- pi -----------------------------------------------------------------------

std::int64_t pi_hits(task_context& ctx, const std::int64_t& samples) {
  std::mt19937_64 rng{0x9e3779b97f4a7c15ull ^ std::uint64_t(ctx.partition())};
  std::int64_t hits = 0;
  constexpr double scale = 1.0 / 9007199254740992.0; // 2^-53
  for (std::int64_t i = 0; i < samples; ++i) {
    auto x = double(rng() >> 11) * scale * 2 - 1;
    auto y = double(rng() >> 11) * scale * 2 - 1;
    hits += x * x + y * y <= 1.0 ? 1 : 0;
  }
  return hits;
}

EMBER_TASK(cli_pi_hits, &pi_hits);

int run_pi(engine& eng, const std::vector<std::string>& args) {
  if (args.size() > 1)
    throw usage_error("usage: ember run pi [samples]");
  auto samples = args.empty() ? std::int64_t{10'000'000}
                              : parse_count(args[0], "samples");
  const int tasks = 100;
  auto per_task = std::max<std::int64_t>(1, samples / tasks);
  auto hits = eng.run<std::int64_t>("cli_pi_hits", per_task, tasks);
  std::int64_t total = 0;
  for (auto h : hits)
    total += h;
  std::printf("Pi is roughly %.6f (%lld samples in %d tasks)\n",
              4.0 * double(total) / double(per_task * tasks),
              static_cast<long long>(per_task * tasks), tasks);
  return 0;
}

// -- big-results ----------------------------------------------------------------

std::vector<char> sized_bytes(task_context& ctx, const std::int64_t& size) {
  std::vector<char> out(static_cast<std::size_t>(size));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>((i * 131 + ctx.partition()) & 0xff);
  return out;
}

EMBER_TASK(cli_sized_bytes, &sized_bytes);

int run_big_results(engine& eng, const std::vector<std::string>& args) {
  if (args.size() != 2)
    throw usage_error("usage: ember run big-results <tasks> <bytes>");
  auto tasks = parse_count(args[0], "tasks");
  auto size = parse_count(args[1], "bytes");
  job_result details;
  auto values = eng.run<std::vector<char>>("cli_sized_bytes", size,
                                           static_cast<int>(tasks), &details);
  bool intact = true;
  for (std::size_t p = 0; p < values.size(); ++p) {
    intact = intact && values[p].size() == std::size_t(size);
    for (std::size_t i = 0; intact && i < values[p].size(); i += 997)
      intact = values[p][i] == static_cast<char>((i * 131 + p) & 0xff);
  }
  std::printf("%lld results of %lld bytes: %zu inline, %zu via the "
              "BlockManager, intact: %s\n",
              static_cast<long long>(tasks), static_cast<long long>(size),
              details.count(result_path::direct),
              details.count(result_path::indirect), intact ? "yes" : "NO");
  return intact ? 0 : 1;
}

// -- wordcount ------------------------------------------------------------------

using word_count = std::pair<std::string, std::int64_t>;

void split_words(const std::string& line, std::vector<std::string>& out) {
  std::string word;
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'') {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty())
    out.push_back(std::move(word));
}

word_count pair_one(const std::string& w) {
  return {w, 1};
}

std::int64_t add(const std::int64_t& x, const std::int64_t& y) {
  return x + y;
}

const bool registered = [] {
  register_source<std::string>("cli_lines");
  register_flat_map<std::string, std::string>("cli_split", &split_words);
  register_map<std::string, word_count>("cli_pair_one", &pair_one);
  register_combining_shuffle<std::string, std::int64_t>("cli_sum", &add);
  register_collect<word_count>("cli_collect_wc");
  return true;
}();

std::vector<std::string> read_lines(const std::vector<std::string>& paths) {
  std::vector<std::string> lines;
  for (auto& p : paths) {
    std::ifstream in{p};
    if (!in)
      throw usage_error("cannot read '" + p + "'");
    std::string line;
    while (std::getline(in, line))
      lines.push_back(std::move(line));
  }
  return lines;
}

int run_wordcount(engine& eng, const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::int64_t top = 10;
  std::string output;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--top" && i + 1 < args.size())
      top = parse_count(args[++i], "--top");
    else if (args[i] == "--output" && i + 1 < args.size())
      output = args[++i];
    else if (args[i].rfind("--", 0) == 0)
      throw usage_error("unknown wordcount option '" + args[i] + "'");
    else
      files.push_back(args[i]);
  }
  if (files.empty())
    throw usage_error("usage: ember run wordcount <files...> [--top K] "
                      "[--output DIR]");
  auto lines = read_lines(files);
  lineage_builder b;
  auto src = b.parallelize("cli_lines", lines,
                           std::max(1, static_cast<int>(lines.size() / 200)));
  auto pairs = b.narrow(b.narrow(src, "cli_split"), "cli_pair_one");
  auto counts = b.shuffle(pairs, "cli_sum", hash_partitioner{4}.spec());
  auto res = eng.run(b.job(counts, "cli_collect_wc", "wordcount"));
  std::vector<word_count> all;
  for (auto& v : res.values)
    for (auto& wc : decode<std::vector<word_count>>(v.view()))
      all.push_back(std::move(wc));
  if (!output.empty()) {
    namespace fs = std::filesystem;
    if (fs::exists(output) && !fs::is_empty(output))
      throw usage_error("output directory '" + output
                        + "' already exists and is not empty");
    fs::create_directories(output);
    for (std::size_t p = 0; p < res.values.size(); ++p) {
      char name[32];
      std::snprintf(name, sizeof(name), "part-%05zu", p);
      std::ofstream out{fs::path{output} / name};
      for (auto& [w, c] : decode<std::vector<word_count>>(res.values[p].view()))
        out << w << '\t' << c << '\n';
    }
  }
  std::sort(all.begin(), all.end(), [](auto& x, auto& y) {
    return x.second > y.second || (x.second == y.second && x.first < y.first);
  });
  auto n = std::min<std::size_t>(all.size(), static_cast<std::size_t>(top));
  std::printf("%zu distinct words in %zu lines; top %zu:\n", all.size(),
              lines.size(), n);
  for (std::size_t i = 0; i < n; ++i)
    std::printf("%8lld  %s\n", static_cast<long long>(all[i].second),
                all[i].first.c_str());
  return 0;
}

// -- sort -------------------------------------------------------------------------

/// Deterministic pseudo-random keys for partition p of `records`.
std::vector<std::uint64_t> sort_keys(task_context&, const std::int64_t& seed,
                                     const std::int64_t& count) {
  std::mt19937_64 rng{static_cast<std::uint64_t>(seed)};
  std::vector<std::uint64_t> out(static_cast<std::size_t>(count));
  for (auto& x : out)
    x = rng();
  return out;
}

void key_pair(const std::uint64_t& x,
              std::vector<std::pair<std::uint64_t, std::int64_t>>& out) {
  out.emplace_back(x, 0);
}

std::vector<std::pair<std::uint64_t, std::int64_t>>
sort_partition(std::vector<std::pair<std::uint64_t, std::int64_t>>&& xs) {
  std::sort(xs.begin(), xs.end());
  return std::move(xs);
}

const bool sort_registered = [] {
  register_source<std::uint64_t>("cli_u64");
  register_flat_map<std::uint64_t, std::pair<std::uint64_t, std::int64_t>>(
    "cli_key_pair", &key_pair);
  register_shuffle<std::uint64_t, std::int64_t>("cli_by_key");
  register_map_partitions<std::pair<std::uint64_t, std::int64_t>,
                          std::pair<std::uint64_t, std::int64_t>>(
    "cli_sort_partition", &sort_partition);
  register_collect<std::pair<std::uint64_t, std::int64_t>>("cli_collect_kv");
  return true;
}();

int run_sort(engine& eng, const std::vector<std::string>& args) {
  if (args.size() != 1)
    throw usage_error("usage: ember run sort <records>");
  auto records = parse_count(args[0], "records");
  const int partitions = 8;
  // Generate the input on the driver, deterministic per partition.
  std::vector<bytes> parts;
  std::vector<std::uint64_t> sample;
  std::mt19937_64 pick{42};
  for (int p = 0; p < partitions; ++p) {
    auto begin = records * p / partitions;
    auto end = records * (p + 1) / partitions;
    std::mt19937_64 rng{static_cast<std::uint64_t>(1000 + p)};
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(end - begin));
    for (auto& k : keys)
      k = rng();
    for (auto& k : keys)
      if (pick() % 100 == 0)
        sample.push_back(k);
    parts.emplace_back(encode(keys));
  }
  auto bounds = compute_range_bounds(sample, partitions);
  lineage_builder b;
  auto src = b.source("cli_u64", std::move(parts), "generate");
  auto kv = b.narrow(src, "cli_key_pair");
  auto sorted = b.shuffle(kv, "cli_by_key",
                          range_partitioner<std::uint64_t>{bounds}.spec());
  auto in_order = b.narrow(sorted, "cli_sort_partition");
  auto res = eng.run(b.job(in_order, "cli_collect_kv", "sort"));
  std::uint64_t previous = 0;
  std::int64_t total = 0;
  bool ordered = true;
  for (auto& v : res.values) {
    auto part = decode<std::vector<std::pair<std::uint64_t, std::int64_t>>>(
      v.view());
    for (auto& [k, _] : part) {
      ordered = ordered && (total == 0 || k >= previous);
      previous = k;
      ++total;
    }
  }
  std::printf("sorted %lld records into %zu range partitions: %s\n",
              static_cast<long long>(total), res.values.size(),
              ordered && total == records ? "ordered and complete"
                                          : "NOT ORDERED OR INCOMPLETE");
  return ordered && total == records ? 0 : 1;
}

} // namespace

const std::vector<example>& examples() {
  static const std::vector<example> table = {
    {"wordcount", "wordcount <files...> [--top K] [--output DIR]",
     "counts words; prints the K most frequent", &run_wordcount},
    {"pi", "pi [samples]", "estimates pi with Monte Carlo sampling",
     &run_pi},
    {"sort", "sort <records>",
     "sorts random keys with a range partitioner and checks the order",
     &run_sort},
    {"big-results", "big-results <tasks> <bytes>",
     "returns results that cross the direct and spill limits",
     &run_big_results},
  };
  return table;
}

} // namespace ember::cli
