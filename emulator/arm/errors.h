// ARM's error replies: {"error":{"code","message","target"?,"details"?,"additionalInfo"?}}.
// Every named constructor gives the HTTP status and wording of the real service; the comment
// beside each says where the wording comes from (../shared/reference/azure-clients.md §3.8 and
// the docs it cites) or "inferred" when it is not confirmed.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
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

// A value or the ARM error that replaces it.
template <typename T>
class ArmOr {
 public:
  ArmOr(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  ArmOr(ArmError error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return value_.has_value(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  const ArmError& error() const { return *error_; }

 private:
  std::optional<T> value_;
  std::optional<ArmError> error_;
};

namespace errors {

// --- Authentication (401, with WWW-Authenticate: Bearer authorization_uri=...) ---
// `authority` is the login endpoint named in WWW-Authenticate (the emulator's aad URL).
ArmError authentication_missing(const std::string& authority);  // AuthenticationFailed
ArmError invalid_token(const std::string& authority, const std::string& reason);
ArmError expired_token(const std::string& authority, const std::string& expiry_utc,
                       const std::string& now_utc);  // ExpiredAuthenticationToken
ArmError wrong_audience(const std::string& authority, const std::string& audience);
// 403 AuthorizationFailed naming client (app ID or UPN), object ID, action and scope.
ArmError authorization_failed(const std::string& client, const std::string& object_id,
                              const std::string& action, const std::string& scope);

// --- Request shape ---
ArmError missing_api_version();  // 400
ArmError invalid_api_version(const std::string& version,
                             const std::vector<std::string>& supported);  // 400
ArmError no_registered_provider(const std::string& location, const std::string& version,
                                const std::string& type, const std::vector<std::string>& versions,
                                const std::vector<std::string>& locations);  // 400
ArmError invalid_request_content(const std::string& message);  // 400 InvalidRequestContent
ArmError invalid_resource_namespace(const std::string& ns);    // 400 (inferred)
ArmError invalid_resource_type(const std::string& type);       // 400 InvalidResourceType
ArmError missing_location();                                   // 400 LocationRequired
ArmError invalid_parameter(const std::string& target, const std::string& message);  // 400
ArmError method_not_allowed(const std::string& method);  // 405 (inferred wording)
ArmError path_not_found(const std::string& path);        // 404 (inferred wording)

// --- Not found ---
ArmError subscription_not_found(const std::string& subscription_id);                      // 404
ArmError resource_group_not_found(const std::string& name);                               // 404
ArmError resource_not_found(const std::string& type_and_name, const std::string& group);  // 404
ArmError deployment_not_found(const std::string& name);                                   // 404
ArmError operation_not_found(const std::string& id);  // 404 (inferred)

// --- Providers ---
ArmError missing_subscription_registration(const std::string& ns);  // 409

// --- Conflicts ---
ArmError resource_group_being_deleted(const std::string& name);          // 409
ArmError conflict(const std::string& code, const std::string& message);  // 409 any code

// --- Throttling ---
ArmError too_many_requests(const std::string& operation_type, int retry_after_seconds);  // 429

}  // namespace errors
}  // namespace emu::arm
