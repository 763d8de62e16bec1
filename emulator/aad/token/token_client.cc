// Client identification and authentication at the token endpoint: client_id lookup,
// client_secret (form or HTTP Basic) and client_assertion checks.
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/token/token_internal.h"

#include <openssl/crypto.h>

namespace emu::aad::internal {
namespace {

constexpr std::string_view kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

bool secret_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// client_secret_basic (RFC 6749 §2.3.1): "Basic base64(urlencode(id):urlencode(secret))".
std::optional<std::string> basic_secret(const http::Request& req, std::string_view client_id) {
  auto auth = req.headers.get("Authorization");
  if (!auth || auth->size() < 6 || !http::iequals(auth->substr(0, 6), "basic ")) return {};
  auto decoded = base64_decode(auth->substr(6));
  if (!decoded.ok()) return {};
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return {};
  if (!http::iequals(http::url_decode(decoded->substr(0, colon), true), client_id)) return {};
  return http::url_decode(decoded->substr(colon + 1), true);
}

}  // namespace

AadOr<Client> TokenService::find_client(const Tenant& tenant, std::string_view client_id) {
  auto app = d_.directory.find_application(tenant.id, client_id);
  if (!app.ok()) {
    // A multi-tenant application registered elsewhere counts once it has a service principal
    // here (it was provisioned / consented to in this tenant).
    auto home = d_.directory.find_application_any_tenant(client_id);
    if (!home.ok() || !d_.directory.find_service_principal(tenant.id, client_id).ok())
      return aadsts::application_not_found(client_id, tenant_label(tenant));
    app = std::move(home);
  }
  if (!http::iequals(app->app_id, client_id))  // an object ID is not a client ID
    return aadsts::application_not_found(client_id, tenant_label(tenant));
  Client client;
  client.app = std::move(app).value();
  auto sp = d_.directory.find_service_principal(tenant.id, client.app.app_id);
  if (sp.ok()) client.sp = std::move(sp).value();
  return client;
}

std::optional<AadError> TokenService::authenticate_client(const Call& call, const Tenant& tenant,
                                                          Client& client, bool must_authenticate,
                                                          bool client_credentials) {
  const std::string& app_id = client.app.app_id;
  if (auto assertion = call.param("client_assertion")) {
    auto type = call.param("client_assertion_type");
    if (!type) return aadsts::missing_parameter("client_assertion_type");
    if (*type != kJwtBearer) return aadsts::malformed_jwt();  // inferred code for a bad type
    if (client.app.first_party) return aadsts::public_client_credentials(app_id);
    auto error = verify_client_assertion(call, tenant, client.app, *assertion, d_.clock.now());
    if (error) return error;
    client.auth = ClientAuth::kCertificate;
    return std::nullopt;
  }
  std::optional<std::string> secret = call.param("client_secret");
  if (!secret) secret = basic_secret(*call.req, app_id);
  if (secret) {
    if (client.app.first_party) return aadsts::public_client_credentials(app_id);
    const TimePoint now = d_.clock.now();
    bool matched_expired = false;
    for (const auto& cred : client.app.password_credentials) {
      if (!secret_equals(cred.secret, *secret)) continue;
      if (now >= cred.start && now < cred.end) {
        client.auth = ClientAuth::kSecret;
        return std::nullopt;
      }
      matched_expired = true;
    }
    return matched_expired ? aadsts::expired_client_secret(app_id)
                           : aadsts::invalid_client_secret(app_id);
  }
  if (must_authenticate)
    return client_credentials ? aadsts::client_credentials_missing()
                              : aadsts::client_auth_missing();
  client.auth = ClientAuth::kPublic;
  return std::nullopt;
}

}  // namespace emu::aad::internal
