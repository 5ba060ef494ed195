// Word count with the Dataset API: the ten most frequent words of a text.
//
//   build/examples/wordcount data/sample.txt

#include "api/context.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wordcount FILE...\n");
    return 2;
  }
  ember::context ctx;
  auto lines = ctx.text_file(argv[1]);
  auto counts
    = lines
        .flat_map([](const std::string& line) {
          std::vector<std::string> words;
          std::string w;
          for (char c : line + " ") {
            if (std::isalpha(static_cast<unsigned char>(c))) {
              w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            } else if (!w.empty()) {
              words.push_back(w);
              w.clear();
            }
          }
          return words;
        })
        .map([](const std::string& w) {
          return std::pair<std::string, std::int64_t>{w, 1};
        })
        .reduce_by_key(std::plus<std::int64_t>{})
        .collect();
  std::sort(counts.begin(), counts.end(), [](auto& a, auto& b) {
    return a.second > b.second || (a.second == b.second && a.first < b.first);
  });
  for (std::size_t i = 0; i < counts.size() && i < 10; ++i)
    std::printf("%6lld %s\n", static_cast<long long>(counts[i].second),
                counts[i].first.c_str());
  return counts.empty() ? 1 : 0;
}
