// A join of two datasets: orders with their customers' names, and the
// customers without orders (left outer join).

#include "api/context.hpp"

#include <cereal/types/optional.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

int main() {
  ember::context ctx;
  using customer = std::pair<std::int64_t, std::string>;
  using order = std::pair<std::int64_t, std::int64_t>; // customer id, cents
  auto customers = ctx.parallelize(std::vector<customer>{
    {1, "Ada"}, {2, "Brendan"}, {3, "Chiara"}, {4, "Dmitri"}});
  auto orders = ctx.parallelize(std::vector<order>{
    {1, 1250}, {3, 990}, {1, 400}, {3, 15000}, {2, 75}});
  auto totals = orders.reduce_by_key(std::plus<std::int64_t>{});
  auto joined = customers.left_outer_join(totals).collect();
  std::sort(joined.begin(), joined.end());
  int missing = 0;
  for (auto& [id, row] : joined) {
    auto& [name, cents] = row;
    if (cents)
      std::printf("%-8s %8.2f\n", name.c_str(), double(*cents) / 100);
    else {
      std::printf("%-8s   (no orders)\n", name.c_str());
      ++missing;
    }
  }
  return joined.size() == 4 && missing == 1 ? 0 : 1;
}
