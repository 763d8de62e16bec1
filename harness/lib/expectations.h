// Step expectations: the `expect` object of a scenario step, checked against the action's
// output. Sections: "status" (int, compared with output /status), "json" (pointer -> value over
// output /json), "headers" (lower-case name -> value over output /headers), "output"
// (pointer -> value over the whole output). A value is compared for JSON equality unless it is
// a matcher object: {"$exists": bool} and/or {"$matches": "ECMAScript regex"} (searched).
// "failure" (a string or matcher) says the action must fail, with a message that matches; the
// runner checks it (evaluate_expect ignores it) and the other sections against the output.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace emu::harness {

// A problem found in an `expect` object at load time.
struct ExpectIssue {
  std::string pointer;  // JSON pointer of the offending element, relative to the expect object
  std::string message;  // e.g. "json: 'status' is not a JSON pointer (start it with '/')"
};

// The first problem in `expect` (unknown section, wrong type, bad pointer, unknown matcher key,
// invalid regex), or nullopt when it is well formed. Never throws.
std::optional<ExpectIssue> validate_expect(const nlohmann::json& expect);

// Checks `expect` against `output`; returns one line per unmet expectation, e.g.
// `expected /json/status = "ok", got "degraded"` or `expected /headers/etag to exist, got
// (missing)`, sections and keys in sorted order. Empty when all are met. Assumes validate_expect
// passed; malformed parts yield a line rather than an exception. Never throws.
std::vector<std::string> evaluate_expect(const nlohmann::json& expect,
                                         const nlohmann::json& output);
// Checks an expected failure (the "failure" section's value) against a failed action's
// message: "" when it matches, else one line saying what differed.
std::string evaluate_failure(const nlohmann::json& expected, const std::string& message);

}  // namespace emu::harness
