// Must not compile: an element type cereal cannot serialise cannot travel
// between driver and executors. With -DEMBER_FIXED the type has a
// serialize function, and the file compiles.

#include "api/context.hpp"

struct point {
  std::int64_t x = 0;
  std::int64_t y = 0;
#ifdef EMBER_FIXED
  template <class Archive>
  void serialize(Archive& ar) {
    ar(x, y);
  }
#endif
};

int main() {
  ember::context ctx;
  auto points = ctx.range(0, 10).map([](const std::int64_t& i) {
    return point{i, -i};
  });
  return points.count() == 10 ? 0 : 1;
}
