// Must not compile: a lambda with captures cannot be shipped to executors
// (its state would not travel). With -DEMBER_FIXED the state goes in as an
// explicit argument instead, and the file compiles.

#include "api/context.hpp"

int main() {
  ember::context ctx;
  auto xs = ctx.range(0, 10);
  std::int64_t k = 3;
#ifndef EMBER_FIXED
  auto ys = xs.map([k](const std::int64_t& x) { return x * k; });
#else
  auto ys = xs.map([](const std::int64_t& x, const std::int64_t& k) {
    return x * k;
  }, k);
#endif
  return ys.count() == 10 ? 0 : 1;
}
