// The deployment engine: request parsing, preflight and virtual-time scheduling
// (see deployments/engine.h and README.md ("Template deployments")).
#include "emulator/arm/deployments/engine.h"

#include "emulator/core/text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

bool valid_deployment_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '(' || c == ')';
  });
}

// Name conflicts the real providers report while the deployment runs, not in preflight.
bool is_runtime_conflict(const ArmError& e) {
  static const std::set<std::string> kConflicts = {"dnsrecordinuse",
                                                   "vaultalreadyexists",
                                                   "storageaccountalreadytaken",
                                                   "storageaccountalreadyexists",
                                                   "conflicterror",
                                                   "conflict"};
  static const std::set<std::string> kPreflight = {"quotaexceeded", "skunotavailable",
                                                   "operationnotallowed"};
  const std::string code = to_lower(e.code);
  if (kConflicts.count(code) != 0) return true;
  return e.http_status == 409 && kPreflight.count(code) == 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// The canonical type and ID of a template resource (type "ns/t1/t2", name "n1/n2").
ResourcePath resource_path_of(const ExpandedResource& r) {
  const size_t slash = r.type.find('/');
  const std::string ns = r.type.substr(0, slash);
  const std::vector<std::string> types = slash == std::string::npos
                                             ? std::vector<std::string>{}
                                             : split(r.type.substr(slash + 1), '/');
  const std::vector<std::string> names = split(r.name, '/');
  std::string rest;
  for (size_t i = 0; i < types.size(); ++i) {
    if (!rest.empty()) rest += '/';
    rest += types[i];
    if (i < names.size()) rest += '/' + names[i];
  }
  return parse_resource_path(ns, rest);
}

// reference(): resources this deployment plans (their view once provisioned), else the store.
ReferenceFn make_reference(const Call& call, const std::map<std::string, json>* planned) {
  return [&call, planned](const std::string& id, bool full) -> std::optional<json> {
    json view;
    if (planned != nullptr && planned->count(to_lower(id)) != 0) {
      view = planned->at(to_lower(id));
    } else {
      auto r = call.env.store.find_resource(id);
      if (!r.ok()) return std::nullopt;
      view = r->view();
    }
    if (full) return view;
    return view.contains("properties") ? view["properties"] : json::object();
  };
}

json planned_view(const PutPlan& plan) {
  Resource r = plan.resource;
  r.state = "Succeeded";
  return r.view();
}

// The rules' plan for writing `p` (no write).
Result<PutPlan, ArmError> plan_for(const Call& call, const ResourceGroup& group,
                                   const PlannedResource& p, const ResourcePath& path,
                                   const std::string& api_version) {
  auto existing = call.env.store.find_resource(p.id);
  const TypeContext ctx{call.env.store,
                        call.now,
                        call.env.ids,
                        call.subscription.id,
                        call.subscription.tenant_id,
                        group.name,
                        group.location,
                        p.id,
                        path.names.empty() ? p.expanded.name : path.names.back(),
                        api_version,
                        existing.ok() ? &existing.value() : nullptr};
  const ResourceTypeRules* rules = find_type_rules(p.type);
  return rules != nullptr ? rules->plan_put(p.expanded.body, ctx)
                          : plan_generic_put(p.type, p.expanded.body, ctx);
}

int64_t micros(TimePoint t) { return t.time_since_epoch().count(); }

}  // namespace

std::string deployment_id(const ResourceGroup& group, const std::string& name) {
  return group.id() + "/providers/Microsoft.Resources/deployments/" + name;
}

bool deployment_active(const Deployment& d) {
  return d.state == "Accepted" || d.state == "Running";
}

TemplateScope deployment_scope(const Call& call, const ResourceGroup& group,
                               const std::string& name) {
  TemplateScope scope;
  scope.subscription_id = call.subscription.id;
  scope.subscription_name = call.subscription.display_name;
  scope.tenant_id = call.subscription.tenant_id;
  scope.resource_group = group.name;
  scope.resource_group_location = group.location;
  scope.deployment_name = name;
  return scope;
}

Result<DeploymentRequest, ArmError> parse_deployment_request(const Call& call,
                                                             const std::string& name) {
  if (!valid_deployment_name(name)) return errors::invalid_deployment_name(name);
  Result<json, ArmError> body = body_json(call);
  if (!body.ok()) return body.error();
  const json props = body->value("properties", json::object());
  if (!props.is_object()) return errors::invalid_request_content("'properties' is not an object");
  DeploymentRequest request;
  request.name = name;
  if (props.contains("templateLink") && !props.contains("template"))
    return errors::template_link_not_supported();
  if (!props.contains("template") || !props["template"].is_object())
    return errors::template_missing();
  request.tmpl = props["template"];
  if (props.contains("parametersLink")) return errors::template_link_not_supported();
  if (props.contains("parameters") && !props["parameters"].is_null()) {
    if (!props["parameters"].is_object())
      return errors::invalid_request_content("'properties.parameters' is not an object");
    request.parameters = props["parameters"];
  }
  const std::string mode = props.value("mode", std::string("Incremental"));
  if (to_lower(mode) != "incremental") return errors::deployment_mode_not_supported(mode);
  return request;
}

Result<Preflight, ArmError> run_preflight(Call& call, const ResourceGroup& group,
                                          const DeploymentRequest& request) {
  const TemplateScope scope = deployment_scope(call, group, request.name);
  Preflight preflight;
  Result<ExpandedTemplate, ArmError> expanded = expand_template(
      request.tmpl, request.parameters, scope, make_reference(call, nullptr), &preflight.budget);
  if (!expanded.ok()) return expanded.error();
  preflight.expanded = std::move(expanded.value());
  std::vector<ArmError> failures;
  std::map<std::string, json> views;  // lower-case ID -> planned view, for reference()
  std::set<std::string> unplanned;    // lower-case IDs of resources without a plan
  for (const ExpandedResource& r : preflight.expanded.resources) {
    const ResourcePath path = resource_path_of(r);
    if (auto e = require_registered(call, path.ns)) return *e;
    PlannedResource planned;
    planned.expanded = r;
    planned.type = path.type;
    planned.id = path.id(call.subscription.id, group.name);
    if (auto e = authorize(call, planned.type + "/write", planned.id)) return *e;
    const auto mark_unplanned = [&] {
      unplanned.insert(to_lower(planned.id));
      unplanned.insert(to_lower(r.id));
    };
    if (r.deferred) {
      planned.blocked =
          std::any_of(r.depends_on.begin(), r.depends_on.end(),
                      [&](const std::string& d) { return unplanned.count(to_lower(d)); });
      if (planned.blocked) {
        mark_unplanned();
        preflight.resources.push_back(std::move(planned));
        continue;
      }
      Result<json, ArmError> body =
          evaluate_resource_body(request.tmpl, preflight.expanded, r, scope,
                                 make_reference(call, &views), &preflight.budget);
      if (!body.ok()) return body.error();
      planned.expanded.body = std::move(body.value());
    }
    Result<PutPlan, ArmError> plan = plan_for(call, group, planned, path, r.api_version);
    if (plan.ok()) {
      planned.plan = std::move(plan.value());
      views[to_lower(planned.id)] = views[to_lower(r.id)] = planned_view(planned.plan);
    } else {
      mark_unplanned();
      if (is_runtime_conflict(plan.error()))
        planned.conflict = plan.error();
      else
        failures.push_back(plan.error());
    }
    preflight.resources.push_back(std::move(planned));
  }
  if (!failures.empty())
    return errors::invalid_template_deployment(request.name, call.env.ids.guid(),
                                               std::move(failures));
  return preflight;
}

namespace {

// The run of one deployment as it is scheduled, resource by resource.
struct Schedule {
  std::map<std::string, size_t> index;   // lower-case ID (as written and canonical) -> resource
  std::map<size_t, TimePoint> finished;  // deployed resources -> when they finish
  std::map<std::string, json> views;     // lower-case ID -> view once provisioned
  std::vector<ArmError> failures;
  json output_resources = json::array();
};

// When resource `i` starts (every dependency finished), or nullopt when one is not deployed.
std::optional<TimePoint> start_time(Schedule& s, const Preflight& preflight, size_t i,
                                    TimePoint now) {
  const PlannedResource& p = preflight.resources[i];
  s.index[to_lower(p.id)] = s.index[to_lower(p.expanded.id)] = i;
  if (p.blocked) return std::nullopt;
  TimePoint start = now;
  for (const std::string& dep : p.expanded.depends_on) {
    auto it = s.index.find(to_lower(dep));
    if (it == s.index.end()) continue;  // the template engine orders dependencies first
    auto done = s.finished.find(it->second);
    if (done == s.finished.end()) return std::nullopt;
    start = std::max(start, done->second);
  }
  return start;
}

// Writes resource `i` to start at `start` (or records the failure it meets then) and returns
// its deployment operation. Errors: a server-side (5xx) write failure.
Result<json, ArmError> run_resource(Call& call, const ResourceGroup& group,
                                    const std::string& deployment, const PlannedResource& p,
                                    size_t i, TimePoint start, Schedule& s) {
  json op = {{"operationId", to_upper(call.env.ids.hex(8))},
             {"trackingId", call.env.ids.guid()},
             {"resourceId", p.id},
             {"resourceType", p.type},
             {"resourceName", p.expanded.name},
             {"startsAt", micros(start)},
             {"settlesAt", micros(start)}};
  std::optional<ArmError> failure = p.conflict;
  if (!failure) {
    const bool existed = call.env.store.find_resource(p.id).ok();
    Result<PutPlan, ArmError> put =
        put_resource(call, group, p.type, p.expanded.name, p.expanded.body, deployment, start);
    if (!put.ok() && put.error().http_status >= 500) return put.error();
    if (put.ok()) {
      s.finished[i] = start + put->duration;
      s.views[to_lower(p.id)] = s.views[to_lower(p.expanded.id)] = planned_view(put.value());
      s.output_resources.push_back({{"id", p.id}});
      op["state"] = "Succeeded";
      op["statusCode"] = status_code_name(existed ? put->update_status : put->create_status);
      op["settlesAt"] = micros(s.finished[i]);
      return op;
    }
    failure = put.error();
  }
  op["state"] = "Failed";
  op["statusCode"] = status_code_name(failure->http_status);
  op["error"] = failure->to_json();
  s.failures.push_back(*failure);
  return op;
}

}  // namespace

Result<Deployment, ArmError> start_deployment(Call& call, const ResourceGroup& group,
                                              const DeploymentRequest& request,
                                              const Preflight& preflight) {
  Deployment d;
  d.id = deployment_id(group, request.name);
  d.subscription_id = call.subscription.id;
  d.resource_group = group.name;
  d.name = request.name;
  d.created_at = d.settles_at = call.now;
  Schedule s;
  for (size_t i = 0; i < preflight.resources.size(); ++i) {
    const std::optional<TimePoint> start = start_time(s, preflight, i, call.now);
    if (!start) continue;  // a dependency is not deployed: neither is this one
    Result<json, ArmError> op =
        run_resource(call, group, request.name, preflight.resources[i], i, *start, s);
    if (!op.ok()) return op.error();
    d.settles_at = std::max(d.settles_at, TimePoint(Duration(op->at("settlesAt").get<int64_t>())));
    d.operations.push_back(std::move(op.value()));
  }
  // Listed by start time (stable: dependency order otherwise).
  std::stable_sort(d.operations.begin(), d.operations.end(), [](const json& a, const json& b) {
    return a["startsAt"].get<int64_t>() < b["startsAt"].get<int64_t>();
  });
  json outputs = json::object();
  if (s.failures.empty() && request.tmpl.contains("outputs")) {
    EvalBudget budget = preflight.budget;  // what the preflight left
    Result<json, ArmError> evaluated = evaluate_outputs(request.tmpl, preflight.expanded,
                                                        deployment_scope(call, group, request.name),
                                                        make_reference(call, &s.views), &budget);
    if (evaluated.ok())
      outputs = std::move(evaluated.value());
    else
      d.error = evaluated.error().to_json();  // DeploymentOutputEvaluationFailed
  }
  if (!s.failures.empty()) d.error = errors::deployment_failed(std::move(s.failures)).to_json();
  d.final_state = d.error.is_null() ? "Succeeded" : "Failed";
  const std::string correlation =
      std::string(call.req.headers.get_or("x-ms-correlation-request-id", ""));
  d.properties = {{"templateHash", preflight.expanded.template_hash},
                  {"parameters", preflight.expanded.parameters},
                  {"mode", request.mode},
                  {"correlationId", correlation.empty() ? call.env.ids.guid() : correlation},
                  {"providers", providers_of(preflight)},
                  {"dependencies", dependencies_of(preflight)},
                  {kOutputsKey, std::move(outputs)},
                  {kOutputResourcesKey, std::move(s.output_resources)}};
  return d;
}

}  // namespace emu::arm::internal
