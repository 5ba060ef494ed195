#include "testing/test_jobs.hpp"

#include "api/task_registry.hpp"
#include "common/serialization.hpp"

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <stdexcept>

namespace ember::testing {

namespace {

char sized_byte(std::size_t i, int partition, int salt) {
  return static_cast<char>((i * 31 + static_cast<std::size_t>(partition)
                            + static_cast<std::size_t>(salt))
                           & 0xff);
}

std::vector<char> sized_task(task_context& ctx, const int& salt,
                             const std::int64_t& size) {
  std::vector<char> out(static_cast<std::size_t>(size));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = sized_byte(i, ctx.partition(), salt);
  return out;
}

std::int64_t value_task(task_context& ctx, const std::int64_t& factor) {
  ctx.add_to_accumulator(7, 1);
  return ctx.partition() * factor;
}

struct throw_args {
  std::string message;
  std::int32_t failing_attempts = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(message, failing_attempts);
  }
};

std::int64_t throw_task(task_context& ctx, const throw_args& args) {
  if (ctx.attempt() < args.failing_attempts)
    throw std::runtime_error(args.message);
  return ctx.partition();
}

} // namespace

EMBER_TASK(ember_test_sized, &sized_task);
EMBER_TASK(ember_test_value, &value_task);
EMBER_TASK(ember_test_throw, &throw_task);

job_spec sized_job(std::vector<std::int64_t> sizes, int salt) {
  job_spec spec;
  spec.name = "sized";
  spec.function = "ember_test_sized";
  spec.args = encode(salt);
  spec.num_partitions = static_cast<int>(sizes.size());
  for (auto s : sizes)
    spec.partition_inputs.emplace_back(encode(s));
  return spec;
}

bool sized_result_ok(const bytes& value, int partition, std::int64_t size,
                     int salt) {
  auto v = decode<std::vector<char>>(value.view());
  if (v.size() != static_cast<std::size_t>(size))
    return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] != sized_byte(i, partition, salt))
      return false;
  return true;
}

job_spec value_job(int partitions, std::int64_t factor) {
  job_spec spec;
  spec.name = "value";
  spec.function = "ember_test_value";
  spec.args = encode(factor);
  spec.num_partitions = partitions;
  return spec;
}

job_spec throwing_job(int partitions, std::string message,
                      int failing_attempts) {
  job_spec spec;
  spec.name = "throwing";
  spec.function = "ember_test_throw";
  spec.args = encode(throw_args{std::move(message), failing_attempts});
  spec.num_partitions = partitions;
  return spec;
}

std::vector<std::int64_t> int_values(const job_result& res) {
  std::vector<std::int64_t> out;
  for (auto& v : res.values)
    out.push_back(decode<std::int64_t>(v.view()));
  return out;
}

} // namespace ember::testing
