// JSON views of deployments and deployment operations.
#include "emulator/arm/deployments/engine.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <cstdio>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

TimePoint from_micros(const json& v) {
  return TimePoint(Duration(v.is_number_integer() ? v.get<int64_t>() : 0));
}

const PlannedResource* find_planned(const Preflight& preflight, const std::string& id) {
  for (const PlannedResource& p : preflight.resources)
    if (to_lower(p.id) == to_lower(id) || to_lower(p.expanded.id) == to_lower(id)) return &p;
  return nullptr;
}

json target_of(const PlannedResource& p) {
  return {{"id", p.id}, {"resourceType", p.type}, {"resourceName", p.expanded.name}};
}

}  // namespace

std::string iso_duration(Duration d) {
  if (d.count() <= 0) return "PT0S";
  const int64_t ticks = d.count() * 10;  // 100 ns ticks, as .NET prints
  const int64_t total_secs = ticks / 10'000'000, frac = ticks % 10'000'000;
  const int64_t days = total_secs / 86400, hours = total_secs / 3600 % 24,
                minutes = total_secs / 60 % 60, secs = total_secs % 60;
  std::string out = "P";
  if (days > 0) out += std::to_string(days) + "D";
  out += "T";
  if (hours > 0) out += std::to_string(hours) + "H";
  if (minutes > 0) out += std::to_string(minutes) + "M";
  if (secs > 0 || frac > 0 || out.back() == 'T') {
    out += std::to_string(secs);
    if (frac > 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, ".%07lld", static_cast<long long>(frac));
      std::string f = buf;
      while (f.back() == '0') f.pop_back();
      out += f;
    }
    out += "S";
  }
  if (out.back() == 'T') out.pop_back();
  return out;
}

std::string status_code_name(int http_status) {
  switch (http_status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "NoContent";
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalServerError";
    default:
      return std::to_string(http_status);
  }
}

json deployment_view(const Deployment& d, TimePoint now) {
  json props = d.properties.is_object() ? d.properties : json::object();
  const json outputs = props.value(kOutputsKey, json::object());
  const json output_resources = props.value(kOutputResourcesKey, json::array());
  props.erase(kLroOperationKey);
  props.erase(kOutputsKey);
  props.erase(kOutputResourcesKey);
  const bool finished = !deployment_active(d);
  props["provisioningState"] = d.state;
  props["timestamp"] = arm_time(finished ? d.settles_at : d.created_at);
  props["duration"] = iso_duration((finished ? d.settles_at : now) - d.created_at);
  if (finished) props["outputResources"] = output_resources;
  if (d.state == "Succeeded" && !outputs.empty()) props["outputs"] = outputs;
  if (d.state == "Failed" && !d.error.is_null()) props["error"] = d.error;
  return {{"id", d.id},
          {"name", d.name},
          {"type", "Microsoft.Resources/deployments"},
          {"properties", std::move(props)}};
}

namespace {

json one_operation(const Deployment& d, const json& op, TimePoint now) {
  const TimePoint starts = from_micros(op["startsAt"]), settles = from_micros(op["settlesAt"]);
  const bool finished = now >= settles;
  json props = {{"provisioningOperation", "Create"},
                {"provisioningState", finished ? op.value("state", "Succeeded") : "Running"},
                {"timestamp", arm_time(finished ? settles : starts)},
                {"duration", iso_duration((finished ? settles : now) - starts)},
                {"trackingId", op.value("trackingId", "")},
                {"targetResource",
                 {{"id", op.value("resourceId", "")},
                  {"resourceType", op.value("resourceType", "")},
                  {"resourceName", op.value("resourceName", "")}}}};
  if (finished) props["statusCode"] = op.value("statusCode", "OK");
  if (finished && op.contains("error"))
    props["statusMessage"] = {{"status", "Failed"}, {"error", op["error"]}};
  const std::string op_id = op.value("operationId", "");
  return {{"id", d.id + "/operations/" + op_id},
          {"operationId", op_id},
          {"properties", std::move(props)}};
}

bool started(const json& op, TimePoint now) { return from_micros(op["startsAt"]) <= now; }

}  // namespace

json operations_view(const Deployment& d, TimePoint now) {
  json out = json::array();
  for (const json& op : d.operations)
    if (started(op, now)) out.push_back(one_operation(d, op, now));
  return out;
}

std::optional<json> operation_view(const Deployment& d, const std::string& operation_id,
                                   TimePoint now) {
  for (const json& op : d.operations)
    if (to_lower(op.value("operationId", "")) == to_lower(operation_id) && started(op, now))
      return one_operation(d, op, now);
  return std::nullopt;
}

json providers_of(const Preflight& preflight) {
  json out = json::array();
  for (const PlannedResource& p : preflight.resources) {
    const size_t slash = p.type.find('/');
    const std::string ns = p.type.substr(0, slash);
    const std::string type = slash == std::string::npos ? "" : p.type.substr(slash + 1);
    std::string location = p.plan.resource.location;
    if (location.empty()) location = p.expanded.body.value("location", "");
    json* provider = nullptr;
    for (json& existing : out)
      if (existing["namespace"] == ns) provider = &existing;
    if (provider == nullptr) {
      out.push_back({{"namespace", ns}, {"resourceTypes", json::array()}});
      provider = &out.back();
    }
    json* entry = nullptr;
    for (json& rt : (*provider)["resourceTypes"])
      if (rt["resourceType"] == type) entry = &rt;
    if (entry == nullptr) {
      (*provider)["resourceTypes"].push_back(
          {{"resourceType", type}, {"locations", json::array()}});
      entry = &(*provider)["resourceTypes"].back();
    }
    if (!location.empty() && std::find((*entry)["locations"].begin(), (*entry)["locations"].end(),
                                       location) == (*entry)["locations"].end())
      (*entry)["locations"].push_back(location);
  }
  return out;
}

json dependencies_of(const Preflight& preflight) {
  json out = json::array();
  for (const PlannedResource& p : preflight.resources) {
    if (p.expanded.depends_on.empty()) continue;
    json on = json::array();
    for (const std::string& dep : p.expanded.depends_on) {
      const PlannedResource* target = find_planned(preflight, dep);
      on.push_back(target != nullptr ? target_of(*target) : json{{"id", dep}});
    }
    json entry = target_of(p);
    entry["dependsOn"] = std::move(on);
    out.push_back(std::move(entry));
  }
  return out;
}

json validate_view(const Call& call, const ResourceGroup& group, const DeploymentRequest& request,
                   const Preflight& preflight) {
  json validated = json::array();
  for (const PlannedResource& p : preflight.resources) validated.push_back({{"id", p.id}});
  const std::string correlation =
      std::string(call.req.headers.get_or("x-ms-correlation-request-id", ""));
  return {{"id", deployment_id(group, request.name)},
          {"name", request.name},
          {"type", "Microsoft.Resources/deployments"},
          {"properties",
           {{"provisioningState", "Succeeded"},
            {"timestamp", arm_time(call.now)},
            {"duration", "PT0S"},
            {"correlationId", correlation.empty() ? call.env.ids.guid() : correlation},
            {"mode", request.mode},
            {"templateHash", preflight.expanded.template_hash},
            {"parameters", preflight.expanded.parameters},
            {"providers", providers_of(preflight)},
            {"dependencies", dependencies_of(preflight)},
            {"validatedResources", std::move(validated)}}}};
}

}  // namespace emu::arm::internal
