#include "testing/fault_plan.hpp"

#include <stdexcept>

namespace ember::testing {

namespace {

std::string ordinal(int n) {
  auto suffix = "th";
  if (n % 100 < 11 || n % 100 > 13) {
    if (n % 10 == 1)
      suffix = "st";
    else if (n % 10 == 2)
      suffix = "nd";
    else if (n % 10 == 3)
      suffix = "rd";
  }
  return std::to_string(n) + suffix;
}

} // namespace

std::string fault_rule::to_string() const {
  auto which = "the " + ordinal(nth) + " " + trigger.to_string();
  switch (kind) {
    case fault_kind::drop:
      return "drop " + which;
    case fault_kind::delay_steps:
      return "delay " + which + " by " + std::to_string(steps) + " steps";
    case fault_kind::delay_time:
      return "delay " + which + " by " + std::to_string(delay.count())
             + "ms";
    case fault_kind::remove_block:
      return "remove the block before " + which;
    case fault_kind::lose_executor:
      if (at_step > 0)
        return "lose executor " + executor + " at step "
               + std::to_string(at_step);
      return "lose executor " + executor + " before " + which;
  }
  return "unknown fault";
}

fault_plan& fault_plan::add(fault_rule rule) {
  if (rule.nth < 1)
    throw std::invalid_argument{"fault_plan: nth must be >= 1"};
  rules_.push_back(std::move(rule));
  return *this;
}

fault_plan& fault_plan::drop(message_pattern p, int nth) {
  fault_rule r;
  r.kind = fault_kind::drop;
  r.trigger = std::move(p);
  r.nth = nth;
  return add(std::move(r));
}

fault_plan& fault_plan::delay(message_pattern p, std::size_t steps, int nth) {
  fault_rule r;
  r.kind = fault_kind::delay_steps;
  r.trigger = std::move(p);
  r.nth = nth;
  r.steps = steps;
  return add(std::move(r));
}

fault_plan& fault_plan::delay_for(message_pattern p,
                                  std::chrono::milliseconds d, int nth) {
  fault_rule r;
  r.kind = fault_kind::delay_time;
  r.trigger = std::move(p);
  r.nth = nth;
  r.delay = d;
  return add(std::move(r));
}

fault_plan& fault_plan::remove_block_before(message_pattern p, int nth) {
  fault_rule r;
  r.kind = fault_kind::remove_block;
  r.trigger = std::move(p);
  r.nth = nth;
  return add(std::move(r));
}

fault_plan& fault_plan::lose_executor_before(executor_id id,
                                             message_pattern p, int nth) {
  fault_rule r;
  r.kind = fault_kind::lose_executor;
  r.trigger = std::move(p);
  r.nth = nth;
  r.executor = std::move(id);
  return add(std::move(r));
}

fault_plan& fault_plan::lose_executor_at_step(executor_id id,
                                              std::size_t step) {
  if (step == 0)
    throw std::invalid_argument{"fault_plan: step must be >= 1"};
  fault_rule r;
  r.kind = fault_kind::lose_executor;
  r.executor = std::move(id);
  r.at_step = step;
  return add(std::move(r));
}

const fault_rule* fault_plan::on_message(const message_event& ev) {
  const fault_rule* result = nullptr;
  for (auto& r : rules_) {
    if (r.fired || r.at_step > 0 || !r.trigger.matches(ev))
      continue;
    if (++r.seen >= r.nth && result == nullptr) {
      r.fired = true;
      result = &r;
    }
  }
  return result;
}

std::vector<const fault_rule*> fault_plan::on_step(std::size_t steps) {
  std::vector<const fault_rule*> out;
  for (auto& r : rules_)
    if (!r.fired && r.at_step > 0 && steps >= r.at_step) {
      r.fired = true;
      out.push_back(&r);
    }
  return out;
}

std::size_t fault_plan::pending() const noexcept {
  std::size_t n = 0;
  for (auto& r : rules_)
    n += r.fired ? 0 : 1;
  return n;
}

} // namespace ember::testing
