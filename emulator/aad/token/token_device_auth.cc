// Entra-joined devices at the token endpoint, after MS-OAPXBC ("OAuth 2.0 Protocol Extensions
// for Broker Clients", Microsoft Open Specifications; README Sources [S10]):
//   3.1.5.1.1  POST /token grant_type=srv_challenge -> {"Nonce": "..."}
//   3.2.5.1.2  POST /token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&request=<JWT>,
//              the JWT RS256-signed with the device key, the device certificate in the x5c
//              header, its payload carrying client_id and request_nonce.
// With the user's credentials in the request (§3.2.5.1.2.1.1), the token is the user's on that
// device (ConfigMgr's "UDA"). Where the spec's request yields a primary refresh token, the lab
// answers with what ConfigMgr's client asks WAM for ("Getting AAD (device) token with: ClientId =
// …, ResourceUrl = …"): an access token for the payload's `resource` (v1) or `scope` (v2) whose
// subject is the device object and whose `deviceid` claim is the device ID [inferred: WAM's
// device-token exchange is not published].
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"

#include <openssl/x509.h>

namespace emu::aad::internal {
namespace {

// How long a srv_challenge nonce is accepted [inferred: not published].
constexpr auto kNonceLifetime = std::chrono::minutes(5);
constexpr const char* kNonceUse = "srv_challenge";

std::string string_of(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

AadOr<http::Response> TokenService::srv_challenge(const Call& call) {
  const TimePoint now = d_.clock.now();
  const int64_t iat = unix_seconds(now);
  const int64_t exp = unix_seconds(now + kNonceLifetime);
  auto nonce = d_.keys.sign({{"use", kNonceUse}, {"iat", iat}, {"exp", exp}});
  if (!nonce.ok()) return aadsts::server_error(nonce.status().message());
  return token_reply(call, {{"Nonce", *nonce}});
}

AadOr<http::Response> TokenService::device_token(const Call& call) {
  auto request = parse_jwt(call.get("request"));
  if (!request.ok()) return aadsts::malformed_jwt();
  const nlohmann::json& header = request->header;
  const nlohmann::json& payload = request->payload;
  auto x5c = header.find("x5c");
  if (string_of(header, "alg") != "RS256" || x5c == header.end() || !x5c->is_array() ||
      x5c->empty() || !(*x5c)[0].is_string())
    return aadsts::malformed_jwt();
  auto cert_der = base64_decode((*x5c)[0].get<std::string>());
  if (!cert_der.ok()) return aadsts::malformed_jwt();
  auto cert = crypto::parse_cert_der(*cert_der);
  if (!cert.ok()) return aadsts::malformed_jwt();
  const std::string authority_label =
      call.authority.tenant ? tenant_label(*call.authority.tenant) : call.authority.segment;

  // The device: registered with exactly this certificate, in the named tenant.
  auto thumbprint = crypto::thumbprint_of_der(*cert_der);
  if (!thumbprint.ok()) return aadsts::malformed_jwt();
  auto device = d_.directory.find_device_by_thumbprint(*thumbprint);
  if (!device.ok() ||
      (call.authority.tenant && !http::iequals(call.authority.tenant->id, device->tenant_id)))
    return aadsts::device_not_found(authority_label);
  if (!crypto::rs256_verify(X509_get0_pubkey(cert->get()), request->signing_input,
                            request->signature))
    return aadsts::device_authentication_failed();

  // The nonce: one this endpoint issued, not expired.
  const std::string nonce_text = string_of(payload, "request_nonce");
  if (nonce_text.empty()) return aadsts::missing_parameter("request_nonce");
  auto nonce = parse_jwt(nonce_text);
  const TimePoint now = d_.clock.now();
  if (!nonce.ok() || string_of(nonce->payload, "use") != kNonceUse ||
      !d_.keys.verify(string_of(nonce->header, "kid"), nonce->signing_input, nonce->signature)
           .ok() ||
      !nonce->payload.contains("exp") || !nonce->payload["exp"].is_number_integer() ||
      nonce->payload["exp"].get<int64_t>() < unix_seconds(now))
    return aadsts::grant_invalid("The request_nonce is not one this server issued or it expired.");
  if (!device->enabled) return aadsts::device_disabled();

  // The client application and the resource, as a public client asks for them.
  const std::string client_id = string_of(payload, "client_id");
  if (client_id.empty()) return aadsts::missing_parameter("client_id");
  auto tenant = d_.directory.find_tenant(device->tenant_id);
  if (!tenant.ok()) return aadsts::device_not_found(authority_label);
  auto client = find_client(*tenant, client_id);
  if (!client.ok()) return client.error();
  Client& c = client.value();
  if (auto e = authenticate_client(call, *tenant, c, !c.allows_public_flows(), false)) return *e;
  std::string scope;
  if (call.version == 1) {
    const std::string resource = string_of(payload, "resource");
    if (resource.empty()) return aadsts::missing_parameter("resource");
    scope = resource + "/.default";
  } else {
    scope = string_of(payload, "scope");
    if (scope.empty()) return aadsts::missing_parameter("scope");
  }
  auto sr = parse_scope(scope);
  if (!sr.ok()) return sr.error();
  auto resource = resolve_resource(*tenant, sr.value());
  if (!resource.ok()) return resource.error();
  Issue issue;
  issue.tenant = *tenant;
  issue.client = std::move(c);
  issue.scopes = std::move(sr.value());
  issue.resource = std::move(resource.value());
  issue.device = *std::move(device);
  // User authentication in the same request (MS-OAPXBC §3.2.5.1.2.1.1: grant_type "password",
  // username, password): a token for the user on this device, delegated and with its deviceid.
  if (string_of(payload, "grant_type") == "password") {
    const std::string username = string_of(payload, "username");
    if (username.empty()) return aadsts::missing_parameter("username");
    auto user = d_.directory.find_user(issue.tenant.id, username);
    if (!user.ok()) return aadsts::user_not_found(username, issue.tenant.domain);
    if (auto e = check_user(*user, string_of(payload, "password"))) return *e;
    issue.user = std::move(user).value();
    issue.amr = {"pwd", "rsa"};
    if (auto e = grant_delegated(issue)) return *e;
  }
  return mint(call, issue);
}

}  // namespace emu::aad::internal
