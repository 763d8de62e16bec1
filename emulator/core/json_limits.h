// Bounded JSON parsing: every JSON document that enters the lab from outside (request bodies,
// scenario and lab files, templates) is read through parse_json_limited, never through
// nlohmann::json::parse directly. Nesting depth is checked on the bytes before the library
// builds anything, so a 20,000-deep array costs one linear scan and an error, not a stack.
// Pure functions: thread-safe, never throw except std::bad_alloc.
#pragma once

#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace emu {

struct JsonLimits {
  size_t max_bytes = 4 * 1024 * 1024;  // whole document
  int max_depth = 64;                  // nested arrays + objects; a scalar is depth 0
};

// The limits every JSON request body gets unless its party documents others.
inline constexpr JsonLimits kDefaultJsonLimits{};

// Strict JSON (RFC 8259), no comments. Errors:
//   ResourceExhausted "JSON document is N bytes; the limit is M bytes"
//   ResourceExhausted "JSON nesting deeper than M levels at byte B"
//   InvalidArgument   "malformed JSON at byte B: <parser's reason>" — also for numbers out of
//                     range of a double (e.g. 1e999999), which are malformed input, not a fault.
Result<nlohmann::json> parse_json_limited(std::string_view text,
                                          const JsonLimits& limits = kDefaultJsonLimits);

// Whether // and /* */ comments are allowed (scenario and lab files are JSON with comments).
enum class JsonSyntax { kStrict, kWithComments };

// Strict JSON, or JSON with comments for kWithComments; otherwise as above.
Result<nlohmann::json> parse_json_limited(std::string_view text, const JsonLimits& limits,
                                          JsonSyntax syntax);

// The byte offset where the nesting of `text` first exceeds `max_depth`, or npos. Brackets
// inside string literals (and, with kWithComments, inside comments) do not count; the text
// need not be valid JSON.
size_t json_depth_violation(std::string_view text, int max_depth,
                            JsonSyntax syntax = JsonSyntax::kStrict);

// Depth of an already-built document (iterative; safe on any value).
int json_depth(const nlohmann::json& value);

}  // namespace emu
