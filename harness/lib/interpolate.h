// "${...}" references in scenario step args and expectations, resolved at run time from the
// outputs of earlier steps and from the scenario's lab section:
//   ${steps.<id>}               the whole output of step <id>
//   ${steps.<id>.<key>.<n>...}  a member of it (object keys or array indexes, dot-separated)
//   ${lab.<key>...}             a value of the scenario's "lab" section
// A string that is exactly one reference becomes the referenced value (any JSON type); a
// reference inside a longer string is replaced by the value's text (strings verbatim, other
// values as compact JSON). "$${" stands for a literal "${".
#pragma once

#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace emu::harness {

struct Reference {
  std::string text;               // as written, e.g. "${steps.bulk-token.token}"
  std::string root;               // "steps" or "lab"
  std::vector<std::string> path;  // after the root; for "steps", path[0] is the step id
};

// Every reference in `s`, in order. InvalidArgument for a malformed one (unterminated, empty
// segment, unknown root, "steps" without an id).
Result<std::vector<Reference>> parse_references(std::string_view s);

// Every reference in the strings of `value` (recursively; object keys are not scanned).
Result<std::vector<Reference>> collect_references(const nlohmann::json& value);

// The value a reference names: `steps` maps step id -> output, `lab` is the lab section.
// NotFound naming the reference and the first missing segment.
Result<nlohmann::json> resolve_reference(const Reference& ref, const nlohmann::json& steps,
                                         const nlohmann::json& lab);

// A copy of `value` with every reference in its strings resolved. The first failure is
// returned (InvalidArgument for syntax, NotFound for a missing value). Never throws.
Result<nlohmann::json> interpolate(const nlohmann::json& value, const nlohmann::json& steps,
                                   const nlohmann::json& lab);

}  // namespace emu::harness
