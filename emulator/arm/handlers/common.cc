// Reply helpers, RBAC, provider-registration and group checks shared by the ARM handlers.
#include "emulator/arm/handlers/common.h"

#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/templates/template.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <cstdio>

namespace emu::arm::internal {

using nlohmann::json;

std::string Call::url(const std::string& path) const {
  return base_url + path + "?api-version=" + http::url_encode(api_version);
}

http::Response json_reply(int status, const json& body) {
  http::Response res = http::json_response(status, body);
  res.headers.set("Content-Type", "application/json; charset=utf-8");
  return res;
}

http::Response error_reply(const ArmError& error) {
  http::Response res = json_reply(error.http_status, error.body());
  res.headers.set("x-ms-failure-cause", error.http_status >= 500 ? "service" : "gateway");
  for (const auto& [name, value] : error.headers) res.headers.set(name, value);
  return res;
}

http::Response list_reply(json items) {
  if (!items.is_array()) items = json::array();
  return json_reply(200, json{{"value", std::move(items)}});
}

std::string arm_time(TimePoint t) {
  // format_iso8601 gives "YYYY-MM-DDTHH:MM:SSZ" (or with fraction); ARM prints 7 digits.
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto frac = std::chrono::duration_cast<std::chrono::microseconds>(t - secs).count();
  std::string base = format_iso8601(TimePoint(secs));
  if (!base.empty() && base.back() == 'Z') base.pop_back();
  char buf[16];
  std::snprintf(buf, sizeof buf, ".%06lld0Z", static_cast<long long>(frac));
  return base + buf;
}

http::Response lro_reply(Call& call, int status, const json& body, const std::string& kind,
                         const std::string& target, const std::string& location,
                         TimePoint settles_at, const std::string& final_status, const json& error,
                         const std::string& status_path) {
  Operation op;
  op.id = call.env.ids.guid();
  op.subscription_id = call.subscription.id;
  op.kind = kind;
  op.target = target;
  op.location = location;
  op.started_at = call.now;
  op.settles_at = settles_at;
  op.final_status = final_status;
  op.error = error;
  http::Response res;
  if (Status s = call.env.store.put_operation(op); !s.ok())
    return error_reply(errors::internal_error(s));
  res = body.is_null() ? http::Response{} : json_reply(status, body);
  res.status = status;
  const std::string sub = "/subscriptions/" + call.subscription.id;
  std::string path = status_path.empty()
                         ? sub + "/providers/Microsoft.Resources/operationStatuses/" + op.id
                         : status_path;
  if (status_path.find("{opId}") != std::string::npos) path.replace(path.find("{opId}"), 6, op.id);
  res.headers.set("Azure-AsyncOperation", call.url(path));
  if (status == 202)
    res.headers.set("Location",
                    call.url(sub + "/providers/Microsoft.Resources/operationResults/" + op.id));
  const auto remaining = std::chrono::ceil<std::chrono::seconds>(settles_at - call.now).count();
  res.headers.set("Retry-After", std::to_string(std::clamp<int64_t>(remaining, 1, 10)));
  return res;
}

http::Response operation_status_reply(const Call& call, const Operation& op) {
  json body = {{"id", call.req.path},
               {"name", op.id},
               {"status", op.status_at(call.now)},
               {"startTime", arm_time(op.started_at)}};
  if (call.now < op.settles_at) {
    http::Response res = json_reply(200, body);
    const auto left = std::chrono::ceil<std::chrono::seconds>(op.settles_at - call.now).count();
    res.headers.set("Retry-After", std::to_string(std::clamp<int64_t>(left, 1, 10)));
    return res;
  }
  body["endTime"] = arm_time(op.settles_at);
  if (!op.error.is_null()) body["error"] = op.error;
  return json_reply(200, body);
}

// --- RBAC ---

namespace {

bool action_matches(std::string_view pattern, std::string_view action) {
  // ARM action patterns: "*", "*/read", "Microsoft.Authorization/*/Write" (case-insensitive).
  const std::string p = to_lower(pattern), a = to_lower(action);
  if (p == "*") return true;
  if (p == "*/read") return a.size() >= 5 && a.compare(a.size() - 5, 5, "/read") == 0;
  auto star = p.find("/*/");
  if (star != std::string::npos) {
    const std::string head = p.substr(0, star + 1), tail = p.substr(star + 2);
    return a.rfind(head, 0) == 0 && a.size() >= tail.size() &&
           a.compare(a.size() - tail.size(), tail.size(), tail) == 0;
  }
  return p == a;
}

// Built-in roles (actions / notActions as Azure defines them, abridged to what the emulator
// checks: learn.microsoft.com "Azure built-in roles").
bool role_allows(const std::string& role, const std::string& action) {
  const std::string r = to_lower(role);
  if (r == "owner") return true;
  if (r == "contributor") {
    for (const char* denied :
         {"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
          "Microsoft.Authorization/elevateAccess/Action"})
      if (action_matches(denied, action)) return false;
    return true;
  }
  if (r == "reader") return action_matches("*/read", action);
  return false;
}

bool scope_covers(const std::string& assigned, const std::string& target) {
  const std::string a = to_lower(assigned), t = to_lower(target);
  return t == a || (t.size() > a.size() && t.compare(0, a.size(), a) == 0 && t[a.size()] == '/') ||
         a == "/";
}

}  // namespace

std::optional<ArmError> authorize(const Call& call, const std::string& action,
                                  const std::string& scope) {
  for (const RoleAssignment& a : call.env.store.role_assignments(call.principal.object_id, ""))
    if (scope_covers(a.scope, scope) && role_allows(a.role, action)) return std::nullopt;
  const std::string client =
      call.principal.upn.empty() ? call.principal.app_id : call.principal.upn;
  return errors::authorization_failed(client, call.principal.object_id, action, scope);
}

std::string registration_state(const Call& call, const std::string& ns) {
  const ProviderInfo* info = find_provider(ns);
  if (info != nullptr && info->registration_free) return "Registered";
  auto reg = call.env.store.find_provider(call.subscription.id, info ? info->ns : ns);
  return reg.ok() ? reg->state : "NotRegistered";
}

std::optional<ArmError> require_registered(const Call& call, const std::string& ns) {
  if (registration_state(call, ns) == "Registered") return std::nullopt;
  const ProviderInfo* info = find_provider(ns);
  return errors::missing_subscription_registration(info ? info->ns : ns);
}

Result<ResourceGroup, ArmError> require_group(const Call& call, const std::string& name,
                                              bool for_write) {
  auto group = call.env.store.find_group(call.subscription.id, name);
  if (!group.ok()) return errors::resource_group_not_found(name);
  if (for_write && group->state == "Deleting") return errors::resource_group_being_deleted(name);
  return std::move(group).value();
}

Result<json, ArmError> body_json(const Call& call) {
  if (call.req.body.empty()) return json::object();
  if (call.req.body.size() > kTemplateLimits.max_request_bytes)
    return errors::request_content_too_large();
  auto parsed = parse_lenient_json(call.req.body, kArmJsonLimits);
  if (!parsed.ok()) return errors::invalid_request_content(parsed.status().message());
  if (!parsed->is_object()) return errors::invalid_request_content("the body is not an object");
  return std::move(parsed).value();
}

}  // namespace emu::arm::internal
