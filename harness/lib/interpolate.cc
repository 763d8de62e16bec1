#include "harness/lib/interpolate.h"

#include <variant>

namespace emu::harness {
namespace {

using nlohmann::json;

// A string split into literal text and references.
using Piece = std::variant<std::string, Reference>;

Result<std::vector<Piece>> split(std::string_view s) {
  std::vector<Piece> pieces;
  std::string literal;
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 3, "$${") == 0) {
      literal += "${";
      i += 3;
      continue;
    }
    if (s.compare(i, 2, "${") != 0) {
      literal += s[i++];
      continue;
    }
    size_t close = s.find('}', i + 2);
    if (close == std::string_view::npos)
      return InvalidArgument("unterminated reference '" + std::string(s.substr(i)) + "'");
    Reference ref;
    ref.text = std::string(s.substr(i, close + 1 - i));
    std::string_view inner = s.substr(i + 2, close - i - 2);
    size_t start = 0;
    while (true) {
      size_t dot = inner.find('.', start);
      std::string_view segment =
          inner.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (segment.empty()) return InvalidArgument("empty name in reference '" + ref.text + "'");
      if (ref.root.empty())
        ref.root = std::string(segment);
      else
        ref.path.emplace_back(segment);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (ref.root != "steps" && ref.root != "lab")
      return InvalidArgument("reference '" + ref.text + "' must start with 'steps.' or 'lab.'");
    if (ref.root == "steps" && ref.path.empty())
      return InvalidArgument("reference '" + ref.text + "' names no step (${steps.<id>...})");
    if (!literal.empty()) pieces.emplace_back(std::move(literal));
    literal.clear();
    pieces.emplace_back(std::move(ref));
    i = close + 1;
  }
  if (!literal.empty()) pieces.emplace_back(std::move(literal));
  return pieces;
}

Status collect_into(const json& value, std::vector<Reference>& out) {
  if (value.is_string()) {
    EMU_ASSIGN_OR_RETURN(auto pieces, split(value.get<std::string>()));
    for (auto& piece : pieces)
      if (auto* ref = std::get_if<Reference>(&piece)) out.push_back(std::move(*ref));
  } else if (value.is_structured()) {
    for (const auto& item : value) EMU_RETURN_IF_ERROR(collect_into(item, out));
  }
  return Status::Ok();
}

// Descends one segment; nullptr if absent.
const json* step_into(const json& node, const std::string& segment) {
  if (node.is_object()) {
    auto it = node.find(segment);
    return it == node.end() ? nullptr : &*it;
  }
  if (node.is_array()) {
    if (segment.empty() || segment.size() > 9 ||
        segment.find_first_not_of("0123456789") != std::string::npos)
      return nullptr;
    size_t index = std::stoul(segment);
    return index < node.size() ? &node[index] : nullptr;
  }
  return nullptr;
}

Result<json> interpolate_string(const std::string& s, const json& steps, const json& lab) {
  EMU_ASSIGN_OR_RETURN(auto pieces, split(s));
  if (pieces.size() == 1 && std::holds_alternative<Reference>(pieces[0]))
    return resolve_reference(std::get<Reference>(pieces[0]), steps, lab);
  std::string out;
  for (const auto& piece : pieces) {
    if (const auto* text = std::get_if<std::string>(&piece)) {
      out += *text;
      continue;
    }
    EMU_ASSIGN_OR_RETURN(json value, resolve_reference(std::get<Reference>(piece), steps, lab));
    out += value.is_string() ? value.get<std::string>()
                             : value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return json(out);
}

}  // namespace

Result<std::vector<Reference>> parse_references(std::string_view s) {
  EMU_ASSIGN_OR_RETURN(auto pieces, split(s));
  std::vector<Reference> refs;
  for (auto& piece : pieces)
    if (auto* ref = std::get_if<Reference>(&piece)) refs.push_back(std::move(*ref));
  return refs;
}

Result<std::vector<Reference>> collect_references(const json& value) {
  std::vector<Reference> refs;
  EMU_RETURN_IF_ERROR(collect_into(value, refs));
  return refs;
}

Result<json> resolve_reference(const Reference& ref, const json& steps, const json& lab) {
  const json* node = ref.root == "lab" ? &lab : &steps;
  std::string walked = ref.root;
  for (const auto& segment : ref.path) {
    const json* next = step_into(*node, segment);
    if (next == nullptr) {
      if (ref.root == "steps" && node == &steps)
        return NotFound("unresolved reference " + ref.text + ": step '" + segment +
                        "' has no output");
      return NotFound("unresolved reference " + ref.text + ": " + walked + " has no '" + segment +
                      "'");
    }
    node = next;
    walked += "." + segment;
  }
  return *node;
}

Result<json> interpolate(const json& value, const json& steps, const json& lab) {
  if (value.is_string()) return interpolate_string(value.get<std::string>(), steps, lab);
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) {
      EMU_ASSIGN_OR_RETURN(out[key], interpolate(item, steps, lab));
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) {
      EMU_ASSIGN_OR_RETURN(json resolved, interpolate(item, steps, lab));
      out.push_back(std::move(resolved));
    }
    return out;
  }
  return value;
}

}  // namespace emu::harness
