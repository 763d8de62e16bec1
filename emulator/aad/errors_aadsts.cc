// The AADSTS catalogue: one factory per code (declared in errors.h).
#include "emulator/aad/errors.h"

#include <chrono>

namespace emu::aad {
namespace {

// Sources cited below:
//   [rec]   recorded Entra replies in public Azure SDK test recordings (README Sources [S3]).
//   [codes] Microsoft Entra authentication and authorization error codes
//           (learn.microsoft.com/entra/identity-platform/reference-error-codes).
//   [doc]   other public Microsoft documentation or recorded replies, named where used.
//   inferred: Entra's code or wording is not recorded in a source we have; best recollection.

AadError make(int code, int status, std::string error, std::string message,
              std::string suberror = {}) {
  AadError e;
  e.code = code;
  e.http_status = status;
  e.error = std::move(error);
  e.message = std::move(message);
  e.suberror = std::move(suberror);
  return e;
}

std::string str(std::string_view s) { return std::string(s); }

// "2023-08-01T11:08:01.0000000Z", the time format of AADSTS700024's text.
std::string dotnet_time(TimePoint t) {
  std::string iso = format_iso8601(std::chrono::floor<std::chrono::seconds>(t));
  if (!iso.empty() && iso.back() == 'Z') iso.pop_back();
  return iso + ".0000000Z";
}

}  // namespace

namespace aadsts {

// [rec] 401 invalid_client, current wording.
AadError invalid_client_secret(std::string_view app_id) {
  return make(7000215, 401, "invalid_client",
              "Invalid client secret provided. Ensure the secret being sent in the request is the "
              "client secret value, not the client secret ID, for a secret added to app '" +
                  str(app_id) + "'.");
}

// [doc] recorded ADAL/Azure DevOps replies ("The provided client secret keys for app '…' are
// expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret,
// or consider using certificate credentials …"); 401 invalid_client as 7000215.
AadError expired_client_secret(std::string_view app_id) {
  return make(7000222, 401, "invalid_client",
              "The provided client secret keys for app '" + str(app_id) +
                  "' are expired. Visit the Azure portal to create new keys for your app: "
                  "https://aka.ms/NewClientSecret, or consider using certificate credentials for "
                  "added security: https://aka.ms/certCreds.");
}

// inferred (recalled Entra wording); client_credentials with neither secret nor assertion.
AadError client_credentials_missing() {
  return make(7000216, 401, "invalid_client",
              "'client_assertion', 'client_secret' or 'request' is required for the "
              "'client_credentials' grant type.");
}

// [doc] public recordings: "The request body must contain the following parameter:
// 'client_assertion' or 'client_secret'." (a confidential client without credentials).
AadError client_auth_missing() {
  return make(7000218, 401, "invalid_client",
              "The request body must contain the following parameter: 'client_assertion' or "
              "'client_secret'.");
}

// inferred (recalled Entra wording): a public client sent a credential.
AadError public_client_credentials(std::string_view app_id) {
  return make(700025, 401, "invalid_client",
              "Client is public so neither 'client_assertion' nor 'client_secret' should be "
              "presented. Application '" +
                  str(app_id) + "'.");
}

// [rec] 400 unauthorized_client.
AadError application_not_found(std::string_view app_id, std::string_view tenant) {
  return make(700016, 400, "unauthorized_client",
              "Application with identifier '" + str(app_id) + "' was not found in the directory '" +
                  str(tenant) +
                  "'. This can happen if the application has not been installed by the "
                  "administrator of the tenant or consented to by any user in the tenant. You may "
                  "have sent your authentication request to the wrong tenant.");
}

// inferred: an app registration without a service principal in the tenant.
AadError service_principal_missing(std::string_view app_id, std::string_view tenant) {
  return make(7000229, 400, "invalid_client",
              "The client application " + str(app_id) +
                  " is missing service principal in the tenant " + str(tenant) +
                  ". See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119");
}

// [rec] 400; `error` is invalid_request at the token endpoint, invalid_tenant at discovery.
AadError tenant_not_found(std::string_view tenant, std::string_view oauth_error) {
  return make(90002, 400, str(oauth_error),
              "Tenant '" + str(tenant) +
                  "' not found. Check to make sure you have the correct tenant ID and are signing "
                  "into the correct cloud. Check with your subscription administrator, this may "
                  "happen if there are no active subscriptions for the tenant.");
}

// [rec] 400 invalid_grant.
AadError invalid_username_or_password() {
  return make(50126, 400, "invalid_grant",
              "Error validating credentials due to invalid username or password.");
}

// [rec] 400 invalid_grant.
AadError user_not_found(std::string_view user, std::string_view tenant) {
  return make(50034, 400, "invalid_grant",
              "The user account " + str(user) + " does not exist in the " + str(tenant) +
                  " directory. To sign into this application, the account must be added to the "
                  "directory.");
}

// [codes] UserDisabled; wording from public recordings; invalid_grant inferred from them.
AadError user_disabled() {
  return make(50057, 400, "invalid_grant", "The user account is disabled.");
}

// [rec] interaction_required (CLI special case); text and suberror "basic_action" from public
// recordings of az login replies.
AadError mfa_required(std::string_view resource_app_id) {
  return make(50076, 400, "interaction_required",
              "Due to a configuration change made by your administrator, or because you moved to "
              "a new location, you must use multi-factor authentication to access '" +
                  str(resource_app_id) + "'.",
              "basic_action");
}

// [codes] UserInformationNotProvided (prompt=none without a session); wording inferred.
AadError login_required() {
  return make(50058, 400, "login_required",
              "A silent sign-in request was sent but no user is signed in.");
}

// [rec] 400 invalid_request.
AadError missing_parameter(std::string_view name) {
  return make(900144, 400, "invalid_request",
              "The request body must contain the following parameter: '" + str(name) + "'.");
}

// [doc] Microsoft 365 admin help "Addressing Teams sign-in error AADSTS9000411" (the
// parameter 'login_hint' duplicated); RFC 6749 §3.1 forbids repeated parameters. The status
// and OAuth error are inferred (400 invalid_request, as the other malformed-request errors).
AadError duplicate_parameter(std::string_view name) {
  return make(
      9000411, 400, "invalid_request",
      "The request is not properly formatted. The parameter '" + str(name) + "' is duplicated.");
}

// [codes] QueryStringTooLong; wording as Entra's sign-in page shows it ("Requested query
// string is too long.", quoted in public bug reports). 400 invalid_request inferred.
AadError query_string_too_long() {
  return make(90015, 400, "invalid_request", "Requested query string is too long.");
}

// [codes] InvalidRequestFormat ("Request isn't properly formatted."); used for oversized
// bodies, too many parameters and oversized parameters, whose real answer is not recorded
// (inferred); `detail` names the bound.
AadError malformed_request(std::string_view detail) {
  return make(90004, 400, "invalid_request",
              "The request is not properly formatted. " + str(detail));
}

// [doc] v2.0 protocol docs sample: "The provided value for the input parameter 'scope' is not
// valid. The scope … is not valid."
AadError invalid_scope(std::string_view scope) {
  return make(70011, 400, "invalid_scope",
              "The provided value for the input parameter 'scope' is not valid. The scope " +
                  str(scope) + " is not valid.");
}

// inferred (recalled Entra wording): client credentials need "<resource>/.default".
AadError default_scope_required(std::string_view scope) {
  return make(1002012, 400, "invalid_scope",
              "The provided value for scope " + str(scope) +
                  " is not valid. Client credential flows must have a scope value with /.default "
                  "suffixed to the resource identifier (application ID URI).");
}

// inferred (recalled Entra wording): scopes of two resources in one request.
AadError multiple_resources(std::string_view scope) {
  return make(28000, 400, "invalid_scope",
              "Provided value for the input parameter scope is not valid because it contains more "
              "than one resource. Scope " +
                  str(scope) + " is not valid.");
}

// [doc] Microsoft troubleshooting article for AADSTS500011: 400 invalid_resource.
AadError resource_not_found(std::string_view resource, std::string_view tenant) {
  return make(500011, 400, "invalid_resource",
              "The resource principal named " + str(resource) +
                  " was not found in the tenant named " + str(tenant) +
                  ". This can happen if the application has not been installed by the "
                  "administrator of the tenant or consented to by any user in the tenant. You "
                  "might have sent your authentication request to the wrong tenant.");
}

// [codes] DelegationDoesNotExist; wording from MSAL docs; invalid_grant + suberror
// consent_required inferred from MSAL's handling (MsalUiRequiredException).
AadError consent_required(std::string_view app_id, std::string_view app_name) {
  return make(65001, 400, "invalid_grant",
              "The user or administrator has not consented to use the application with ID '" +
                  str(app_id) + "' named '" + str(app_name) +
                  "'. Send an interactive authorization request for this user and resource.",
              "consent_required");
}

// [codes] InvalidJwtToken; wording from the Azure SDK for Java troubleshooting guide.
AadError malformed_jwt() {
  return make(50027, 400, "invalid_request", "JWT token is invalid or malformed.");
}

// [doc] Azure SDK for Java troubleshooting guide ("Client assertion contains an invalid
// signature."); the bracketed reason follows recorded replies (inferred in detail).
AadError assertion_invalid_signature(std::string_view reason, std::string_view thumbprint,
                                     std::string_view app_id) {
  return make(700027, 401, "invalid_client",
              "Client assertion contains an invalid signature. [Reason - " + str(reason) +
                  ", Thumbprint of key used by client: '" + str(thumbprint) +
                  "', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to "
                  "see configured keys for app Id '" +
                  str(app_id) + "'.]");
}

// [doc] Azure SDK for Java troubleshooting guide (ClientAssertionCredential table).
AadError assertion_subject_mismatch() {
  return make(700021, 401, "invalid_client",
              "Client assertion application identifier doesn't match 'client_id' parameter. "
              "Review the documentation at "
              "https://learn.microsoft.com/azure/active-directory/develop/"
              "active-directory-certificate-credentials");
}

// [doc] Azure SDK for Java troubleshooting guide (ClientAssertionCredential table).
AadError assertion_audience_mismatch() {
  return make(700023, 401, "invalid_client",
              "Client assertion audience claim does not match Realm issuer. Review the "
              "documentation at https://learn.microsoft.com/azure/active-directory/develop/"
              "active-directory-certificate-credentials.");
}

// [doc] recorded az login replies ("Client assertion is not within its valid time range.
// Current time: …, assertion valid from …, expiry time of assertion …").
AadError assertion_time_range(TimePoint now, TimePoint nbf, TimePoint exp) {
  return make(700024, 401, "invalid_client",
              "Client assertion is not within its valid time range. Current time: " +
                  dotnet_time(now) + ", assertion valid from " + dotnet_time(nbf) +
                  ", expiry time of assertion " + dotnet_time(exp) +
                  ". Review the documentation at "
                  "https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
}

// [doc] v1 auth-code docs: "OAuth2 Authorization code was already redeemed, please retry with a
// new valid code or use an existing refresh token."
AadError code_redeemed() {
  return make(54005, 400, "invalid_grant",
              "OAuth2 Authorization code was already redeemed, please retry with a new valid code "
              "or use an existing refresh token.");
}

// [codes] ExpiredOrRevokedGrant; wording from recorded replies.
AadError code_expired() {
  return make(70008, 400, "invalid_grant",
              "The provided authorization code or refresh token has expired due to inactivity. "
              "Send a new interactive authorization request for this user and resource.");
}

// inferred (recalled Entra wording for an expired refresh token).
AadError refresh_token_expired() {
  return make(700082, 400, "invalid_grant",
              "The refresh token has expired due to inactivity. The token was inactive for longer "
              "than its lifetime. Send a new interactive authorization request for this user and "
              "resource.");
}

// [codes] InvalidRequest - Request is malformed or invalid (unknown grant artefact).
AadError malformed_grant() {
  return make(9002313, 400, "invalid_grant", "Invalid request. Request is malformed or invalid.");
}

// [codes] DeviceNotFound / "Device object was not found in the tenant '{name}' directory."
AadError device_not_found(std::string_view tenant) {
  return make(700003, 400, "invalid_grant",
              "Device object was not found in the tenant '" + str(tenant) + "' directory.");
}

// [codes] DeviceIsDisabled: "The device is disabled."; wording of the message inferred from
// replies quoted in public issue threads ("Device used during the authentication is disabled.").
AadError device_disabled() {
  return make(135011, 400, "invalid_grant", "Device used during the authentication is disabled.");
}

// [codes] DeviceAuthenticationFailed: "Device authentication failed for this user." (the
// device's signature or certificate did not verify).
AadError device_authentication_failed() {
  return make(50155, 400, "invalid_grant", "Device authentication failed for this user.");
}

// [codes] InvalidGrant; the detail is the emulator's.
AadError grant_invalid(std::string_view detail) {
  return make(70000, 400, "invalid_grant",
              "The provided value for the input parameter is not valid. " + str(detail));
}

// [doc] recorded reply (TokenError sample): "The Code_Verifier does not match the code_challenge
// supplied in the authorization request."
AadError pkce_mismatch() {
  return make(501481, 400, "invalid_grant",
              "The Code_Verifier does not match the code_challenge supplied in the authorization "
              "request.");
}

// inferred (recalled Entra wording): token request's redirect_uri differs from the authorize one.
AadError reply_address_mismatch(std::string_view sent, std::string_view original) {
  return make(500112, 400, "invalid_grant",
              "The reply address '" + str(sent) + "' does not match the reply address '" +
                  str(original) + "' provided when requesting Authorization code.");
}

// [codes] InvalidReplyTo; wording from the Microsoft troubleshooting article for AADSTS50011.
AadError redirect_uri_mismatch(std::string_view uri, std::string_view app_id) {
  return make(50011, 400, "invalid_request",
              "The redirect URI '" + str(uri) +
                  "' specified in the request does not match the redirect URIs configured for the "
                  "application '" +
                  str(app_id) +
                  "'. Make sure the redirect URI sent in the request matches one added to your "
                  "application in the Azure portal. Navigate to "
                  "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.");
}

// [codes] AuthorizationPending; wording from MSAL test fixtures of recorded replies.
AadError authorization_pending() {
  return make(70016, 400, "authorization_pending",
              "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
}

// [doc] recorded reply in MSAL test fixtures: expired_token.
AadError device_code_expired() {
  return make(70020, 400, "expired_token",
              "The provided value for the input parameter 'device_code' is not valid. This device "
              "code has expired.");
}

// [codes] UserDeclinedConsent; using it for a declined device flow is inferred.
AadError authorization_declined() {
  return make(65004, 400, "authorization_declined", "User declined to consent to access the app.");
}

// [codes] BadVerificationCode; the OAuth error is RFC 8628's.
AadError bad_verification_code() {
  return make(70018, 400, "bad_verification_code",
              "Invalid verification code due to User typing in wrong user code for device code "
              "flow. Authorization is not approved.");
}

// [codes] CodeExpired.
AadError user_code_expired() {
  return make(70019, 400, "expired_token",
              "Verification code expired. Have the user retry the sign-in.");
}

// [codes] InvalidDeviceFlowRequest.
AadError device_flow_completed() {
  return make(90120, 400, "invalid_request", "The request was already authorized or declined.");
}

// [codes] UnsupportedGrantType; wording inferred.
AadError unsupported_grant_type(std::string_view grant_type) {
  return make(70003, 400, "unsupported_grant_type",
              "The app requested an unsupported grant type '" + str(grant_type) + "'.");
}

// [codes] UnsupportedResponseType; the emulator supports response_type=code only.
AadError unsupported_response_type(std::string_view response_type) {
  return make(70005, 400, "unsupported_response_type",
              "response_type '" + str(response_type) + "' is not enabled for the application.");
}

// [codes] NoSuchInstanceForDiscovery; error "invalid_instance" per MSAL Python's
// msal/authority.py (README Sources [S1]).
AadError unknown_instance() {
  return make(50049, 400, "invalid_instance", "Unknown or invalid instance.");
}

// [codes] TokenIssuanceError; the detail is the emulator's.
AadError server_error(std::string_view detail) {
  return make(
      50000, 500, "server_error",
      "There was an error issuing a token or an issue with our sign-in service. " + str(detail));
}

}  // namespace aadsts
}  // namespace emu::aad
