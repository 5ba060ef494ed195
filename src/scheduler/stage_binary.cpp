#include "scheduler/stage_binary.hpp"

#include "common/serialization.hpp"

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

namespace ember {

const std::vector<map_status>*
stage_binary::outputs_of(shuffle_id shuffle) const {
  for (auto& [id, statuses] : map_outputs)
    if (id == shuffle)
      return &statuses;
  return nullptr;
}

std::string encode_stage_binary(const stage_binary& x) {
  std::string out(1, stage_binary_tag);
  encode_into(out, x);
  return out;
}

stage_binary decode_stage_binary(std::string_view binary) {
  if (!is_stage_binary(binary))
    throw decode_error("not a stage binary");
  return decode<stage_binary>(binary.substr(1));
}

bool is_stage_binary(std::string_view binary) noexcept {
  return !binary.empty() && binary[0] == stage_binary_tag;
}

std::string encode_partition_inputs(const lineage& g, int node, int p) {
  partition_inputs inputs;
  for (auto [id, q] : source_reads(g, node, p)) {
    auto& n = g.at(id);
    std::string data;
    if (static_cast<std::size_t>(q) < n.partition_data.size())
      data = n.partition_data[q].to_string();
    inputs.push_back(partition_input{id, q, std::move(data)});
  }
  return encode(inputs);
}

partition_inputs decode_partition_inputs(std::string_view data) {
  if (data.empty())
    return {};
  return decode<partition_inputs>(data);
}

} // namespace ember
