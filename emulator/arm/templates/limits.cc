// The template engine's limits: the shape of a JSON value, the work budget and the nesting
// counter (see templates/limits.h and README "Limits").

#include "emulator/arm/templates/limits.h"

#include "emulator/arm/templates/internal.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace emu::arm {

JsonShape json_shape(const nlohmann::json& value, size_t cap) {
  JsonShape shape;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&value, 0}};
  while (!todo.empty() && shape.bytes <= cap) {
    auto [v, depth] = todo.back();
    todo.pop_back();
    ++shape.nodes;
    ++shape.bytes;  // the separator before it (one too many per container: an estimate)
    switch (v->type()) {
      case nlohmann::json::value_t::object:
        shape.depth = std::max(shape.depth, depth + 1);
        shape.bytes += 2;
        for (auto it = v->begin(); it != v->end(); ++it) {
          shape.bytes += it.key().size() + 3;
          todo.emplace_back(&it.value(), depth + 1);
        }
        break;
      case nlohmann::json::value_t::array:
        shape.depth = std::max(shape.depth, depth + 1);
        shape.bytes += 2;
        for (const auto& child : *v) todo.emplace_back(&child, depth + 1);
        break;
      case nlohmann::json::value_t::string:
        shape.bytes += v->get_ref<const std::string&>().size() + 2;
        break;
      case nlohmann::json::value_t::boolean:
      case nlohmann::json::value_t::null:
        shape.bytes += 4;
        break;
      default:  // numbers
        shape.bytes += 8;
        break;
    }
  }
  return shape;
}

namespace tmpl {

Status charge(TemplateState& state, uint64_t units) {
  if (state.budget().charge(units)) return Status::Ok();
  // Emulator limit (inferred wording): ARM publishes no figure for evaluation work.
  return InvalidArgument(
      "The template evaluation exceeded the emulator's limit of " +
      std::to_string(kTemplateLimits.max_work_units) +
      " work units per deployment (about one unit per byte produced or compared); simplify the "
      "template's expressions.");
}

Status check_produced(TemplateState& state, const Json& value) {
  const TemplateLimits& limits = kTemplateLimits;
  if (value.is_primitive() && !value.is_string()) return charge(state, 1);
  JsonShape shape = json_shape(value, limits.max_value_bytes);
  if (shape.bytes > limits.max_value_bytes) {
    // Inferred wording: ARM bounds values only through the expanded-template size.
    return InvalidArgument("The template language expression produced a value larger than " +
                           std::to_string(limits.max_value_bytes) +
                           " bytes, the emulator's limit for one value.");
  }
  if (shape.depth > limits.max_json_depth) {
    return InvalidArgument(
        "The template language expression produced a value nested deeper "
        "than " +
        std::to_string(limits.max_json_depth) +
        " levels, the emulator's limit.");  // inferred wording
  }
  return charge(state, shape.bytes + shape.nodes * TemplateLimits::kUnitsPerNode);
}

DepthGuard::DepthGuard(TemplateState& state) : state_(state) {
  if (++state_.depth() > kTemplateLimits.max_eval_depth) {
    // Inferred wording: ARM publishes no nesting limit for evaluation.
    status_ = InvalidArgument("The template evaluation is nested deeper than " +
                              std::to_string(kTemplateLimits.max_eval_depth) +
                              " levels (values, expressions and variables that use variables), "
                              "the emulator's limit.");
  }
}

DepthGuard::~DepthGuard() { --state_.depth(); }

}  // namespace tmpl
}  // namespace emu::arm
