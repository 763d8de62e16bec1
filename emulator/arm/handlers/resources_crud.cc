// Group-level resources: GET/HEAD/PUT/PATCH/DELETE of
// /subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...],
// GET of a collection ({type} last) and POST actions ({type}/{name}/{action}).
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/resources.h"
#include "emulator/core/text.h"

#include <algorithm>

namespace emu::arm::internal {

using nlohmann::json;

namespace {

// One routed request, resolved against the catalog and the store.
struct Target {
  ResourcePath path;
  std::string short_type;   // the type without the namespace: "virtualNetworks/subnets"
  std::string action;       // a POST action's name, else ""
  bool collection = false;  // {type} last: a list
  std::string group_name;   // canonical when the group exists, else as sent
  std::string id;           // the resource's (or collection's) ID
  std::string sub;
  std::string names_path() const {  // "vnet1/subnet1"
    std::string out;
    for (const auto& n : path.names) out += (out.empty() ? "" : "/") + n;
    return out;
  }
  // The parent resource of a child resource or of a child collection.
  std::string parent_id() const {
    const std::string up = id.substr(0, id.rfind('/'));
    return collection ? up : up.substr(0, up.rfind('/'));
  }
};

std::string rbac_action(const Target& t, const std::string& method) {
  if (!t.action.empty()) return t.path.type + "/" + t.action + "/action";
  if (method == "GET" || method == "HEAD") return t.path.type + "/read";
  if (method == "DELETE") return t.path.type + "/delete";
  return t.path.type + "/write";
}

std::string rbac_scope(const Target& t) {
  if (!t.collection) return t.id;
  if (t.path.names.empty()) return "/subscriptions/" + t.sub + "/resourceGroups/" + t.group_name;
  return t.parent_id();
}

ArmError not_found(const std::string& id, const std::string& group) {
  return errors::resource_not_found(type_and_name(id), group);
}

Result<Resource, ArmError> find_existing(const Call& call, const Target& t,
                                         const ResourceGroup& g) {
  auto r = call.env.store.find_resource(t.id);
  if (!r.ok()) return not_found(t.id, g.name);
  return std::move(r).value();
}

// The reply to a PUT (or PATCH) that wrote `plan` (see handlers/resources.cc for the states).
http::Response write_reply(Call& call, const PutPlan& plan, bool created, bool patch) {
  const Resource& r = plan.resource;
  const int status = patch ? 200 : created ? plan.create_status : plan.update_status;
  const json body = status == 202 ? json() : r.view();
  if (plan.duration.count() == 0 && status != 202) return json_reply(status, body);
  const std::string ns = r.type.substr(0, r.type.find('/'));
  return lro_reply(call, status, body, "resource.put", r.id, location_key(r.location), r.settles_at,
                   "Succeeded", json(), resource_status_path(r.subscription_id, ns, r.location));
}

http::Response do_put(Call& call, const Target& t, const ResourceGroup& g) {
  auto body = body_json(call);
  if (!body.ok()) return error_reply(body.error());
  if (t.path.names.size() > 1 && !call.env.store.find_resource(t.parent_id()).ok()) {
    return error_reply(errors::parent_resource_not_found(type_and_name(t.parent_id()), g.name));
  }
  auto existing = call.env.store.find_resource(t.id);
  if (existing.ok() && existing->state == "Deleting")
    return error_reply(errors::another_operation_in_progress(t.id));
  auto plan = put_resource(call, g, t.path.type, t.names_path(), body.value(), "", call.now);
  if (!plan.ok()) return error_reply(plan.error());
  return write_reply(call, plan.value(), !existing.ok(), false);
}

// PATCH: the patch merged into the stored body (tags replaced whole, objects merged, null
// removes), then written through the rules as a PUT would be.
http::Response do_patch(Call& call, const Target& t, const ResourceGroup& g) {
  auto existing = find_existing(call, t, g);
  if (!existing.ok()) return error_reply(existing.error());
  if (existing->state == "Deleting")
    return error_reply(errors::another_operation_in_progress(t.id));
  auto patch = body_json(call);
  if (!patch.ok()) return error_reply(patch.error());
  if (!patch->is_object())
    return error_reply(errors::invalid_request_content("The request body must be an object."));
  json merged = existing->body;
  for (const auto& [key, value] : patch->items()) {
    if (key == "tags" || !value.is_object() || !merged.contains(key)) {
      if (value.is_null())
        merged.erase(key);
      else
        merged[key] = value;
    } else {
      merged[key].merge_patch(value);
    }
  }
  auto plan = put_resource(call, g, existing->type, t.names_path(), merged, "", call.now);
  if (!plan.ok()) return error_reply(plan.error());
  return write_reply(call, plan.value(), false, true);
}

// Deletes `r` (and its child resources) now, or marks them Deleting until `settles_at`.
Status remove_resource(ArmStore& store, const Resource& r, const DeletePlan& plan, TimePoint now) {
  const std::string prefix = to_lower(r.id) + "/";
  for (Resource child : store.resources(r.subscription_id, r.resource_group, "")) {
    if (to_lower(child.id).rfind(prefix, 0) != 0) continue;
    if (plan.duration.count() == 0) {
      EMU_RETURN_IF_ERROR(store.delete_resource(child.id));
    } else {
      child.state = "Deleting";
      child.final_state.clear();
      child.delete_when_settled = true;
      child.settles_at = now + plan.duration;
      EMU_RETURN_IF_ERROR(store.put_resource(child));
    }
  }
  if (plan.duration.count() == 0)
    return plan.soft_delete_vault ? store.soft_delete_vault(r, now) : store.delete_resource(r.id);
  Resource deleting = r;
  deleting.state = "Deleting";
  deleting.final_state.clear();
  deleting.delete_when_settled = true;
  deleting.settles_at = now + plan.duration;
  deleting.changed_at = now;
  return store.put_resource(deleting);
}

http::Response do_delete(Call& call, const Target& t, const ResourceGroup& g) {
  auto found = call.env.store.find_resource(t.id);
  if (!found.ok()) return empty_reply(204);
  const Resource& r = found.value();
  const std::string ns = r.type.substr(0, r.type.find('/'));
  const std::string status_path = resource_status_path(r.subscription_id, ns, r.location);
  if (r.state == "Deleting" && r.delete_when_settled)  // a delete already runs: poll it again
    return lro_reply(call, 202, json(), "resource.delete", r.id, location_key(r.location),
                     r.settles_at, "Succeeded", json(), status_path);
  const TypeContext ctx = make_type_context(call, g, r.id, r.name, &r, true);
  const ResourceTypeRules* rules = find_type_rules(r.type);
  const DeletePlan plan = rules ? rules->plan_delete(r, ctx) : DeletePlan{};
  if (Status s = remove_resource(call.env.store, r, plan, call.now); !s.ok())
    return error_reply(errors::internal_error_described(s));
  if (plan.duration.count() == 0) return empty_reply(200);
  return lro_reply(call, 202, json(), "resource.delete", r.id, location_key(r.location),
                   call.now + plan.duration, "Succeeded", json(), status_path);
}

// Child resources a parent keeps in its body (a virtual network's properties.subnets): the
// elements of parent.properties[<child type segment>] (key matched ignoring case).
json embedded_children(const Resource& parent, const std::string& segment) {
  const json& props = parent.body.contains("properties") ? parent.body["properties"] : json();
  if (!props.is_object()) return json::array();
  for (const auto& [key, value] : props.items())
    if (http::iequals(key, segment) && value.is_array()) return value;
  return json::array();
}

std::string last_type_segment(const Target& t) {
  return t.path.type.substr(t.path.type.rfind('/') + 1);
}

// The view GET answers for the target: the stored resource, else an element its parent embeds.
std::optional<json> find_view(const Call& call, const Target& t) {
  if (auto r = call.env.store.find_resource(t.id); r.ok()) return r->view();
  if (t.path.names.size() < 2) return std::nullopt;
  auto parent = call.env.store.find_resource(t.parent_id());
  if (!parent.ok()) return std::nullopt;
  for (const json& child : embedded_children(parent.value(), last_type_segment(t)))
    if (child.is_object() && http::iequals(child.value("name", ""), t.path.names.back()))
      return child;
  return std::nullopt;
}

http::Response do_list(Call& call, const Target& t, const ResourceGroup& g) {
  std::string prefix;
  json items = json::array();
  std::vector<std::string> seen;
  if (!t.path.names.empty()) {
    const std::string parent_id = t.parent_id();
    auto parent = call.env.store.find_resource(parent_id);
    if (!parent.ok()) return error_reply(not_found(parent_id, g.name));
    prefix = to_lower(parent_id) + "/";
    for (const json& child : embedded_children(parent.value(), last_type_segment(t))) {
      items.push_back(child);
      seen.push_back(to_lower(child.value("id", "")));
    }
  }
  for (const Resource& r : call.env.store.resources(t.sub, g.name, t.path.type)) {
    if (!prefix.empty() && to_lower(r.id).rfind(prefix, 0) != 0) continue;
    if (std::find(seen.begin(), seen.end(), to_lower(r.id)) == seen.end())
      items.push_back(r.view());
  }
  return list_reply(std::move(items));
}

http::Response do_action(Call& call, const Target& t, const ResourceGroup& g) {
  auto existing = find_existing(call, t, g);
  if (!existing.ok()) return error_reply(existing.error());
  const ProviderInfo* provider = find_provider(t.path.ns);
  if (provider && find_resource_type(*provider, t.short_type + "/" + t.action))
    return error_reply(errors::method_not_allowed(call.req.method));
  return error_reply(errors::path_not_found(call.req.path));
}

// Resolves the route params into a Target, or the ARM error for an unknown namespace/type.
Result<Target, ArmError> resolve(const Call& call) {
  const std::string ns = call.param("ns");
  const ProviderInfo* provider = find_provider(ns);
  if (provider == nullptr) return errors::invalid_resource_namespace(ns);
  std::vector<std::string> parts;
  const std::string rest_param = call.param("rest");
  for (auto p : http::split_path(rest_param)) parts.emplace_back(p);
  Target t;
  if (parts.size() % 2 == 1 && parts.size() >= 3 && call.req.method == "POST") {
    t.action = parts.back();
    parts.pop_back();
  }
  t.collection = parts.size() % 2 == 1;
  std::string rest;
  for (const auto& p : parts) rest += p + "/";
  t.path = parse_resource_path(provider->ns, rest);
  t.short_type = t.path.type.substr(t.path.ns.size() + 1);
  if (find_resource_type(*provider, t.short_type) == nullptr)
    return errors::invalid_resource_type(t.short_type);
  t.sub = subscription_id_of(call);
  const std::string group = call.param("resourceGroupName");
  auto g = call.env.store.find_group(t.sub, group);
  t.group_name = g.ok() ? g->name : group;
  t.id = t.path.id(t.sub, t.group_name);
  return t;
}

}  // namespace

http::Response handle_group_resource(Call& call) {
  auto resolved = resolve(call);
  if (!resolved.ok()) return error_reply(resolved.error());
  const Target& t = resolved.value();
  const std::string& method = call.req.method;
  if (auto e = require_registered(call, t.path.ns)) return error_reply(*e);
  if (auto e = authorize(call, rbac_action(t, method), rbac_scope(t))) return error_reply(*e);
  const bool write = method == "PUT" || method == "PATCH" || method == "DELETE" || method == "POST";
  auto group = require_group(call, t.group_name, write);
  if (!group.ok()) {
    if (method == "HEAD") return empty_reply(group.error().http_status);
    return error_reply(group.error());
  }
  const ResourceGroup& g = group.value();

  if (!t.action.empty()) return do_action(call, t, g);
  if (t.collection) {
    if (method == "GET") return do_list(call, t, g);
    return error_reply(errors::method_not_allowed(method));
  }
  if (method == "GET") {
    auto view = find_view(call, t);
    return view ? json_reply(200, *view) : error_reply(not_found(t.id, g.name));
  }
  if (method == "HEAD") return empty_reply(find_view(call, t) ? 204 : 404);
  if (method == "PUT") return do_put(call, t, g);
  if (method == "PATCH") return do_patch(call, t, g);
  if (method == "DELETE") return do_delete(call, t, g);
  return error_reply(errors::method_not_allowed(method));
}

}  // namespace emu::arm::internal
