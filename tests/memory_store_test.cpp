#include "storage/memory_store.hpp"

#include <doctest/doctest.h>

using ember::bytes;
using ember::memory_store;

TEST_CASE("memory_store: put, get, contains and remove a block") {
  memory_store store{100};
  CHECK(store.put("rdd_0_0", bytes{std::string{"hello"}}));
  CHECK(store.contains("rdd_0_0"));
  CHECK(store.size() == 1);
  CHECK(store.used() == 5);
  auto got = store.get("rdd_0_0");
  REQUIRE(got);
  CHECK(got->view() == "hello");
  CHECK(store.remove("rdd_0_0"));
  CHECK_FALSE(store.contains("rdd_0_0"));
  CHECK_FALSE(store.get("rdd_0_0"));
  CHECK(store.used() == 0);
  CHECK(store.size() == 0);
}

TEST_CASE("memory_store: get of a missing block is nullopt") {
  memory_store store{100};
  CHECK_FALSE(store.get("nope"));
  CHECK_FALSE(store.contains("nope"));
}

TEST_CASE("memory_store: remove of a missing block returns false") {
  memory_store store{100};
  CHECK(store.put("a", bytes{std::string{"x"}}));
  CHECK_FALSE(store.remove("b"));
  CHECK(store.used() == 1);
}

TEST_CASE("memory_store: get shares the stored storage, no copy") {
  memory_store store{1000};
  bytes data{std::string(500, 'z')};
  auto id = data.storage_id();
  CHECK(store.put("b", data));
  auto got = store.get("b");
  REQUIRE(got);
  CHECK(got->storage_id() == id);
  CHECK(got->data() == data.data());
}

TEST_CASE("memory_store: a block that exceeds the limit is not stored") {
  memory_store store{10};
  CHECK(store.put("a", bytes{std::string(6, 'a')}));
  CHECK_FALSE(store.put("b", bytes{std::string(5, 'b')}));
  CHECK_FALSE(store.contains("b"));
  CHECK(store.used() == 6);
  CHECK(store.size() == 1);
  CHECK(store.get("a")->view() == "aaaaaa");
}

TEST_CASE("memory_store: a block that exactly fills the limit is stored") {
  memory_store store{10};
  CHECK(store.put("a", bytes{std::string(4, 'a')}));
  CHECK(store.put("b", bytes{std::string(6, 'b')}));
  CHECK(store.used() == 10);
  CHECK(store.free() == 0);
  CHECK_FALSE(store.put("c", bytes{std::string(1, 'c')}));
}

TEST_CASE("memory_store: a block larger than the whole limit is rejected") {
  memory_store store{10};
  CHECK_FALSE(store.put("big", bytes{std::string(11, 'x')}));
  CHECK(store.used() == 0);
  CHECK(store.size() == 0);
}

TEST_CASE("memory_store: overwriting replaces the block and its size") {
  memory_store store{10};
  CHECK(store.put("a", bytes{std::string(8, 'a')}));
  // 8 + 9 > 10, but the old block's 8 bytes are freed by the replacement.
  CHECK(store.put("a", bytes{std::string(9, 'A')}));
  CHECK(store.used() == 9);
  CHECK(store.size() == 1);
  CHECK(store.get("a")->view() == std::string(9, 'A'));
}

TEST_CASE("memory_store: an overwrite that does not fit keeps the old block") {
  memory_store store{10};
  CHECK(store.put("a", bytes{std::string(3, 'a')}));
  CHECK(store.put("b", bytes{std::string(5, 'b')}));
  CHECK_FALSE(store.put("a", bytes{std::string(6, 'A')}));
  CHECK(store.get("a")->view() == "aaa");
  CHECK(store.used() == 8);
}

TEST_CASE("memory_store: a slice counts with its own size") {
  memory_store store{10};
  bytes big{std::string(100, 'x')};
  CHECK(store.put("s", big.slice(10, 5)));
  CHECK(store.used() == 5);
  CHECK(store.get("s")->storage_id() == big.storage_id());
}

TEST_CASE("memory_store: a negative limit counts as zero") {
  memory_store store{-5};
  CHECK(store.limit() == 0);
  CHECK_FALSE(store.put("a", bytes{std::string{"x"}}));
  CHECK(store.put("empty", bytes{}));
  CHECK(store.contains("empty"));
}

TEST_CASE("memory_store: clear removes everything") {
  memory_store store{100};
  CHECK(store.put("a", bytes{std::string{"1"}}));
  CHECK(store.put("b", bytes{std::string{"22"}}));
  store.clear();
  CHECK(store.size() == 0);
  CHECK(store.used() == 0);
  CHECK_FALSE(store.contains("a"));
}
