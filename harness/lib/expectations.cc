#include "harness/lib/expectations.h"

#include "emulator/core/http/message.h"
#include "harness/lib/json_locator.h"

#include <regex>

namespace emu::harness {
namespace {

using nlohmann::json;

constexpr size_t kMaxShown = 200;

std::string show(const json* value) {
  if (value == nullptr) return "(missing)";
  std::string s = value->dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxShown) s = s.substr(0, kMaxShown) + "...";
  return s;
}

bool is_matcher(const json& v) {
  if (!v.is_object() || v.empty()) return false;
  for (const auto& [key, ignored] : v.items())
    if (key.empty() || key[0] != '$') return false;
  return true;
}

bool valid_pointer(const std::string& p) {
  try {
    json::json_pointer ptr(p);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

const json* lookup(const json& doc, const std::string& pointer) {
  try {
    json::json_pointer ptr(pointer);
    if (!doc.contains(ptr)) return nullptr;
    return &doc.at(ptr);
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::optional<ExpectIssue> validate_matcher(const json& v, const std::string& where) {
  for (const auto& [key, arg] : v.items()) {
    std::string at = where + "/" + JsonLocator::escape_token(key);
    if (key == "$exists") {
      if (!arg.is_boolean()) return ExpectIssue{at, "$exists: must be true or false"};
    } else if (key == "$matches") {
      if (!arg.is_string()) return ExpectIssue{at, "$matches: must be a regex string"};
      try {
        std::regex re(arg.get<std::string>());
      } catch (const std::regex_error& e) {
        return ExpectIssue{at, "$matches: invalid regex '" + arg.get<std::string>() + "'"};
      }
    } else {
      return ExpectIssue{at, "unknown matcher '" + key + "' (use $exists or $matches)"};
    }
  }
  return std::nullopt;
}

std::optional<ExpectIssue> validate_map(const json& section, const std::string& name,
                                        bool pointers) {
  if (!section.is_object()) return ExpectIssue{"/" + name, name + ": must be an object"};
  for (const auto& [key, value] : section.items()) {
    std::string at = "/" + name + "/" + JsonLocator::escape_token(key);
    if (pointers && !valid_pointer(key))
      return ExpectIssue{at, name + ": '" + key + "' is not a JSON pointer (start it with '/')"};
    if (is_matcher(value)) {
      if (auto issue = validate_matcher(value, at)) {
        issue->message = name + ": " + issue->message;
        return issue;
      }
    } else if (!pointers && !value.is_string()) {
      return ExpectIssue{at, name + ": value of '" + key + "' must be a string or a matcher"};
    }
  }
  return std::nullopt;
}

void check(const json& output, const std::string& pointer, const json& expected,
           std::vector<std::string>& failures) {
  const json* actual = lookup(output, pointer);
  if (!is_matcher(expected)) {
    if (actual == nullptr || *actual != expected)
      failures.push_back("expected " + pointer + " = " + show(&expected) + ", got " + show(actual));
    return;
  }
  for (const auto& [key, arg] : expected.items()) {
    if (key == "$exists" && arg.is_boolean()) {
      bool want = arg.get<bool>();
      if (want && actual == nullptr)
        failures.push_back("expected " + pointer + " to exist, got (missing)");
      if (!want && actual != nullptr)
        failures.push_back("expected " + pointer + " to be absent, got " + show(actual));
    } else if (key == "$matches" && arg.is_string()) {
      bool ok = false;
      if (actual != nullptr && actual->is_string()) {
        try {
          ok = std::regex_search(actual->get<std::string>(), std::regex(arg.get<std::string>()));
        } catch (const std::regex_error&) {
          ok = false;
        }
      }
      if (!ok)
        failures.push_back("expected " + pointer + " to match " + show(&arg) + ", got " +
                           show(actual));
    } else {
      failures.push_back("expected " + pointer + ": unsupported matcher " + key);
    }
  }
}

}  // namespace

std::optional<ExpectIssue> validate_expect(const json& expect) {
  if (!expect.is_object()) return ExpectIssue{"", "must be an object"};
  for (const auto& [key, value] : expect.items()) {
    std::optional<ExpectIssue> issue;
    if (key == "status") {
      if (!value.is_number_integer()) issue = ExpectIssue{"/status", "status: must be an integer"};
    } else if (key == "json" || key == "output") {
      issue = validate_map(value, key, true);
    } else if (key == "headers") {
      issue = validate_map(value, key, false);
    } else if (key == "failure") {
      if (!value.is_string() && !is_matcher(value))
        issue = ExpectIssue{"/failure", "failure: must be a string or a matcher"};
      else if (is_matcher(value))
        issue = validate_matcher(value, "/failure");
    } else {
      issue =
          ExpectIssue{"/" + JsonLocator::escape_token(key),
                      "unknown section '" + key + "' (use status, json, headers, output, failure)"};
    }
    if (issue) return issue;
  }
  return std::nullopt;
}

std::vector<std::string> evaluate_expect(const json& expect, const json& output) {
  std::vector<std::string> failures;
  if (!expect.is_object()) return {"expect: must be an object"};
  for (const auto& [key, value] : expect.items()) {
    if (key == "status") {
      check(output, "/status", value, failures);
    } else if ((key == "json" || key == "output") && value.is_object()) {
      const std::string base = key == "json" ? "/json" : "";
      for (const auto& [pointer, expected] : value.items())
        check(output, base + pointer, expected, failures);
    } else if (key == "headers" && value.is_object()) {
      for (const auto& [name, expected] : value.items())
        check(output, "/headers/" + JsonLocator::escape_token(http::to_lower(name)), expected,
              failures);
    } else if (key == "failure") {
      continue;  // checked by the runner against the failed action's message
    } else {
      failures.push_back("expect: malformed section '" + key + "'");
    }
  }
  return failures;
}

std::string evaluate_failure(const json& expected, const std::string& message) {
  std::vector<std::string> failures;
  check(json{{"failure", message}}, "/failure", expected, failures);
  return failures.empty() ? "" : failures.front();
}

}  // namespace emu::harness
