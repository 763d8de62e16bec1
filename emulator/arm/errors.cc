// ARM error wording. Sources: ../shared/reference/azure-clients.md §3.3, §3.4, §3.7, §3.8 and
// the documents it cites; "inferred" marks wording not confirmed against the real service.
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
namespace {

ArmError make(int status, std::string code, std::string message) {
  ArmError e;
  e.http_status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

// WWW-Authenticate as ARM sends it (azure-clients.md §3.8 [C-doc]).
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

// [C-doc] azure-clients.md §3.8
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

// [inferred] azure-clients.md §3.8
ArmError expired_token(const std::string& authority, const std::string& expiry_utc,
                       const std::string& now_utc) {
  return unauthorized(authority, "ExpiredAuthenticationToken",
                      "The access token expiry UTC time '" + expiry_utc +
                          "' is earlier than current UTC time '" + now_utc + "'.");
}

// [inferred] azure-clients.md §3.8
ArmError wrong_audience(const std::string& authority, const std::string& audience) {
  return unauthorized(
      authority, "InvalidAuthenticationTokenAudience",
      "The access token has been obtained for wrong audience or resource '" + audience +
          "'. It should exactly match with one of the allowed audiences "
          "'https://management.core.windows.net/','https://management.core.windows.net',"
          "'https://management.azure.com/','https://management.azure.com'.");
}

// [C-doc] azure-clients.md §3.8
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

// [inferred]
ArmError invalid_resource_type(const std::string& type) {
  return make(400, "InvalidResourceType", "The resource type '" + type + "' could not be found.");
}

// [inferred] ARM answers a tracked-resource PUT without location so.
ArmError missing_location() {
  return make(400, "LocationRequired", "The location property is required for this definition.");
}

ArmError invalid_parameter(const std::string& target, const std::string& message) {
  ArmError e = make(400, "InvalidParameter", message);
  e.target = target;
  return e;
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

// [inferred] azure-clients.md §3.8
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

// [inferred]
ArmError deployment_not_found(const std::string& name) {
  return make(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
}

// [inferred]
ArmError operation_not_found(const std::string& id) {
  return make(404, "OperationNotFound", "The operation '" + id + "' could not be found.");
}

// [C-doc] azure-clients.md §3.3
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

ArmError conflict(const std::string& code, const std::string& message) {
  return make(409, code, message);
}

// [C-doc] azure-clients.md §3.7
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
