// Template parameter declarations: type names and the checks ARM applies to a value (type,
// allowedValues, minValue/maxValue, minLength/maxLength).

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace emu::arm::tmpl {
namespace {

constexpr std::string_view kParametersLink =
    "Please see https://aka.ms/arm-template/#parameters for usage details.";

bool same_allowed(const Json& a, const Json& b) {
  // String comparison is case-insensitive, as ARM's runtime check (Bicep's @allowed is stricter).
  if (a.is_string() && b.is_string()) return iequals(a.get<std::string>(), b.get<std::string>());
  return a == b;
}

std::string expected_kind(const std::string& type) {
  if (type == "String" || type == "SecureString") return "String";
  if (type == "Int") return "Integer";
  if (type == "Bool") return "Boolean";
  if (type == "Array") return "Array";
  return "Object";
}

std::string prefix(const std::string& name, const std::string& path) {
  return "The provided value for the template parameter '" + name + "' at '" + path +
         "' is not valid. ";
}

std::optional<std::string> check_allowed(const std::string& name, const std::string& path,
                                         const Json& allowed, const std::string& type,
                                         const Json& value) {
  if (!allowed.is_array()) return std::nullopt;
  auto allowed_one = [&](const Json& v) {
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const Json& a) { return same_allowed(a, v); });
  };
  bool ok = type == "Array" && value.is_array()
                ? std::all_of(value.begin(), value.end(), allowed_one)
                : allowed_one(value);
  if (ok) return std::nullopt;
  std::string list;
  for (const Json& a : allowed) list += (list.empty() ? "" : ",") + to_display_string(a);
  bool secure = type.rfind("Secure", 0) == 0;
  // ARM: "The provided value for the template parameter 'x' at line 'l' and column 'c' is not
  // valid. The parameter value is not part of the allowed value(s)." (Azure quickstart CI
  // logs); the quoted value and the list are the newer form (inferred).
  return "The provided value " + (secure ? std::string() : "'" + to_display_string(value) + "' ") +
         "for the template parameter '" + name + "' at '" + path +
         "' is not valid. The parameter value is not part of the allowed value(s): '" + list +
         "'. " + std::string(kParametersLink);
}

std::optional<std::string> check_bounds(const std::string& name, const std::string& path,
                                        const Json& decl, const Json& value) {
  auto bound = [&](const char* key) -> std::optional<int64_t> {
    const Json* b = find_member(decl, key);
    if (b == nullptr || !b->is_number_integer()) return std::nullopt;
    return b->get<int64_t>();
  };
  if (value.is_number_integer()) {
    int64_t v = value.get<int64_t>();
    if (auto min = bound("minValue"); min && v < *min) {  // inferred wording
      return prefix(name, path) + "Value should be greater than or equal to '" +
             std::to_string(*min) + "'. " + std::string(kParametersLink);
    }
    if (auto max = bound("maxValue"); max && v > *max) {
      return prefix(name, path) + "Value should be less than or equal to '" + std::to_string(*max) +
             "'. " + std::string(kParametersLink);
    }
  }
  if (value.is_string() || value.is_array()) {
    auto len = static_cast<int64_t>(value.is_string() ? value.get_ref<const std::string&>().size()
                                                      : value.size());
    // ARM: "Length of the value should be greater than or equal to '12'."
    // (microsoft/vscode-azurearmtools#1350); the maximum form is inferred by symmetry.
    if (auto min = bound("minLength"); min && len < *min) {
      return prefix(name, path) + "Length of the value should be greater than or equal to '" +
             std::to_string(*min) + "'. " + std::string(kParametersLink);
    }
    if (auto max = bound("maxLength"); max && len > *max) {
      return prefix(name, path) + "Length of the value should be less than or equal to '" +
             std::to_string(*max) + "'. " + std::string(kParametersLink);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> canonical_param_type(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"String", "SecureString", "Int",  "Bool",
                                                "Object", "SecureObject", "Array"};
  for (std::string_view t : kTypes) {
    if (iequals(t, type)) return std::string(t);
  }
  return std::nullopt;
}

std::optional<std::string> check_parameter_value(const std::string& name, const std::string& path,
                                                 const Json& decl, const std::string& type,
                                                 const Json& value) {
  std::string want = expected_kind(type);
  std::string got = json_kind(value);
  if (want != got) {
    // ARM wording (microsoft/azure-pipelines-tasks#19942).
    return "The provided value for the template parameter '" + name +
           "' is not valid. Expected a value of type '" + want +
           "', but received a value of type '" + got +
           "'. Please see https://aka.ms/arm-create-parameter-file for usage details.";
  }
  if (const Json* allowed = find_member(decl, "allowedValues")) {
    if (auto bad = check_allowed(name, path, *allowed, type, value)) return bad;
  }
  return check_bounds(name, path, decl, value);
}

}  // namespace emu::arm::tmpl
