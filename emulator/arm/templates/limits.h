// The bounds on what a template deployment may ask of the emulator: ARM's published template
// limits (learn.microsoft.com "ARM template best practices" > "Template limits", README Sources
// [S9]) and the emulator's own bounds on evaluation (nesting, value size, work), so that no
// request body can overflow the stack or hold the lab's I/O thread for long. The README's
// "Limits" table lists each with the error it gives.
#pragma once

#include "emulator/core/json_limits.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>

namespace emu::arm {

struct TemplateLimits {
  // --- ARM's published limits ---
  size_t max_request_bytes = 4 * 1024 * 1024;  // a request body (RequestContentTooLarge)
  size_t max_parameters = 256;
  size_t max_variables = 512;
  size_t max_resources = 800;  // nested child resources included
  size_t max_outputs = 64;
  size_t max_expression_chars = 24576;  // one "[...]" expression, in characters
  // "The template can't exceed 4 MB, and each resource definition can't exceed 1 MB" after
  // expansion, with the resolved values of parameters and variables.
  size_t max_expanded_bytes = 4 * 1024 * 1024;
  size_t max_resource_bytes = 1024 * 1024;

  // --- The emulator's own bounds (inferred; ARM publishes none) ---
  // Nested arrays + objects of a request body and of any value an expression produces (the
  // default MaxDepth of Json.NET, which ARM's front door is built on).
  int max_json_depth = 64;
  int max_expression_depth = 64;  // calls/indexes nested in one expression
  // Nested evaluation steps at any moment: one per nested JSON container being evaluated, per
  // nested expression node and per variable/parameter whose evaluation needs another one.
  int max_eval_depth = 512;
  size_t max_value_bytes = 4 * 1024 * 1024;  // any one value an expression produces (JSON size)
  // Evaluation work per deployment, in units of about one byte produced or copied; a JSON node
  // made or two values compared count kUnitsPerNode. About three times what the largest
  // template ARM accepts (4 MB, 800 resources) costs; see README "Limits" for timings.
  uint64_t max_work_units = 16 * 1024 * 1024;
  static constexpr uint64_t kUnitsPerNode = 32;
};

inline constexpr TemplateLimits kTemplateLimits{};

// The JSON limits of an ARM request body.
inline constexpr JsonLimits kArmJsonLimits{kTemplateLimits.max_request_bytes,
                                           kTemplateLimits.max_json_depth};

// The evaluation work left to one deployment: shared by its expansion, the late evaluation of
// resource bodies that call reference() and its outputs. Not thread-safe.
class EvalBudget {
 public:
  explicit EvalBudget(uint64_t units = kTemplateLimits.max_work_units) : left_(units) {}
  // Spends `units`; false (and nothing left) once the budget is exhausted.
  bool charge(uint64_t units) {
    if (units > left_) {
      left_ = 0;
      exhausted_ = true;
      return false;
    }
    left_ -= units;
    return true;
  }
  bool exhausted() const { return exhausted_; }
  uint64_t left() const { return left_; }

 private:
  uint64_t left_;
  bool exhausted_ = false;
};

// The shape of a JSON value: its compact serialized size (string escapes not counted), its
// node count and its depth (nested arrays + objects; a scalar is 0). Iterative; stops walking
// once `bytes` passes `cap` (then bytes > cap and the other figures are partial).
struct JsonShape {
  size_t bytes = 0;
  size_t nodes = 0;
  int depth = 0;
};
JsonShape json_shape(const nlohmann::json& value, size_t cap = SIZE_MAX);

}  // namespace emu::arm
