#include "scheduler/task_result.hpp"

#include "common/serialization.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstring>

namespace ember {

namespace {

constexpr std::size_t header_size = 1 + sizeof(std::uint64_t);

} // namespace

direct_result_writer::direct_result_writer() {
  buf_.resize(header_size);
  buf_[0] = direct_result_tag;
}

std::string
direct_result_writer::finish(const std::vector<accumulator_update>& updates,
                             const task_metrics& metrics) && {
  std::uint64_t value_size = buf_.size() - header_size;
  std::memcpy(buf_.data() + 1, &value_size, sizeof(value_size));
  encode_into(buf_, updates, metrics);
  return std::move(buf_);
}

std::string encode_indirect_result(const indirect_task_result& x) {
  std::string out(1, indirect_result_tag);
  encode_into(out, x);
  return out;
}

std::optional<char> result_kind(const bytes& payload) noexcept {
  if (payload.empty())
    return std::nullopt;
  auto tag = payload.data()[0];
  if (tag == direct_result_tag || tag == indirect_result_tag)
    return tag;
  return std::nullopt;
}

direct_task_result decode_direct_result(const bytes& payload) {
  if (payload.size() < header_size || payload.data()[0] != direct_result_tag)
    throw decode_error("not a direct task result");
  std::uint64_t value_size = 0;
  std::memcpy(&value_size, payload.data() + 1, sizeof(value_size));
  if (value_size > payload.size() - header_size)
    throw decode_error("direct task result: value size exceeds payload");
  direct_task_result result;
  result.value = payload.slice(header_size, value_size);
  auto trailer = payload.view().substr(header_size + value_size);
  // cereal allocates as many updates as the trailer claims before reading
  // them: check the count against the bytes present.
  static const std::size_t update_size = encode(accumulator_update{}).size();
  std::uint64_t count = 0;
  if (trailer.size() >= sizeof(count)) {
    std::memcpy(&count, trailer.data(), sizeof(count));
    if (count > (trailer.size() - sizeof(count)) / update_size)
      throw decode_error("direct task result: implausible number of "
                         "accumulator updates");
  }
  decode_into(trailer, result.accum_updates, result.metrics);
  return result;
}

indirect_task_result decode_indirect_result(const bytes& payload) {
  if (payload.empty() || payload.data()[0] != indirect_result_tag)
    throw decode_error("not an indirect task result");
  return decode<indirect_task_result>(payload.view().substr(1));
}

std::string task_result_block_id(std::int64_t tid) {
  return "taskresult_" + std::to_string(tid);
}

} // namespace ember
