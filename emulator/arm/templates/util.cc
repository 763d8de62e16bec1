// Small shared helpers of the template engine: case folding, JSON kinds and rendering, and the
// wording of InvalidTemplate's inner messages.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <string>
#include <string_view>

namespace emu::arm::tmpl {

std::string element_reason(std::string_view kind, std::string_view name, std::string_view path,
                           std::string_view reason) {
  std::string out = "The template ";
  out.append(kind).append(" '").append(name).append("' at '").append(path);
  out.append("' is not valid: ").append(reason);
  if (!reason.empty() && reason.back() != '.') out += '.';
  out.append(" ").append(kExpressionsLink);
  return out;
}

std::string json_kind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string:
      return "String";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "Integer";
    case Json::value_t::number_float:
      return "Float";
    case Json::value_t::boolean:
      return "Boolean";
    case Json::value_t::object:
      return "Object";
    case Json::value_t::array:
      return "Array";
    default:
      return "Null";
  }
}

std::string to_display_string(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_null()) return "";
  return v.dump();
}

const Json* find_member(const Json& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(std::string(name));
  if (it != obj.end()) return &*it;
  for (auto m = obj.begin(); m != obj.end(); ++m) {
    if (iequals(m.key(), name)) return &m.value();
  }
  return nullptr;
}

bool is_expression(std::string_view s) {
  return s.size() >= 2 && s.front() == '[' && s.back() == ']' && s[1] != '[';
}

}  // namespace emu::arm::tmpl
