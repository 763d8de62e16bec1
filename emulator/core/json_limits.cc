#include "emulator/core/json_limits.h"

#include <string>
#include <utility>
#include <vector>

namespace emu {

size_t json_depth_violation(std::string_view text, int max_depth, JsonSyntax syntax) {
  const bool comments = syntax == JsonSyntax::kWithComments;
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!in_string && comments && c == '/' && i + 1 < text.size()) {
      if (text[i + 1] == '/') {
        i = text.find('\n', i + 2);
        if (i == std::string_view::npos) break;
        continue;
      }
      if (text[i + 1] == '*') {
        i = text.find("*/", i + 2);
        if (i == std::string_view::npos) break;
        ++i;
        continue;
      }
    }
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > max_depth) return i;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return std::string_view::npos;
}

Result<nlohmann::json> parse_json_limited(std::string_view text, const JsonLimits& limits) {
  return parse_json_limited(text, limits, JsonSyntax::kStrict);
}

Result<nlohmann::json> parse_json_limited(std::string_view text, const JsonLimits& limits,
                                          JsonSyntax syntax) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted("JSON document is " + std::to_string(text.size()) +
                             " bytes; the limit is " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (size_t at = json_depth_violation(text, limits.max_depth, syntax);
      at != std::string_view::npos) {
    return ResourceExhausted("JSON nesting deeper than " + std::to_string(limits.max_depth) +
                             " levels at byte " + std::to_string(at));
  }
  try {
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/syntax == JsonSyntax::kWithComments);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgument("malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    // out_of_range 406 ("number overflow parsing '1e999999'") and the like.
    return InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
}

int json_depth(const nlohmann::json& value) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo{{&value, 0}};
  while (!todo.empty()) {
    auto [v, d] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) continue;
    deepest = std::max(deepest, d + 1);
    for (const auto& child : *v) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

}  // namespace emu
