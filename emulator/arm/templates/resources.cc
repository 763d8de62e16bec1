// Template resources: flattening of nested child resources, evaluation of each resource's
// fields, dependsOn resolution and the stable dependency order.

#include "emulator/arm/templates/internal.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::arm::tmpl {
namespace {

constexpr const char* kBodyFields[] = {"location",         "tags",     "sku",        "kind",
                                       "identity",         "zones",    "properties", "plan",
                                       "extendedLocation", "managedBy"};

struct Item {
  std::string path;
  const Json* node = nullptr;
  int parent = -1;
  bool enabled = true;
  ExpandedResource out;
};

std::string raw_name(const Json& node) {
  const Json* n = find_member(node, "name");
  return n != nullptr && n->is_string() ? n->get<std::string>() : "";
}

ArmError resource_error(const Item& it, const std::string& target, std::string_view reason) {
  std::string name = it.out.name.empty() ? raw_name(*it.node) : it.out.name;
  return errors::invalid_template(target, element_reason("resource", name, it.path, reason));
}

// Rejects what the emulator does not model, naming the offending element.
std::optional<ArmError> unsupported(const Item& it) {
  static constexpr std::pair<const char*, const char*> kKeys[] = {
      {"copy", "resource copy loops are not supported by the emulator"},
      {"scope", "extension resources ('scope') are not supported by the emulator"},
      {"resourceGroup", "cross-resource-group resources are not supported by the emulator"},
      {"subscriptionId", "cross-subscription resources are not supported by the emulator"},
  };
  for (const auto& [key, reason] : kKeys) {
    if (find_member(*it.node, key) != nullptr) {
      return resource_error(it, it.path + "." + key, reason);
    }
  }
  const Json* type = find_member(*it.node, "type");
  if (type != nullptr && type->is_string() &&
      iequals(type->get<std::string>(), "Microsoft.Resources/deployments")) {
    return resource_error(it, it.path + ".type",
                          "nested deployments (Microsoft.Resources/deployments) are not "
                          "supported by the emulator");
  }
  return std::nullopt;
}

Result<bool, ArmError> flatten(const Json& list, const std::string& path, int parent,
                               std::vector<Item>& out) {
  if (!list.is_array()) {
    return errors::invalid_template(path, "The template property '" + path + "' must be an array.");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    Item it;
    it.path = path + "[" + std::to_string(i) + "]";
    it.node = &list[i];
    it.parent = parent;
    if (!it.node->is_object()) {
      return errors::invalid_template(
          it.path, "The template resource at '" + it.path + "' must be a JSON object.");
    }
    if (auto bad = unsupported(it)) return *bad;
    out.push_back(std::move(it));
    const int self = static_cast<int>(out.size()) - 1;
    if (const Json* children = find_member(list[i], "resources")) {
      Result<bool, ArmError> ok = flatten(*children, out[self].path + ".resources", self, out);
      if (!ok.ok()) return ok;
    }
  }
  return true;
}

// The path (relative to `v`) of a property copy loop ("copy": [{"name","count","input"}]).
std::optional<std::string> find_property_copy(const Json& v) {
  if (!v.is_object() && !v.is_array()) return std::nullopt;
  size_t i = 0;
  for (auto it = v.begin(); it != v.end(); ++it, ++i) {
    std::string here = v.is_object() ? "." + it.key() : "[" + std::to_string(i) + "]";
    if (v.is_object() && iequals(it.key(), "copy") && it->is_array() && !it->empty() &&
        (*it)[0].is_object() && find_member((*it)[0], "input") != nullptr) {
      return here;
    }
    if (auto inner = find_property_copy(*it)) return here + *inner;
  }
  return std::nullopt;
}

// Evaluates a string field with reference() disallowed; nullopt + error on failure.
Result<std::string, ArmError> string_field(Item& it, TemplateState& state, const char* key,
                                           bool required) {
  const Json* raw = find_member(*it.node, key);
  if (raw == nullptr) {
    if (!required) return std::string();
    return resource_error(it, it.path + "." + key,
                          "the '" + std::string(key) + "' property is required");
  }
  EvalContext ctx{state};
  Result<Json> v = evaluate_value(*raw, ctx);
  if (!v.ok()) {
    if (state.recorded_error()) return *state.recorded_error();
    return resource_error(it, it.path + "." + key, v.status().message());
  }
  if (!v->is_string()) {
    return resource_error(
        it, it.path + "." + key,
        "the '" + std::string(key) + "' property must be a string, not '" + json_kind(*v) + "'");
  }
  return v->get<std::string>();
}

// Phase 1: type, name, ID, apiVersion and condition of one resource.
Result<bool, ArmError> identify(std::vector<Item>& items, size_t i, TemplateState& state) {
  Item& it = items[i];
  Result<std::string, ArmError> type = string_field(it, state, "type", true);
  if (!type.ok()) return type.error();
  Result<std::string, ArmError> name = string_field(it, state, "name", true);
  if (!name.ok()) return name.error();
  it.out.type = type.value();
  it.out.name = name.value();
  if (it.parent >= 0 && it.out.type.find('/') == std::string::npos) {
    const Item& p = items[static_cast<size_t>(it.parent)];
    it.out.type = p.out.type + "/" + it.out.type;
    it.out.name = p.out.name + "/" + it.out.name;
    it.enabled = p.enabled;
  }
  it.out.path = it.path;
  std::vector<std::string> names;
  for (size_t s = 0, e; s <= it.out.name.size(); s = e + 1) {
    e = std::min(it.out.name.find('/', s), it.out.name.size());
    names.push_back(it.out.name.substr(s, e - s));
  }
  const TemplateScope& scope = state.scope();
  Result<std::string> id =
      build_resource_id(scope.subscription_id, scope.resource_group, it.out.type, names);
  if (!id.ok()) {
    // ARM wording (learn.microsoft.com .../error-invalid-template, "incorrect segment lengths").
    return errors::invalid_template(
        it.path + ".name",
        "The template resource '" + it.out.name + "' for type '" + it.out.type + "' at '" +
            it.path +
            "' has incorrect segment lengths. A nested resource type must have "
            "identical number of segments as its resource name. A root resource type must have "
            "segment length one greater than its resource name. Please see "
            "https://aka.ms/arm-syntax-resources for usage details.");
  }
  it.out.id = *id;
  Result<std::string, ArmError> api = string_field(it, state, "apiVersion", true);
  if (!api.ok()) return api.error();
  it.out.api_version = api.value();
  if (const Json* cond = find_member(*it.node, "condition")) {
    EvalContext ctx{state};
    ctx.allow_reference = true;
    Result<Json> v = evaluate_value(*cond, ctx);
    if (!v.ok()) {
      if (state.recorded_error()) return *state.recorded_error();
      return resource_error(it, it.path + ".condition", v.status().message());
    }
    if (!v->is_boolean()) {
      return resource_error(it, it.path + ".condition", "the condition must be a boolean");
    }
    it.enabled = it.enabled && v->get<bool>();
  }
  return true;
}

// Phase 2: body (possibly deferred) and dependencies of one resource.
Result<bool, ArmError> evaluate_body(Item& it, TemplateState& state) {
  Json raw = Json::object();
  for (const char* key : kBodyFields) {
    if (const Json* v = find_member(*it.node, key)) raw[key] = *v;
  }
  if (auto copy = find_property_copy(raw)) {
    return resource_error(it, it.path + *copy,
                          "property copy loops are not supported by the emulator");
  }
  EvalContext ctx{state};
  ctx.allow_reference = true;
  ctx.defer_template_refs = true;
  std::string sub;
  Result<Json> v = evaluate_value(raw, ctx, &sub);
  if (v.ok()) {
    it.out.body = std::move(v).value();
  } else if (is_deferred(v.status())) {
    it.out.body = std::move(raw);
    it.out.deferred = true;
  } else {
    if (state.recorded_error()) return *state.recorded_error();
    return resource_error(it, it.path + sub, v.status().message());
  }
  it.out.depends_on = ctx.referenced;
  std::set<std::string> listed(it.out.depends_on.begin(), it.out.depends_on.end());
  const Json* deps = find_member(*it.node, "dependsOn");
  if (deps == nullptr) return true;
  if (!deps->is_array())
    return resource_error(it, it.path + ".dependsOn", "dependsOn must be an array");
  for (size_t j = 0; j < deps->size(); ++j) {
    const std::string target = it.path + ".dependsOn[" + std::to_string(j) + "]";
    EvalContext dctx{state};
    Result<Json> entry = evaluate_value((*deps)[j], dctx);
    if (!entry.ok()) {
      if (state.recorded_error()) return *state.recorded_error();
      return resource_error(it, target, entry.status().message());
    }
    if (!entry->is_string()) return resource_error(it, target, "dependsOn entries must be strings");
    Result<std::optional<std::string>> id = state.resolve_resource(entry->get<std::string>());
    if (!id.ok()) return resource_error(it, target, id.status().message());
    if (!id->has_value()) {
      // ARM wording (microsoft/vscode-azurearmtools#493).
      return errors::invalid_template(target, "The resource '" + entry->get<std::string>() +
                                                  "' is not defined in the template. Please see "
                                                  "https://aka.ms/arm-template for usage details.");
    }
    // Name resolution and bookkeeping: a few map operations per entry.
    Status paid = charge(state, TemplateLimits::kUnitsPerNode);
    if (!paid.ok()) return resource_error(it, target, paid.message());
    if (listed.insert(**id).second) it.out.depends_on.push_back(**id);
  }
  return true;
}

// Kahn's algorithm, always taking the first ready resource in template order: O(n log n + the
// number of dependencies).
Result<std::vector<ExpandedResource>, ArmError> order(std::vector<Item>& items) {
  std::map<std::string, size_t> index;  // lower-case ID -> first item with it
  for (size_t k = 0; k < items.size(); ++k) index.emplace(to_lower(items[k].out.id), k);
  std::vector<std::vector<size_t>> deps(items.size());  // item -> items it waits for
  std::vector<std::vector<size_t>> dependents(items.size());
  std::vector<size_t> waiting(items.size(), 0);
  for (size_t k = 0; k < items.size(); ++k) {
    for (const std::string& d : items[k].out.depends_on) {
      auto it = index.find(to_lower(d));
      // A dependency outside the list never becomes ready (the caller removed such entries).
      const size_t x = it == index.end() ? items.size() : it->second;
      deps[k].push_back(x);
      ++waiting[k];
      if (x < items.size()) dependents[x].push_back(k);
    }
  }
  std::set<size_t> ready;
  for (size_t k = 0; k < items.size(); ++k) {
    if (waiting[k] == 0) ready.insert(k);
  }
  std::vector<ExpandedResource> out;
  std::vector<bool> placed(items.size(), false);
  while (!ready.empty()) {
    const size_t pick = *ready.begin();
    ready.erase(ready.begin());
    placed[pick] = true;
    out.push_back(items[pick].out);
    for (size_t d : dependents[pick]) {
      if (--waiting[d] == 0) ready.insert(d);
    }
  }
  if (out.size() < items.size()) {
    // Walk dependencies from the first unplaced resource until one repeats: it is on a cycle.
    size_t k = static_cast<size_t>(std::find(placed.begin(), placed.end(), false) - placed.begin());
    std::vector<bool> seen(items.size(), false);
    while (!seen[k]) {
      seen[k] = true;
      for (size_t x : deps[k]) {
        if (x < items.size() && !placed[x]) {
          k = x;
          break;
        }
      }
    }
    // ARM wording (Azure/azure-cli#6677).
    return errors::invalid_template(
        items[k].path + ".dependsOn",
        "Circular dependency detected on resource: '" + items[k].out.id +
            "'. Please see https://aka.ms/arm-syntax-resources for usage "
            "details.");
  }
  return out;
}

}  // namespace

std::vector<ResourceKey> keys_of(const std::vector<ExpandedResource>& resources) {
  std::vector<ResourceKey> keys;
  for (const ExpandedResource& r : resources) keys.push_back({r.id, r.type, r.name});
  return keys;
}

Result<std::vector<ExpandedResource>, ArmError> expand_resources(TemplateState& state) {
  std::vector<Item> items;
  if (const Json* list = find_member(state.tmpl(), "resources")) {
    Result<bool, ArmError> ok = flatten(*list, "resources", -1, items);
    if (!ok.ok()) return ok.error();
  }
  std::vector<ResourceKey> keys;
  for (size_t i = 0; i < items.size(); ++i) {
    Result<bool, ArmError> ok = identify(items, i, state);
    if (!ok.ok()) return ok.error();
    keys.push_back({items[i].out.id, items[i].out.type, items[i].out.name});
  }
  state.set_resources(keys);
  for (Item& it : items) {
    Result<bool, ArmError> ok = evaluate_body(it, state);
    if (!ok.ok()) return ok.error();
  }
  std::set<std::string> enabled_ids;  // lower case
  for (const Item& it : items) {
    if (it.enabled) enabled_ids.insert(to_lower(it.out.id));
  }
  for (Item& it : items) {
    auto& deps = it.out.depends_on;
    deps.erase(
        std::remove_if(deps.begin(), deps.end(),
                       [&](const std::string& d) { return enabled_ids.count(to_lower(d)) == 0; }),
        deps.end());
  }
  std::vector<Item> enabled;
  std::set<std::string> seen_ids;  // lower case
  for (Item& it : items) {
    if (!it.enabled) continue;
    if (!seen_ids.insert(to_lower(it.out.id)).second) {
      // ARM wording (inferred from "... is defined multiple times in a template.").
      return errors::invalid_template(it.path,
                                      "The resource '" + it.out.id + "' at '" + it.path +
                                          "' is defined multiple times in a template. Please "
                                          "see https://aka.ms/arm-template/#resources for "
                                          "usage details.");
    }
    enabled.push_back(std::move(it));
  }
  return order(enabled);
}

}  // namespace emu::arm::tmpl
