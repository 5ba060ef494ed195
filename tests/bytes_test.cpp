// Tests of ember::bytes: the no-copy rule (copies and slices share the
// storage), clamping of slices, equality by content, and the empty buffer.

#include "common/bytes.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ember;

TEST_CASE("a default bytes is empty") {
  bytes x;
  CHECK(x.empty());
  CHECK(x.size() == 0);
  CHECK(x.data() == nullptr);
  CHECK(x.view().empty());
  CHECK(x.to_string().empty());
  CHECK(x.storage_id() == nullptr);
  CHECK(x.use_count() == 0);
  // Slicing nothing yields nothing.
  auto s = x.slice(0, 10);
  CHECK(s.empty());
  CHECK(s.data() == nullptr);
  CHECK(x.slice(5, 5).empty());
}

TEST_CASE("constructing from a string takes its buffer without copying") {
  std::string buf(1000, 'x');
  buf[0] = 'a';
  const char* address = buf.data();
  bytes x{std::move(buf)};
  CHECK(x.size() == 1000);
  CHECK_FALSE(x.empty());
  CHECK(x.data()[0] == 'a');
  // A long string's heap buffer moves with it.
  CHECK(x.data() == address);
  CHECK(x.use_count() == 1);
}

TEST_CASE("copy_of copies the content") {
  std::string src = "hello";
  auto x = bytes::copy_of(src);
  src[0] = 'j';
  CHECK(x.view() == "hello");
  CHECK(x.data() != src.data());
}

TEST_CASE("copies share the storage") {
  bytes x{std::string(100, 'z')};
  bytes y = x;
  CHECK(y.storage_id() == x.storage_id());
  CHECK(y.data() == x.data());
  CHECK(x.use_count() == 2);
  bytes z;
  z = y;
  CHECK(z.storage_id() == x.storage_id());
  CHECK(x.use_count() == 3);
  // Moving hands the storage over without adding a sharer.
  bytes w = std::move(z);
  CHECK(w.storage_id() == x.storage_id());
  CHECK(x.use_count() == 3);
}

TEST_CASE("slices share the storage of their parent") {
  bytes x{std::string{"0123456789"}};
  auto s = x.slice(2, 5);
  CHECK(s.view() == "23456");
  CHECK(s.size() == 5);
  CHECK(s.storage_id() == x.storage_id());
  CHECK(s.data() == x.data() + 2);
  CHECK(x.use_count() == 2);

  SUBCASE("a slice of a slice is relative to the slice") {
    auto t = s.slice(1, 2);
    CHECK(t.view() == "34");
    CHECK(t.data() == x.data() + 3);
    CHECK(t.storage_id() == x.storage_id());
  }
  SUBCASE("the storage outlives the parent") {
    const void* id = x.storage_id();
    x = bytes{};
    CHECK(s.view() == "23456");
    CHECK(s.storage_id() == id);
    CHECK(s.use_count() == 1);
  }
}

TEST_CASE("slices clamp to the end") {
  bytes x{std::string{"0123456789"}};
  CHECK(x.slice(0, 100).view() == "0123456789");
  CHECK(x.slice(7, 100).view() == "789");
  CHECK(x.slice(7, std::string::npos).view() == "789");
  CHECK(x.slice(10, 1).empty());
  auto past = x.slice(50, 5);
  CHECK(past.empty());
  CHECK(past.size() == 0);
  CHECK(x.slice(3, 0).empty());
  // Clamping is relative to the slice, not to the whole storage.
  auto s = x.slice(2, 3); // "234"
  CHECK(s.slice(1, 100).view() == "34");
  CHECK(s.slice(5, 1).empty());
  CHECK(s.slice(5, 1).view() == "");
}

TEST_CASE("equality compares content, not storage") {
  bytes x{std::string{"abcabc"}};
  bytes y{std::string{"abc"}};
  CHECK(x.slice(0, 3) == x.slice(3, 3));
  CHECK(x.slice(0, 3) == y);
  CHECK(x.slice(0, 3).storage_id() != y.storage_id());
  CHECK_FALSE(x == y);
  CHECK_FALSE(x.slice(0, 2) == y);
  CHECK(x != y);
  CHECK(bytes{} == bytes{std::string{}});
  CHECK(bytes{} == x.slice(6, 1));
  CHECK_FALSE(bytes{} == y);
}

TEST_CASE("to_string returns the viewed range only") {
  bytes x{std::string{"prefix:payload:suffix"}};
  auto s = x.slice(7, 7);
  CHECK(s.to_string() == "payload");
  CHECK(s.view() == "payload");
}

TEST_CASE("binary content survives, including zero bytes") {
  std::string raw{"a\0b\0c", 5};
  bytes x{raw};
  CHECK(x.size() == 5);
  CHECK(x.view() == std::string_view{raw});
  CHECK(x.slice(1, 3).to_string() == std::string{"\0b\0", 3});
}
