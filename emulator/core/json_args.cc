#include "emulator/core/json_args.h"

#include "emulator/core/actions.h"

#include <algorithm>

namespace emu {
namespace {

using nlohmann::json;

const json* member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Status wrong_type(std::string_view path, std::string_view key, std::string_view what) {
  return InvalidArgument(json_key_path(path, key) + ": " + std::string(what));
}

}  // namespace

std::string json_key_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string json_index_path(std::string_view path, size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& known) {
  auto hint = nearest_name(name, known);
  return hint ? "; did you mean '" + *hint + "'?" : "";
}

std::string unknown_key_message(std::string_view key, const std::vector<std::string>& known) {
  return "unknown key" + did_you_mean(key, known);
}

Status check_json_keys(const json& obj, std::string_view path,
                       const std::vector<std::string>& known) {
  if (!obj.is_object()) return InvalidArgument(std::string(path) + ": must be an object");
  for (const auto& [key, value] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    return InvalidArgument(json_key_path(path, key) + ": " + unknown_key_message(key, known));
  }
  return Status::Ok();
}

Result<std::optional<std::string>> optional_json_string(const json& obj, std::string_view key,
                                                        std::string_view path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(path, key, "must be a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> required_json_string(const json& obj, std::string_view key,
                                         std::string_view path) {
  EMU_ASSIGN_OR_RETURN(auto value, optional_json_string(obj, key, path));
  if (!value) return wrong_type(path, key, "required");
  return *value;
}

Result<std::optional<bool>> optional_json_bool(const json& obj, std::string_view key,
                                               std::string_view path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return wrong_type(path, key, "must be true or false");
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<int64_t>> optional_json_int(const json& obj, std::string_view key,
                                                 std::string_view path) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_number_integer()) return wrong_type(path, key, "must be an integer");
  return std::optional<int64_t>(v->get<int64_t>());
}

}  // namespace emu
