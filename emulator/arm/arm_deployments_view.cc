// JSON views of deployments and deployment operations, and the deployment error wording
// (sources beside each; "inferred" where not confirmed against the real service).
#include "emulator/arm/arm_deployments_engine.h"

#include <algorithm>
#include <cstdio>

namespace emu::arm::internal {
namespace {

using nlohmann::json;

TimePoint from_micros(const json& v) {
  return TimePoint(Duration(v.is_number_integer() ? v.get<int64_t>() : 0));
}

// .NET's en-US general date/time ("7/2/2018 12:08:13 PM"), as ARM prints it in messages.
std::string dotnet_time(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const auto tod = std::chrono::hh_mm_ss(std::chrono::floor<std::chrono::seconds>(t - day));
  const int h24 = static_cast<int>(tod.hours().count());
  const int h12 = h24 % 12 == 0 ? 12 : h24 % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u/%u/%d %d:%02d:%02d %s", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(ymd.year()), h12,
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                h24 < 12 ? "AM" : "PM");
  return buf;
}

ArmError make(int status, std::string code, std::string message, std::string target = "") {
  ArmError e;
  e.http_status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.target = std::move(target);
  return e;
}

const PlannedResource* find_planned(const Preflight& preflight, const std::string& id) {
  for (const PlannedResource& p : preflight.resources)
    if (lower(p.id) == lower(id) || lower(p.expanded.id) == lower(id)) return &p;
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
    if (lower(op.value("operationId", "")) == lower(operation_id) && started(op, now))
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

namespace deploy_errors {

// [C-doc] wording as ARM answers today, e.g. MicrosoftLearning/AZ-700-...#328 (2026) and
// Dayzure/entra-gsa-labs#6 (2025); older replies appended " Please see https://aka.ms/arm-deploy
// for usage details." (Azure/migAz#91).
ArmError invalid_template_deployment(const std::string& name, const std::string& tracking_id,
                                     std::vector<ArmError> details) {
  ArmError e = make(400, "InvalidTemplateDeployment",
                    "The template deployment '" + name +
                        "' is not valid according to the validation procedure. The tracking id "
                        "is '" +
                        tracking_id + "'. See inner errors for details.");
  e.details = std::move(details);
  return e;
}

// [C-doc] MicrosoftDocs/azure-docs#107757, Dayzure/entra-gsa-labs#6.
ArmError deployment_failed(std::vector<ArmError> details) {
  ArmError e = make(409, "DeploymentFailed",
                    "At least one resource deployment operation failed. Please list deployment "
                    "operations for details. Please see https://aka.ms/arm-deployment-operations "
                    "for usage details.");
  e.details = std::move(details);
  return e;
}

// [C-doc] message quoted in Azure/bicep#14369 (2024) and azure-pipelines-tasks#5320; the code
// name DeploymentActive is inferred. ARM keeps an active deployment for 7 days at most.
ArmError deployment_active(const std::string& name, TimePoint started) {
  return make(409, "DeploymentActive",
              "Unable to edit or replace deployment '" + name + "': previous deployment from '" +
                  dotnet_time(started) + "' is still active (expiration time is '" +
                  dotnet_time(started + std::chrono::days(7)) +
                  "'). Please see https://aka.ms/arm-deploy-resources for usage details.");
}

// [inferred] the rule is documented (Deployments - Cancel: "only if the provisioningState is
// Accepted or Running"); code and wording are not confirmed.
ArmError not_cancelable(const std::string& name, const std::string& state) {
  return make(409, "DeploymentCannotBeCancelled",
              "The deployment '" + name + "' cannot be cancelled because it is in '" + state +
                  "' state. A deployment can be cancelled only while it is 'Accepted' or "
                  "'Running'.");
}

// [inferred]
ArmError operation_not_found(const std::string& deployment, const std::string& operation_id) {
  return make(404, "DeploymentOperationNotFound",
              "Deployment operation '" + operation_id + "' of deployment '" + deployment +
                  "' could not be found.");
}

// Emulator limitation (documented): templates must be sent inline.
ArmError template_link_not_supported() {
  return make(400, "InvalidTemplate",
              "Deployment template validation failed: 'The emulator does not fetch linked "
              "templates or parameter files: send the template in 'properties.template' and the "
              "parameters in 'properties.parameters' instead of 'templateLink'/'parametersLink'.'.",
              "properties.templateLink");
}

// [inferred]
ArmError template_missing() {
  return make(400, "InvalidRequestContent",
              "The request content was invalid and could not be deserialized: 'The deployment "
              "must have 'properties.template' (an object) or 'properties.templateLink'.'.");
}

// Emulator limitation (documented): Complete mode would delete unlisted resources.
ArmError mode_not_supported(const std::string& mode) {
  return errors::invalid_parameter(
      "properties.mode",
      "The deployment mode '" + mode +
          "' is not supported by the emulator: only 'Incremental' deployments are modelled.");
}

// [inferred] ARM's rule: 1-64 characters, letters, digits, '-', '.', '_', '(' and ')'.
ArmError invalid_deployment_name(const std::string& name) {
  return make(400, "InvalidDeploymentName",
              "The deployment name '" + name +
                  "' is invalid. It must be 1 to 64 characters of letters, digits, '-', '.', "
                  "'_', '(' and ')'.");
}

}  // namespace deploy_errors
}  // namespace emu::arm::internal
