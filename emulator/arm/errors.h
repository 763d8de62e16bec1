// ARM's error replies: {"error":{"code","message","target"?,"details"?}}, as data. This header is
// the complete list of the error codes the ARM party answers: one builder per code (a few codes
// whose message is the caller's, e.g. InvalidParameter, take it as an argument), each giving the
// HTTP status and the wording of the real service. Beside each builder, in the .cc that holds it,
// is where the wording comes from (a Microsoft Learn page, the REST specification, a quoted
// real reply) or "inferred" when it is not confirmed.
//   errors.cc             ArmError, the general builder, the request pipeline, subscriptions,
//                         providers, groups, roles, resources, long-running operations
//   errors_deployments.cc template deployments and the template engine
//   errors_types.cc       the resource providers' rules (Compute, Network, Storage, Key Vault)
// No ARM error code is spelled outside these files.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::arm {

struct ArmError {
  int http_status = 400;
  std::string code;
  std::string message;
  std::string target;             // "" = omitted
  std::vector<ArmError> details;  // nested errors (DeploymentFailed, InvalidTemplate...)
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. WWW-Authenticate

  // {"code","message","target"?,"details"?} (no "error" wrapper; details recursively).
  nlohmann::json to_json() const;
  // {"error": to_json()}.
  nlohmann::json body() const;
};

// A value or the ARM error that replaces it is the core Result<T, ArmError> (status.h).

namespace errors {

// The general builder: any status, code, message and target. The named builders below use it;
// elsewhere it only forwards a code the emulator stored earlier (a failed operation's error).
ArmError make(int http_status, std::string code, std::string message, std::string target = "");

// --- The request pipeline (errors.cc) ---
// 401 with WWW-Authenticate: Bearer authorization_uri=... ; `authority` is the login endpoint
// named in WWW-Authenticate (the emulator's aad URL).
ArmError authentication_missing(const std::string& authority);  // AuthenticationFailed
ArmError invalid_token(const std::string& authority,
                       const std::string& reason);  // InvalidAuthenticationToken
ArmError expired_token(const std::string& authority, const std::string& expiry_utc,
                       const std::string& now_utc);  // ExpiredAuthenticationToken
ArmError wrong_audience(const std::string& authority,
                        const std::string& audience);  // InvalidAuthenticationTokenAudience
// 401 InvalidAuthenticationTokenTenant: a token of another tenant than the subscription's.
ArmError wrong_tenant(const std::string& issuer, const std::string& tenant_id);
// 403 AuthorizationFailed naming client (app ID or UPN), object ID, action and scope.
ArmError authorization_failed(const std::string& client, const std::string& object_id,
                              const std::string& action, const std::string& scope);
ArmError missing_api_version();  // 400 MissingApiVersionParameter
ArmError invalid_api_version(const std::string& version,
                             const std::vector<std::string>& supported);  // 400
ArmError method_not_allowed(const std::string& method);                   // 405 MethodNotAllowed
ArmError path_not_found(const std::string& path);                         // 404 NotFound
// 429 TooManyRequests with Retry-After.
ArmError too_many_requests(const std::string& operation_type, int retry_after_seconds);
// 500 InternalServerError: the emulator's own state failed; the message is the Status's.
ArmError internal_error(const Status& status);
// 500 InternalServerError: "The server encountered an internal error: <status>".
ArmError internal_error_described(const Status& status);

// --- Request content (errors.cc) ---
ArmError invalid_request_content(const std::string& message);  // 400 InvalidRequestContent
// 400 InvalidParameter naming `target`; the message is the caller's.
ArmError invalid_parameter(const std::string& target, const std::string& message);
// 400 InvalidParameter "Required parameter '<path>' is missing (null)." (Compute's wording).
ArmError required_parameter_missing(const std::string& path);
ArmError missing_location();                       // 400 LocationRequired
ArmError invalid_filter(std::string_view filter);  // 400 InvalidFilterInQueryString

// --- Subscriptions and providers (errors.cc) ---
ArmError subscription_not_found(const std::string& subscription_id);  // 404
ArmError invalid_resource_namespace(const std::string& ns);           // 400
ArmError resource_namespace_not_found(const std::string& ns);  // 404 InvalidResourceNamespace
ArmError invalid_resource_type(const std::string& type);       // 400 InvalidResourceType
ArmError no_registered_provider(const std::string& location, const std::string& version,
                                const std::string& type, const std::vector<std::string>& versions,
                                const std::vector<std::string>& locations);  // 400
ArmError missing_subscription_registration(const std::string& ns);           // 409

// --- Resource groups (errors.cc) ---
ArmError resource_group_not_found(const std::string& name);      // 404 ResourceGroupNotFound
ArmError invalid_resource_group_name(const std::string& name);   // 400 InvalidResourceGroup
ArmError resource_group_being_deleted(const std::string& name);  // 409 ResourceGroupBeingDeleted
// 400 LocationNotAvailableForResourceGroup listing `regions`.
ArmError location_not_available_for_group(const std::string& location,
                                          const std::vector<std::string>& regions);
// 409 InvalidResourceGroupLocation: the group exists in `existing`.
ArmError invalid_resource_group_location(const std::string& requested, const std::string& existing);

// --- Role assignments and definitions (errors.cc) ---
// RoleDefinitionDoesNotExist: 400 for a role named in a request body, 404 for a GET.
ArmError role_definition_does_not_exist(const std::string& id, int http_status);
ArmError principal_not_found(const std::string& principal,
                             const std::string& tenant_id);   // 400 PrincipalNotFound
ArmError role_assignment_exists();                            // 409 RoleAssignmentExists
ArmError role_assignment_not_found(const std::string& name);  // 404 RoleAssignmentNotFound

// --- Resources and long-running operations (errors.cc) ---
// 404 ResourceNotFound: `type_and_name` is "Microsoft.X/type/name".
ArmError resource_not_found(const std::string& type_and_name, const std::string& group);
// 404 ParentResourceNotFound: a child PUT without its parent (wording of ResourceNotFound).
ArmError parent_resource_not_found(const std::string& type_and_name, const std::string& group);
ArmError name_in_use(const std::string& name);  // 409 Conflict (a global name of this lab)
ArmError another_operation_in_progress(const std::string& id);  // 409, the resource is deleting
ArmError operation_not_found(const std::string& id);            // 404 OperationNotFound
// 400 with the code and message of a failed operation's stored error ({"code","message"}),
// OperationFailed when it has none.
ArmError operation_failed(const nlohmann::json& stored_error);

// --- Template deployments (errors_deployments.cc) ---
ArmError deployment_not_found(const std::string& name);  // 404 DeploymentNotFound
// 404 DeploymentOperationNotFound.
ArmError deployment_operation_not_found(const std::string& deployment,
                                        const std::string& operation_id);
ArmError invalid_deployment_name(const std::string& name);  // 400 InvalidDeploymentName
// 400 InvalidTemplateDeployment wrapping `details` (preflight failures).
ArmError invalid_template_deployment(const std::string& name, const std::string& tracking_id,
                                     std::vector<ArmError> details);
// 409 DeploymentFailed: the error object of a Failed deployment, with the failed operations.
ArmError deployment_failed(std::vector<ArmError> details);
// 409 DeploymentActive: a PUT or DELETE of a deployment started at `started` that still runs.
ArmError deployment_active(const std::string& name, TimePoint started);
// 409 DeploymentCannotBeCancelled: cancel of a deployment that is not Accepted/Running.
ArmError deployment_not_cancelable(const std::string& name, const std::string& state);
// 400 InvalidTemplate on properties.templateLink (the emulator fetches nothing).
ArmError template_link_not_supported();
// 400 InvalidRequestContent: neither properties.template nor properties.templateLink.
ArmError template_missing();
// 400 InvalidRequestContent: a template without `resources`.
ArmError template_resources_missing();
// 400 InvalidParameter on properties.mode (only Incremental is modelled).
ArmError deployment_mode_not_supported(const std::string& mode);

// --- The template engine (errors_deployments.cc) ---
// 400 InvalidTemplate "Deployment template validation failed: '<inner>'." at `target`.
ArmError invalid_template(std::string target, const std::string& inner);
// 400 InvalidTemplate: a resource body that failed when evaluated late (reference()).
ArmError template_expression_failed(const std::string& resource_id, const std::string& path,
                                    std::string target, const std::string& reason);
// 400 DeploymentOutputEvaluationFailed for output `name`, with the InvalidTemplate `detail`.
ArmError output_evaluation_failed(const std::string& name, ArmError detail);

// --- Limits (errors_deployments.cc; README "Limits") ---
// 413 RequestContentTooLarge: a request body over 4 MB.
ArmError request_content_too_large();
// 400 InvalidTemplate "The number of template <section> limit exceeded. Limit: '<limit>' and
// actual: '<actual>'." with target `section` ("parameters", "variables", "resources",
// "outputs").
ArmError template_limit_exceeded(const std::string& section, size_t limit, size_t actual);
// 400 DeploymentJobSizeExceeded: the expanded template (resolved parameters, variables and
// resources) or one resource definition is larger than ARM allows; `what` names it.
ArmError deployment_job_size_exceeded(std::string target, const std::string& what, size_t bytes,
                                      size_t limit);

// --- Resource providers' rules (errors_types.cc) ---
// 400 LocationNotAvailableForResourceType listing `regions`.
ArmError location_not_available_for_type(std::string_view location, std::string_view type,
                                         const std::vector<std::string>& regions);
// 400 InvalidRequestFormat "Cannot parse the request." (Network) at `target`.
ArmError invalid_request_format(const std::string& target);
// 400 InvalidRequestPropertyValue (Storage) at `target`; the message is the caller's.
ArmError invalid_request_property_value(const std::string& target, const std::string& message);
// Compute.
ArmError sku_not_available(const std::string& resource_id, const std::string& location,
                           const std::string& subscription_id);  // 409 SkuNotAvailable
// 409 vCPU quota `resource` ("standardBSFamily" or "cores") exceeded: OperationNotAllowed on a
// direct PUT, QuotaExceeded inside a deployment's preflight.
ArmError quota_exceeded(const std::string& subscription_id, const std::string& location,
                        const std::string& resource, int64_t limit, int64_t usage, int64_t needed,
                        bool direct_request);
// Network.
ArmError invalid_domain_name_label(const std::string& label,
                                   const std::string& pattern);  // 400 InvalidDomainNameLabel
ArmError dns_record_in_use(const std::string& fqdn);             // 400 DnsRecordInUse
// 400 StandardSkuPublicIPAddressesMustBeStatic.
ArmError standard_public_ip_must_be_static(const std::string& id);
// 400 SecurityRuleInvalidPriority; `value` is the priority as JSON ("null" when absent).
ArmError security_rule_invalid_priority(const std::string& value, const std::string& rule_id);
ArmError invalid_resource_reference(const std::string& ref,
                                    const std::string& by);  // 400 InvalidResourceReference
ArmError invalid_address_prefix(const std::string& prefix,
                                const std::string& id);  // 400 InvalidAddressPrefixFormat
ArmError subnet_outside_vnet(const std::string& subnet,
                             const std::string& vnet);  // 400 NetcfgSubnetRangeOutsideVnet
ArmError subnets_overlap(const std::string& subnet,
                         const std::string& vnet);  // 400 NetcfgSubnetRangesOverlap
// Storage.
ArmError invalid_values(const std::string& names);  // 400 InvalidValuesForRequestParameters
ArmError storage_account_name_invalid(const std::string& name);   // 400 AccountNameInvalid
ArmError storage_account_already_taken(const std::string& name);  // 409
// Key Vault.
ArmError vault_name_not_valid(const std::string& name);      // 400 VaultNameNotValid
ArmError vault_already_exists(const std::string& name);      // 409 VaultAlreadyExists
ArmError vault_in_deleted_state();                           // 409 ConflictError
ArmError key_vault_bad_request(const std::string& message);  // 400 BadRequest

// The `reason` values of the checkNameAvailability replies (Storage and Key Vault REST specs).
inline constexpr const char* kReasonAccountNameInvalid = "AccountNameInvalid";
inline constexpr const char* kReasonAlreadyExists = "AlreadyExists";

}  // namespace errors
}  // namespace emu::arm
