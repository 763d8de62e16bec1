// Generic resource lists (GET /subscriptions/{s}[/resourceGroups/{rg}]/resources) with the
// OData $filter subset ARM's resource index accepts and $expand of createdTime, changedTime
// and provisioningState, as `az resource list` sends them.
#include "emulator/arm/handlers/resources.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <cctype>

namespace emu::arm::internal {

using nlohmann::json;

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// A cursor over one clause's text.
struct Scanner {
  std::string_view s;
  size_t i = 0;
  void skip() {
    while (i < s.size() && is_space(s[i])) ++i;
  }
  bool done() {
    skip();
    return i == s.size();
  }
  bool eat(char c) {
    skip();
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  std::string word() {  // letters, digits and '_', lower-cased
    skip();
    size_t start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    return to_lower(s.substr(start, i - start));
  }
  std::optional<std::string> quoted() {  // 'text' with '' for a quote
    if (!eat('\'')) return std::nullopt;
    std::string out;
    while (i < s.size()) {
      if (s[i] == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          out.push_back('\'');
          i += 2;
          continue;
        }
        ++i;
        return out;
      }
      out.push_back(s[i++]);
    }
    return std::nullopt;
  }
};

bool known_field(const std::string& f) {
  static const char* kFields[] = {"resourcetype",  "name",    "location",
                                  "resourcegroup", "tagname", "tagvalue"};
  return std::any_of(std::begin(kFields), std::end(kFields), [&](const char* k) { return f == k; });
}

std::optional<FilterClause> parse_clause(std::string_view text) {
  Scanner sc{text};
  FilterClause c;
  std::string first = sc.word();
  if (first == "substringof") {
    c.op = "substringof";
    auto value = (sc.eat('(') ? sc.quoted() : std::nullopt);
    if (!value || !sc.eat(',')) return std::nullopt;
    c.value = *value;
    c.field = sc.word();
    if (!sc.eat(')')) return std::nullopt;
  } else {
    c.field = first;
    c.op = sc.word();
    auto value = sc.quoted();
    if (!value || (c.op != "eq" && c.op != "ne")) return std::nullopt;
    c.value = *value;
  }
  if (!sc.done() || !known_field(c.field)) return std::nullopt;
  return c;
}

// Splits `text` on the keyword ` and `/` or ` (any case) outside quotes.
std::vector<std::string_view> split_keyword(std::string_view text, std::string_view keyword) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\'') quoted = !quoted;
    if (quoted || !is_space(text[i]) || i + keyword.size() + 2 > text.size()) continue;
    if (http::iequals(text.substr(i + 1, keyword.size()), keyword) &&
        is_space(text[i + 1 + keyword.size()])) {
      out.push_back(text.substr(start, i - start));
      start = i + keyword.size() + 1;
      i = start;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

std::string field_value(const Resource& r, const std::string& field) {
  if (field == "resourcetype") return r.type;
  if (field == "name") return r.name;
  if (field == "location") return r.location;
  if (field == "resourcegroup") return r.resource_group;
  return "";
}

bool tag_matches(const Resource& r, const std::string* name, const std::string* value) {
  if (!r.body.contains("tags") || !r.body["tags"].is_object()) return false;
  for (const auto& [k, v] : r.body["tags"].items()) {
    if (name && !http::iequals(k, *name)) continue;
    if (value && !(v.is_string() && http::iequals(v.get<std::string>(), *value))) continue;
    return true;
  }
  return false;
}

bool all_match(const std::vector<FilterClause>& clauses, const Resource& r) {
  const std::string* tag_name = nullptr;
  const std::string* tag_value = nullptr;
  for (const FilterClause& c : clauses) {
    if (c.field == "tagname") {
      tag_name = &c.value;
      continue;
    }
    if (c.field == "tagvalue") {
      tag_value = &c.value;
      continue;
    }
    const std::string v = to_lower(field_value(r, c.field));
    const std::string want = to_lower(c.value);
    const bool hit = c.op == "substringof" ? v.find(want) != std::string::npos : v == want;
    if (hit == (c.op == "ne")) return false;
  }
  return (!tag_name && !tag_value) || tag_matches(r, tag_name, tag_value);
}

// The list item of `r` (the generic resource shape), with the expanded fields.
json list_item(const Resource& r, const std::string& expand) {
  json item = {{"id", r.id}, {"name", r.name}, {"type", r.type}, {"location", r.location}};
  for (const char* key : {"tags", "sku", "kind", "managedBy", "identity", "plan", "zones"})
    if (r.body.contains(key) && !r.body[key].is_null()) item[key] = r.body[key];
  if (expand.find("createdtime") != std::string::npos) item["createdTime"] = arm_time(r.created_at);
  if (expand.find("changedtime") != std::string::npos) item["changedTime"] = arm_time(r.changed_at);
  if (expand.find("provisioningstate") != std::string::npos) item["provisioningState"] = r.state;
  return item;
}

bool is_top_level(const Resource& r) { return std::count(r.type.begin(), r.type.end(), '/') == 1; }

}  // namespace

bool ResourceFilter::matches(const Resource& r) const {
  if (any_of.empty()) return true;
  return std::any_of(any_of.begin(), any_of.end(),
                     [&](const std::vector<FilterClause>& c) { return all_match(c, r); });
}

std::string ResourceFilter::equals_value(std::string_view field) const {
  for (const auto& conj : any_of)
    for (const FilterClause& c : conj)
      if (c.op == "eq" && c.field == field) return c.value;
  return "";
}

Result<ResourceFilter, ArmError> parse_resource_filter(std::string_view text) {
  ResourceFilter filter;
  Scanner whole{text};
  if (whole.done()) return filter;
  for (std::string_view disjunct : split_keyword(text, "or")) {
    std::vector<FilterClause> conj;
    for (std::string_view part : split_keyword(disjunct, "and")) {
      auto clause = parse_clause(part);
      if (!clause) return errors::invalid_filter(text);
      conj.push_back(std::move(*clause));
    }
    filter.any_of.push_back(std::move(conj));
  }
  return filter;
}

http::Response handle_generic_list(Call& call) {
  const std::string sub = subscription_id_of(call);
  const std::string group_param = call.param("resourceGroupName");
  std::string group_name;
  if (!group_param.empty()) {
    auto group = require_group(call, group_param, false);
    if (!group.ok()) return error_reply(group.error());
    group_name = group->name;
    if (auto e = authorize(call, "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
                           group->id()))
      return error_reply(*e);
  } else if (auto e = authorize(call, "Microsoft.Resources/subscriptions/resources/read",
                                "/subscriptions/" + sub)) {
    return error_reply(*e);
  }
  auto filter = parse_resource_filter(query_value(call, "$filter"));
  if (!filter.ok()) return error_reply(filter.error());
  const std::string expand = to_lower(query_value(call, "$expand"));
  int64_t top = -1;
  if (const std::string t = query_value(call, "$top"); !t.empty()) {
    if (t.find_first_not_of("0123456789") != std::string::npos || t.size() > 9)
      return error_reply(
          errors::invalid_parameter("$top", "The $top value '" + t + "' is invalid."));
    top = std::stoll(t);
  }
  json items = json::array();
  for (const Resource& r : call.env.store.resources(sub, group_name, "")) {
    if (top >= 0 && static_cast<int64_t>(items.size()) >= top) break;
    if (is_top_level(r) && filter->matches(r)) items.push_back(list_item(r, expand));
  }
  return list_reply(std::move(items));
}

}  // namespace emu::arm::internal
