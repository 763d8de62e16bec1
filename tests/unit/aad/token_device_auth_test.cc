// Entra-joined devices at the token endpoint: the srv_challenge nonce and the device-signed
// jwt-bearer request (MS-OAPXBC), and each refusal.
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "tests/unit/aad/token_test_fixture.h"

#include <openssl/objects.h>

namespace emu::aad::testing {
namespace {

struct DeviceKey {
  crypto::EvpPkeyPtr key;
  std::string cert_der;
};

DeviceKey make_device_key(const std::string& name, TimePoint now) {
  DeviceKey d;
  d.key = crypto::generate_rsa_key(2048).value();
  crypto::CertificateSpec spec;
  spec.common_name = name;
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + std::chrono::hours(24 * 365);
  spec.extensions.push_back({NID_ext_key_usage, "clientAuth", {}});
  auto cert = crypto::build_cert(spec, d.key.get(), nullptr).value();
  d.cert_der = crypto::cert_to_der(cert.get()).value();
  return d;
}

class DeviceAuthTest : public TokenServiceFixture {
 protected:
  void SetUp() override {
    TokenServiceFixture::SetUp();
    Application native;
    native.tenant_id = tenant_.id;
    native.display_name = "CMG Client App";
    native.is_fallback_public_client = true;
    native_ = dir_->create_application(native).value();
    ServicePrincipal sp;
    sp.app_id = native_.app_id;
    sp.tenant_id = tenant_.id;
    sp.display_name = native_.display_name;
    dir_->create_service_principal(sp).value();
    device_key_ = make_device_key("AADJ01", clock_.now());
    Device d;
    d.tenant_id = tenant_.id;
    d.display_name = "AADJ01";
    d.cert_der = device_key_.cert_der;
    device_ = dir_->create_device(d).value();
  }

  std::string nonce() {
    auto r = post(token_path(1), {{"grant_type", "srv_challenge"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return body(r).value("Nonce", "");
  }

  // The signed request: `signer` signs, `cert_der` goes in x5c.
  std::string signed_request(const Json& payload, EVP_PKEY* signer, const std::string& cert_der) {
    const Json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", {base64_encode(cert_der)}}};
    const std::string input =
        base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
    return input + "." + base64url_encode(crypto::rs256_sign(signer, input).value());
  }

  http::Response device_token(const Json& payload, EVP_PKEY* signer, const std::string& cert_der,
                              const std::string& path = "") {
    return post(path.empty() ? token_path(1) : path,
                {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                 {"request", signed_request(payload, signer, cert_der)}});
  }

  Json payload(const std::string& n) const {
    return {{"client_id", native_.app_id},
            {"resource", "https://ConfigMgrService"},
            {"request_nonce", n}};
  }

  Application native_;
  DeviceKey device_key_;
  Device device_;
};

TEST_F(DeviceAuthTest, ARegisteredDeviceGetsATokenNamingItsDevice) {
  auto r = device_token(payload(nonce()), device_key_.key.get(), device_key_.cert_der);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = body(r).value("access_token", "");
  EXPECT_EQ(body(r).value("resource", ""), "https://ConfigMgrService");
  const Json c = claims(token);
  EXPECT_EQ(c.value("deviceid", ""), device_.device_id);
  EXPECT_EQ(c.value("oid", ""), device_.id);
  EXPECT_EQ(c.value("appid", ""), native_.app_id);
  EXPECT_EQ(c.value("aud", ""), "https://ConfigMgrService");
  EXPECT_EQ(c.value("tid", ""), tenant_.id);
  // What CCM_STS does with it: a valid token for the server app's App ID URI.
  ValidationPolicy policy;
  policy.audiences = {"https://ConfigMgrService"};
  policy.tenant_id = tenant_.id;
  TokenCheck check = validator_->validate(token, policy);
  ASSERT_TRUE(check.ok()) << check.message;
  EXPECT_EQ(check.principal.idtyp, "app");
}

TEST_F(DeviceAuthTest, WithTheUsersPasswordTheTokenIsTheUsersOnThatDevice) {
  // The native app has admin consent to the server app's user_impersonation.
  PermissionGrant grant;
  grant.client_id = dir_->find_service_principal(tenant_.id, native_.app_id)->id;
  grant.resource_id = sp_.id;
  grant.consent_type = "AllPrincipals";
  grant.scope = "user_impersonation";
  Application server = app_;
  server.oauth2_permission_scopes = Json::array({{{"id", ids_.guid()},
                                                  {"value", "user_impersonation"},
                                                  {"type", "User"},
                                                  {"isEnabled", true}}});
  ASSERT_TRUE(dir_->update_application(server).ok());
  ASSERT_TRUE(dir_->add_permission_grant(grant).ok());
  Json p = payload(nonce());
  p["grant_type"] = "password";
  p["username"] = user_.upn;
  p["password"] = kPassword;
  auto r = device_token(p, device_key_.key.get(), device_key_.cert_der);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json c = claims(body(r).value("access_token", ""));
  EXPECT_EQ(c.value("deviceid", ""), device_.device_id);
  EXPECT_EQ(c.value("oid", ""), user_.id);
  EXPECT_EQ(c.value("upn", ""), user_.upn);
  EXPECT_EQ(c.value("scp", ""), "user_impersonation");
  // A wrong password is the user's sign-in failure.
  p = payload(nonce());
  p["grant_type"] = "password";
  p["username"] = user_.upn;
  p["password"] = "wrong";
  expect_aadsts(device_token(p, device_key_.key.get(), device_key_.cert_der), 400, "invalid_grant",
                50126);
}

TEST_F(DeviceAuthTest, UnknownCertificateOrAnotherTenantIs700003) {
  DeviceKey stranger = make_device_key("STRANGER", clock_.now());
  expect_aadsts(device_token(payload(nonce()), stranger.key.get(), stranger.cert_der), 400,
                "invalid_grant", 700003);
  Tenant other = dir_->create_tenant({"", "fabrikam.onmicrosoft.com", "Fabrikam"}).value();
  expect_aadsts(device_token(payload(nonce()), device_key_.key.get(), device_key_.cert_der,
                             "/" + other.id + "/oauth2/token"),
                400, "invalid_grant", 700003);
}

TEST_F(DeviceAuthTest, ASignatureByAnotherKeyIs50155) {
  DeviceKey stranger = make_device_key("STRANGER", clock_.now());
  expect_aadsts(device_token(payload(nonce()), stranger.key.get(), device_key_.cert_der), 400,
                "invalid_grant", 50155);
}

TEST_F(DeviceAuthTest, AStaleForgedOrMissingNonceIsRefused) {
  const std::string n = nonce();
  clock_.advance(std::chrono::minutes(6));
  expect_aadsts(device_token(payload(n), device_key_.key.get(), device_key_.cert_der), 400,
                "invalid_grant", 70000);
  expect_aadsts(device_token(payload("eyJhbGciOiJub25lIn0.e30.x"), device_key_.key.get(),
                             device_key_.cert_der),
                400, "invalid_grant", 70000);
  Json no_nonce = payload("");
  no_nonce.erase("request_nonce");
  expect_aadsts(device_token(no_nonce, device_key_.key.get(), device_key_.cert_der), 400,
                "invalid_request", 900144);
}

TEST_F(DeviceAuthTest, ADisabledDeviceIs135011) {
  device_.enabled = false;
  ASSERT_TRUE(dir_->update_device(device_).ok());
  expect_aadsts(device_token(payload(nonce()), device_key_.key.get(), device_key_.cert_der), 400,
                "invalid_grant", 135011);
}

TEST_F(DeviceAuthTest, AConfidentialClientAppMustAuthenticate) {
  Json p = payload(nonce());
  p["client_id"] = app_.app_id;  // the server app: not a public client
  expect_aadsts(device_token(p, device_key_.key.get(), device_key_.cert_der), 401, "invalid_client",
                7000218);
}

TEST_F(DeviceAuthTest, MalformedRequestsAre50027) {
  auto r = post(token_path(1), {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                {"request", "not-a-jwt"}});
  expect_aadsts(r, 400, "invalid_request", 50027);
  // No x5c.
  const Json header = {{"alg", "RS256"}};
  const std::string input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload(nonce()).dump());
  r = post(
      token_path(1),
      {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
       {"request",
        input + "." + base64url_encode(crypto::rs256_sign(device_key_.key.get(), input).value())}});
  expect_aadsts(r, 400, "invalid_request", 50027);
}

TEST_F(DeviceAuthTest, DevicesAreFoundByIdNameAndCertificate) {
  EXPECT_EQ(dir_->find_device(tenant_.id, device_.device_id)->id, device_.id);
  EXPECT_EQ(dir_->find_device(tenant_.id, device_.id)->device_id, device_.device_id);
  auto by_cert = dir_->find_device_by_thumbprint(to_lower(device_.thumbprint));
  ASSERT_TRUE(by_cert.ok());
  EXPECT_EQ(by_cert->device_id, device_.device_id);
  // The same certificate cannot register twice.
  Device again;
  again.tenant_id = tenant_.id;
  again.cert_der = device_key_.cert_der;
  EXPECT_EQ(dir_->create_device(again).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dir_->list_devices(tenant_.id).size(), 1u);
  ASSERT_TRUE(dir_->clear().ok());
  EXPECT_FALSE(dir_->find_device_by_thumbprint(device_.thumbprint).ok());
}

}  // namespace
}  // namespace emu::aad::testing
