// The template deployment engine of the ARM party (arm_deployments*.cc): parses a deployment
// request, runs ARM's preflight (template expansion, provider registration, RBAC, each
// resource type's rules) and schedules the resource writes in virtual time, plus the JSON
// views of deployments and their operations and the deployment error wording.
// Private to the ARM party; runs on the lab's I/O thread like every handler.
#pragma once

#include "emulator/arm/handlers/common.h"
#include "emulator/arm/templates/template.h"
#include "emulator/arm/types/types.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace emu::arm::internal {

// The body of PUT .../deployments/{name} or POST .../deployments/{name}/validate.
struct DeploymentRequest {
  std::string name;
  nlohmann::json tmpl = nlohmann::json::object();        // properties.template
  nlohmann::json parameters = nlohmann::json::object();  // properties.parameters
  std::string mode = "Incremental";                      // canonical casing
};

// Reads the call's (lenient) body. Errors: InvalidRequestContent (unparseable body, no
// template), InvalidTemplate naming properties.templateLink (not supported), InvalidParameter
// on properties.mode (Complete is refused), deployment name errors.
Result<DeploymentRequest, ArmError> parse_deployment_request(const Call& call,
                                                             const std::string& name);

// One template resource after preflight.
struct PlannedResource {
  ExpandedResource expanded;
  std::string id;    // canonical ID (catalog casing for the type segments)
  std::string type;  // canonical type
  PutPlan plan;      // meaningful when !conflict
  // A name conflict (409-class error such as DnsRecordInUse) the resource meets at run time.
  std::optional<ArmError> conflict;
  // Its body needs reference() to a resource that will not be deployed (never deployed).
  bool blocked = false;
};

struct Preflight {
  ExpandedTemplate expanded;
  std::vector<PlannedResource> resources;  // dependency order (as expanded)
  EvalBudget budget;  // the deployment's template evaluation work left (outputs use the rest)
};

// The template scope of a deployment named `name` into `group`.
TemplateScope deployment_scope(const Call& call, const ResourceGroup& group,
                               const std::string& name);

// Expands and checks the template without writing anything. Errors, replied as they are:
// InvalidTemplate (400, from the template engine), MissingSubscriptionRegistration (409),
// AuthorizationFailed (403, write on a resource); every other rule failure of any resource
// gathers into 400 InvalidTemplateDeployment with the inner errors as details.
Result<Preflight, ArmError> run_preflight(Call& call, const ResourceGroup& group,
                                          const DeploymentRequest& request);

// Schedules the deployment in virtual time from call.now (each resource starts when its
// dependencies finished and takes its plan's duration; a conflict fails its resource at its
// start time and its dependents are never deployed), writes the resources through
// put_resource and returns the Deployment to store (state Accepted; final state, settles_at,
// error, operations and outputs filled). Errors: a store failure (500).
Result<Deployment, ArmError> start_deployment(Call& call, const ResourceGroup& group,
                                              const DeploymentRequest& request,
                                              const Preflight& preflight);

// The ID of deployment `name` in `group`.
std::string deployment_id(const ResourceGroup& group, const std::string& name);
// True while the deployment runs (Accepted or Running).
bool deployment_active(const Deployment& d);

// --- Views (deployments/view.cc) ---
// The deployment as GET returns it at `now` (provisioningState, timestamp, duration; outputs
// only once Succeeded; outputResources and error once finished; internal keys removed).
nlohmann::json deployment_view(const Deployment& d, TimePoint now);
// The deployment operations started by `now`, in start order.
nlohmann::json operations_view(const Deployment& d, TimePoint now);
// One operation by operationId, or nullopt (also when it has not started by `now`).
std::optional<nlohmann::json> operation_view(const Deployment& d, const std::string& operation_id,
                                             TimePoint now);
// The validate reply body (200).
nlohmann::json validate_view(const Call& call, const ResourceGroup& group,
                             const DeploymentRequest& request, const Preflight& preflight);
// properties.providers / properties.dependencies of a deployment from its preflight.
nlohmann::json providers_of(const Preflight& preflight);
nlohmann::json dependencies_of(const Preflight& preflight);
// ISO 8601 duration as ARM prints one ("PT1M23.4567S", "PT0S").
std::string iso_duration(Duration d);
// "OK", "Created", "Accepted", "BadRequest", "Conflict"... for an HTTP status.
std::string status_code_name(int http_status);

// Keys of Deployment::properties the engine keeps for itself (never shown).
inline constexpr const char* kLroOperationKey = "_emuLroOperationId";
inline constexpr const char* kOutputsKey = "outputs";
inline constexpr const char* kOutputResourcesKey = "outputResources";

}  // namespace emu::arm::internal
