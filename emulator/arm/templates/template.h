// The ARM template subset the emulator deploys (documented in emulator/arm/README.md):
// "parameters" (type, defaultValue, allowedValues, minValue/maxValue, minLength/maxLength),
// "variables", "resources" (type, apiVersion, name, location, tags, sku, kind, identity,
// zones, properties, dependsOn, condition), "outputs" (type, value), and the functions
// parameters, variables, concat, format, toLower, toUpper, resourceGroup, subscription,
// resourceId, uniqueString, reference, plus string/array helpers listed in the README.
// Anything else is InvalidTemplate naming the JSON path of the bad expression, as ARM does
// ("Deployment template validation failed: 'The template resource 'x' at line '1' and column
// '2' is not valid: ...'"). Pure functions; no I/O.
#pragma once

#include "emulator/arm/errors.h"
#include "emulator/arm/templates/limits.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::arm {

// Where a template is deployed (what resourceGroup() and subscription() return).
struct TemplateScope {
  std::string subscription_id;
  std::string subscription_name;
  std::string tenant_id;
  std::string resource_group;
  std::string resource_group_location;
  std::string deployment_name;
};

struct ExpandedResource {
  std::string path;  // JSON path in the template, e.g. "resources[2]"
  std::string type;  // as written, e.g. "Microsoft.Network/publicIPAddresses"
  std::string api_version;
  std::string name;  // evaluated
  std::string id;    // resourceId(type, name) in the deployment's group
  // The evaluated resource body for a PUT: location, tags, sku, kind, identity, zones,
  // properties, plan, extendedLocation, managedBy (whichever the template gives).
  nlohmann::json body = nlohmann::json::object();
  // IDs of resources of this template it depends on: its dependsOn entries plus the template
  // resources its body calls reference() on (ARM's implicit dependencies).
  std::vector<std::string> depends_on;
  // True when the body calls reference() on a resource of this template: `body` then holds the
  // template's unevaluated fields, and evaluate_resource_body() gives the PUT body once the
  // referenced resources exist (they are in depends_on, so: just before this resource's PUT).
  bool deferred = false;
};

struct ExpandedTemplate {
  // Resources whose condition holds, ordered so that each comes after everything it depends
  // on (stable: template order otherwise).
  std::vector<ExpandedResource> resources;
  // The effective parameters, as deployments report them: {"name":{"type":"String","value":..}}
  // (secure types without "value", as ARM).
  nlohmann::json parameters = nlohmann::json::object();
  // Every parameter's effective value, secure ones included ({"name": value}); used by
  // evaluate_outputs/evaluate_resource_body. Never return it to clients.
  nlohmann::json parameter_values = nlohmann::json::object();
  std::string template_hash;  // decimal string, stable for the same template text
};

// reference(resourceId[, apiVersion[, 'Full']]): the resource's properties (or, with 'Full',
// the whole resource) as GET returns it; nullopt when there is none.
using ReferenceFn = std::function<std::optional<nlohmann::json>(const std::string& id, bool full)>;

// Limits (templates/limits.h, README "Limits"), for all three evaluations below: ARM's counts
// (parameters, variables, resources, outputs: InvalidTemplate "The number of template ... limit
// exceeded"), nesting (InvalidTemplate, also for a template that did not come through the
// bounded parse), expression length and value sizes (InvalidTemplate), the expanded size
// (DeploymentJobSizeExceeded) and the evaluation work: `budget` is the deployment's, shared by
// its expansion, late resource bodies and outputs (nullptr: a fresh budget for this call).
//
// Evaluates parameters (given values checked against type and allowedValues, defaults
// applied; a required parameter without a value is an error), variables and resources, and
// orders the resources by dependsOn (a cycle or a dependency on a resource not in the
// template is InvalidTemplate). `parameters` is the deployment's parameters object
// ({"name":{"value":...}}). Errors: InvalidTemplate (400) with target = the JSON path,
// e.g. "resources[1].properties.dnsSettings.domainNameLabel".
Result<ExpandedTemplate, ArmError> expand_template(const nlohmann::json& tmpl,
                                                   const nlohmann::json& parameters,
                                                   const TemplateScope& scope,
                                                   const ReferenceFn& reference,
                                                   EvalBudget* budget = nullptr);

// The PUT body of `resource` (one of expanded.resources): its `body` as is unless `deferred`,
// else the body evaluated now, with reference() answered by `reference`. Call it after the
// resources in depends_on are deployed. InvalidTemplate ("Unable to process template language
// expressions for resource ...") with target = the JSON path when an expression fails.
Result<nlohmann::json, ArmError> evaluate_resource_body(
    const nlohmann::json& tmpl, const ExpandedTemplate& expanded, const ExpandedResource& resource,
    const TemplateScope& scope, const ReferenceFn& reference, EvalBudget* budget = nullptr);

// Evaluates the template's outputs after the deployment ran: {"name":{"type":"String",
// "value":...}} (outputs whose condition is false are left out; secure types without value).
// reference() goes through `reference`. A failing output gives DeploymentOutputEvaluationFailed
// with an InvalidTemplate detail whose target is the output's JSON path.
Result<nlohmann::json, ArmError> evaluate_outputs(const nlohmann::json& tmpl,
                                                  const ExpandedTemplate& expanded,
                                                  const TemplateScope& scope,
                                                  const ReferenceFn& reference,
                                                  EvalBudget* budget = nullptr);

// ARM's uniqueString(a, b, ...): 13 lower-case characters derived from the arguments (the
// same algorithm as Azure, so a template gives the names it gives in Azure).
std::string unique_string(const std::vector<std::string>& parts);

// Parses a request body the way ARM's front door tolerates it: strict JSON, or the body
// `az deployment group create` sends (unquoted `template` key, // and /* */ comments and
// trailing commas inside the raw template text), through parse_json_limited. Errors:
// ResourceExhausted (larger than limits.max_bytes, nested deeper than limits.max_depth),
// InvalidArgument with the position otherwise.
Result<nlohmann::json> parse_lenient_json(std::string_view body,
                                          const JsonLimits& limits = kArmJsonLimits);

}  // namespace emu::arm
