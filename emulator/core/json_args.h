// Strict reading of JSON arguments (a scenario's lab section, action arguments, admin request
// bodies): every key must be known and every value of its type. Errors are InvalidArgument
// naming the JSON path of the offending value, e.g.
//   "lab.subscription.nmae: unknown key; did you mean 'name'?"
//   "lab.tenant.users[1].upn: must be a string"
// Pure functions: thread-safe, never throw except std::bad_alloc.
#pragma once

#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

// "lab.site" + "roles" -> "lab.site.roles"; an empty path gives the key alone.
std::string json_key_path(std::string_view path, std::string_view key);
// "lab.tenant.users" + 1 -> "lab.tenant.users[1]".
std::string json_index_path(std::string_view path, size_t index);

// "; did you mean '<k>'?" when a name in `known` is a likely typo of `name` (nearest_name in
// core/actions.h), else "". For messages of any shape ("unknown setting", "unknown operation").
std::string did_you_mean(std::string_view name, const std::vector<std::string>& known);

// "unknown key" + did_you_mean(key, known).
std::string unknown_key_message(std::string_view key, const std::vector<std::string>& known);

// OK when `obj` is an object whose keys are all in `known`. Otherwise InvalidArgument
// "<path>: must be an object" or "<path>.<key>: unknown key[; did you mean '<k>'?]" for the
// first unknown key in document order.
Status check_json_keys(const nlohmann::json& obj, std::string_view path,
                       const std::vector<std::string>& known);

// Typed members of `obj`. A member that is absent (or null) gives std::nullopt, or
// "<path>.<key>: required" from the required_ forms; a member of the wrong type gives
// "<path>.<key>: must be a string" / "must be true or false" / "must be an integer".
Result<std::optional<std::string>> optional_json_string(const nlohmann::json& obj,
                                                        std::string_view key,
                                                        std::string_view path);
Result<std::string> required_json_string(const nlohmann::json& obj, std::string_view key,
                                         std::string_view path);
Result<std::optional<bool>> optional_json_bool(const nlohmann::json& obj, std::string_view key,
                                               std::string_view path);
Result<std::optional<int64_t>> optional_json_int(const nlohmann::json& obj, std::string_view key,
                                                 std::string_view path);

}  // namespace emu
