// ARM error wording: the general builder, the request pipeline, subscriptions, providers,
// groups, roles, resources and long-running operations. Sources beside each builder ([C-doc]: a
// Microsoft Learn page or a quoted real reply); "inferred" marks wording not confirmed against
// the real service.
#include "emulator/arm/errors.h"

namespace emu::arm {

using nlohmann::json;

json ArmError::to_json() const {
  json j = {{"code", code}, {"message", message}};
  if (!target.empty()) j["target"] = target;
  if (!details.empty()) {
    json d = json::array();
    for (const auto& e : details) d.push_back(e.to_json());
    j["details"] = std::move(d);
  }
  return j;
}

json ArmError::body() const { return {{"error", to_json()}}; }

namespace errors {

ArmError make(int http_status, std::string code, std::string message, std::string target) {
  ArmError e;
  e.http_status = http_status;
  e.code = std::move(code);
  e.message = std::move(message);
  e.target = std::move(target);
  return e;
}

namespace {

// WWW-Authenticate as ARM sends it (README Sources [S8]).
ArmError unauthorized(const std::string& authority, std::string code, std::string message) {
  ArmError e = make(401, std::move(code), std::move(message));
  std::string description = e.message;
  for (char& c : description)
    if (c == '"') c = '\'';
  e.headers.emplace_back("WWW-Authenticate", "Bearer authorization_uri=\"" + authority +
                                                 "\", error=\"invalid_token\", "
                                                 "error_description=\"" +
                                                 description + "\"");
  return e;
}

std::string join_quoted(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

// [C-doc] README Sources [S8]
ArmError authentication_missing(const std::string& authority) {
  return unauthorized(authority, "AuthenticationFailed",
                      "Authentication failed. The 'Authorization' header is missing.");
}

// [C-doc/inferred] "The access token is invalid." plus the validator's reason.
ArmError invalid_token(const std::string& authority, const std::string& reason) {
  std::string message = "The access token is invalid.";
  (void)reason;  // the real service does not explain; the journal keeps the reason
  return unauthorized(authority, "InvalidAuthenticationToken", message);
}

// [inferred]
ArmError expired_token(const std::string& authority, const std::string& expiry_utc,
                       const std::string& now_utc) {
  return unauthorized(authority, "ExpiredAuthenticationToken",
                      "The access token expiry UTC time '" + expiry_utc +
                          "' is earlier than current UTC time '" + now_utc + "'.");
}

// [inferred]
ArmError wrong_audience(const std::string& authority, const std::string& audience) {
  return unauthorized(
      authority, "InvalidAuthenticationTokenAudience",
      "The access token has been obtained for wrong audience or resource '" + audience +
          "'. It should exactly match with one of the allowed audiences "
          "'https://management.core.windows.net/','https://management.core.windows.net',"
          "'https://management.azure.com/','https://management.azure.com'.");
}

// [C-doc, wording from memory of real ARM replies; inferred] no WWW-Authenticate header.
ArmError wrong_tenant(const std::string& issuer, const std::string& tenant_id) {
  return make(401, "InvalidAuthenticationTokenTenant",
              "The access token is from the wrong issuer '" + issuer +
                  "'. It must match the tenant 'https://sts.windows.net/" + tenant_id +
                  "/' associated with this subscription. Please use the authority (URL) "
                  "'https://login.windows.net/" +
                  tenant_id +
                  "' to get the token. Note, if the subscription is transferred to another "
                  "tenant there is no impact to the services, but information about new tenant "
                  "could take time to propagate (up to an hour). If you just transferred your "
                  "subscription and see this error message, please try back later.");
}

// [C-doc] README Sources [S1]
ArmError authorization_failed(const std::string& client, const std::string& object_id,
                              const std::string& action, const std::string& scope) {
  return make(403, "AuthorizationFailed",
              "The client '" + client + "' with object id '" + object_id +
                  "' does not have authorization to perform action '" + action + "' over scope '" +
                  scope +
                  "' or the scope is invalid. If access was recently granted, please refresh "
                  "your credentials.");
}

// [C-doc]
ArmError missing_api_version() {
  return make(400, "MissingApiVersionParameter",
              "The api-version query parameter (?api-version=) is required for all requests.");
}

// [C-doc]
ArmError invalid_api_version(const std::string& version,
                             const std::vector<std::string>& supported) {
  return make(400, "InvalidApiVersionParameter",
              "The api-version '" + version + "' is invalid. The supported versions are '" +
                  join_quoted(supported) + "'.");
}

// [C-doc]
ArmError no_registered_provider(const std::string& location, const std::string& version,
                                const std::string& type, const std::vector<std::string>& versions,
                                const std::vector<std::string>& locations) {
  std::string locs;
  for (const auto& l : locations) locs += (locs.empty() ? "" : ", ") + l;
  std::string vers;
  for (const auto& v : versions) vers += (vers.empty() ? "" : ", ") + v;
  return make(400, "NoRegisteredProviderFound",
              "No registered resource provider found for location '" + location +
                  "' and API version '" + version + "' for type '" + type +
                  "'. The supported api-versions are '" + vers +
                  "'. The supported locations are '" + locs + "'.");
}

// [inferred] wording of ARM's request-body parse failures.
ArmError invalid_request_content(const std::string& message) {
  return make(400, "InvalidRequestContent",
              "The request content was invalid and could not be deserialized: '" + message + "'.");
}

// [inferred]
ArmError invalid_resource_namespace(const std::string& ns) {
  return make(400, "InvalidResourceNamespace", "The resource namespace '" + ns + "' is invalid.");
}

// [inferred] the same code, 404, for a provider namespace the catalog does not know.
ArmError resource_namespace_not_found(const std::string& ns) {
  ArmError e = invalid_resource_namespace(ns);
  e.http_status = 404;
  return e;
}

// [inferred]
ArmError invalid_resource_type(const std::string& type) {
  return make(400, "InvalidResourceType", "The resource type '" + type + "' could not be found.");
}

// [inferred] ARM answers a tracked-resource PUT without location so.
ArmError missing_location() {
  return make(400, "LocationRequired", "The location property is required for this definition.");
}

// [C-doc] the code; the message is the caller's.
ArmError invalid_parameter(const std::string& target, const std::string& message) {
  return make(400, "InvalidParameter", message, target);
}

// [C-doc] "Required parameter 'x' is missing (null)." is Compute's wording for a missing
// parameter.
ArmError required_parameter_missing(const std::string& path) {
  return invalid_parameter(path, "Required parameter '" + path + "' is missing (null).");
}

// [C-doc: Azure/azure-sdk-for-net#18748, azure-sdk-for-go#2480] the real wording.
ArmError invalid_filter(std::string_view filter) {
  return make(400, "InvalidFilterInQueryString",
              "Invalid $filter '" + std::string(filter) + "' specified in the query string.");
}

// [inferred]
ArmError method_not_allowed(const std::string& method) {
  return make(405, "MethodNotAllowed",
              "The requested resource does not support http method '" + method + "'.");
}

// [inferred] what ARM's front door answers for a path it cannot route.
ArmError path_not_found(const std::string& path) {
  return make(404, "NotFound", "The requested path '" + path + "' is not found.");
}

// [inferred]
ArmError subscription_not_found(const std::string& subscription_id) {
  return make(404, "SubscriptionNotFound",
              "The subscription '" + subscription_id + "' could not be found.");
}

// [C-doc]
ArmError resource_group_not_found(const std::string& name) {
  return make(404, "ResourceGroupNotFound", "Resource group '" + name + "' could not be found.");
}

// [I/C-doc]
ArmError resource_not_found(const std::string& type_and_name, const std::string& group) {
  return make(404, "ResourceNotFound",
              "The Resource '" + type_and_name + "' under resource group '" + group +
                  "' was not found. For more details please go to "
                  "https://aka.ms/ARMResourceNotFoundFix");
}

// [inferred] the child PUT answer: ResourceNotFound's wording with its own code.
ArmError parent_resource_not_found(const std::string& type_and_name, const std::string& group) {
  ArmError e = resource_not_found(type_and_name, group);
  e.code = "ParentResourceNotFound";
  return e;
}

// [inferred] a global name (DNS label, vault, storage account) another resource of the lab holds.
ArmError name_in_use(const std::string& name) {
  return make(409, "Conflict", "The name '" + name + "' is already in use.");
}

// [inferred] the wording RPs use while another operation runs on the resource.
ArmError another_operation_in_progress(const std::string& id) {
  return make(409, "AnotherOperationInProgress",
              "Another operation on this or dependent resource is in progress. Resource '" + id +
                  "' is being deleted.");
}

// [inferred]
ArmError operation_not_found(const std::string& id) {
  return make(404, "OperationNotFound", "The operation '" + id + "' could not be found.");
}

// [inferred] the fallback code and message of a failed operation without a stored error.
ArmError operation_failed(const json& stored_error) {
  return make(400, stored_error.value("code", "OperationFailed"),
              stored_error.value("message", "The operation failed."));
}

// [C-doc] code and message of an invalid group name.
ArmError invalid_resource_group_name(const std::string& name) {
  return make(400, "InvalidResourceGroup",
              "The provided resource group name '" + name + "' has these invalid characters: '" +
                  name + "'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.");
}

// [inferred]
ArmError location_not_available_for_group(const std::string& location,
                                          const std::vector<std::string>& regions) {
  return make(400, "LocationNotAvailableForResourceGroup",
              "The provided location '" + location +
                  "' is not available for resource group. List of available regions is '" +
                  join_quoted(regions) + "'.");
}

// [inferred]
ArmError invalid_resource_group_location(const std::string& requested,
                                         const std::string& existing) {
  return make(409, "InvalidResourceGroupLocation",
              "Invalid resource group location '" + requested +
                  "'. The Resource group already exists in location '" + existing + "'.");
}

// [C-doc]
ArmError role_definition_does_not_exist(const std::string& id, int http_status) {
  return make(http_status, "RoleDefinitionDoesNotExist",
              "The specified role definition with ID '" + id + "' does not exist.");
}

// [C-doc]
ArmError principal_not_found(const std::string& principal, const std::string& tenant_id) {
  return make(400, "PrincipalNotFound",
              "Principal " + principal + " does not exist in the directory " + tenant_id + ".");
}

// [C-doc]
ArmError role_assignment_exists() {
  return make(409, "RoleAssignmentExists", "The role assignment already exists.");
}

// [C-doc]
ArmError role_assignment_not_found(const std::string& name) {
  return make(404, "RoleAssignmentNotFound", "The role assignment '" + name + "' is not found.");
}

// [inferred] a failure of the emulator's own state (SQLite).
ArmError internal_error(const Status& status) {
  return make(500, "InternalServerError", status.message());
}

// [inferred]
ArmError internal_error_described(const Status& status) {
  return make(500, "InternalServerError",
              "The server encountered an internal error: " + status.to_string());
}

// [C-doc] README Sources [S1]
ArmError missing_subscription_registration(const std::string& ns) {
  const std::string message = "The subscription is not registered to use namespace '" + ns +
                              "'. See https://aka.ms/rps-not-found for how to register "
                              "subscriptions.";
  ArmError e = make(409, "MissingSubscriptionRegistration", message);
  ArmError detail = make(409, "MissingSubscriptionRegistration", message);
  detail.target = ns;
  e.details.push_back(std::move(detail));
  return e;
}

// [inferred]
ArmError resource_group_being_deleted(const std::string& name) {
  return make(409, "ResourceGroupBeingDeleted",
              "The resource group '" + name +
                  "' is in deprovisioning state and cannot perform this operation.");
}

// [C-doc] README Sources [S3]
ArmError too_many_requests(const std::string& operation_type, int retry_after_seconds) {
  ArmError e = make(429, "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation "
                    "type - " +
                        operation_type + ".");
  e.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return e;
}

}  // namespace errors
}  // namespace emu::arm
