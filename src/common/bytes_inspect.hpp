#pragma once
// CAF inspection of ember::bytes, so that bytes can be a member of a
// message that crosses processes. Inside one process CAF moves messages
// without serialising them, and `bytes` is shared, not copied.

#include "common/bytes.hpp"

#include <caf/detail/stringification_inspector.hpp>
#include <caf/error.hpp>
#include <caf/none.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>

#include <string>
#include <type_traits>

namespace ember {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bytes& x) {
  if constexpr (std::is_same_v<Inspector,
                               caf::detail::stringification_inspector>) {
    // Printing (logs, traces): the size, never the content.
    auto desc = std::to_string(x.size()) + " bytes";
    return f(caf::meta::type_name("ember_bytes"), desc);
  } else if constexpr (Inspector::reads_state) {
    // Saving: the serializer reads the bytes.
    auto tmp = x.to_string();
    return f(caf::meta::type_name("ember_bytes"), tmp);
  } else {
    std::string tmp;
    auto on_load = caf::meta::load_callback([&]() -> caf::error {
      x = bytes{std::move(tmp)};
      return caf::none;
    });
    return f(caf::meta::type_name("ember_bytes"), tmp, on_load);
  }
}

} // namespace ember
