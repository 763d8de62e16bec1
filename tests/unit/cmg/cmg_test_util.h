// Helpers of the CMG unit tests: site tokens signed with a lab key (the shared test PKI's server
// certificate plays the SMS Token Signing Certificate), fake Entra ID tokens and validator, a
// fake listener host and channel.
#pragma once

#include "emulator/aad/public/token_validator.h"
#include "emulator/cmg/cmg_api.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/service.h"
#include "emulator/core/text.h"
#include "tests/testlib/test_pki.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace emu::cmg::testing {

inline constexpr char kHierarchy[] = "CDCC5E91-0ADF-4A24-82D0-196667F1C081";
inline constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr char kResource[] = "https://ConfigMgrService";
inline constexpr int64_t kMpRole = 72057594037927939LL;

// A compact RS256 JWS over `payload`, signed with the PEM key `key_pem`.
inline std::string sign(const nlohmann::json& payload, const std::string& key_pem) {
  auto key = crypto::parse_key_pem(key_pem, "key").value();
  const std::string input = base64url_encode(R"({"typ":"JWT","alg":"RS256","x5t":"x"})") + "." +
                            base64url_encode(payload.dump());
  return input + "." + base64url_encode(crypto::rs256_sign(key.get(), input).value());
}

// Claims of a site token of `kind` ("BulkRegistration" or a TokenType), valid around `now_s`.
inline nlohmann::json site_claims(
    const std::string& kind, int64_t now_s, int64_t lifetime_s,
    const std::string& unique_id = "DB591E33-06FD-4C5B-82F3-BF673E5BD0A2") {
  nlohmann::json c = {
      {"Authority", "SCCM"},       {"TenantId", kHierarchy},
      {"UniqueId", unique_id},     {"iss", std::string("urn:sccm:oauth2:") + to_lower(kHierarchy)},
      {"aud", "urn:sccm:service"}, {"nbf", now_s},
      {"exp", now_s + lifetime_s}};
  if (kind == "BulkRegistration") {
    c["SCCMTokenCategory"] = "SCCMPreAuthToken";
    c["License"] = "SCCM";
    c["Type"] = "BulkRegistration";
  } else {
    c["SCCMTokenCategory"] = kind == "ClientUnique" ? "SCCMClientToken" : "SCCMAccessToken";
    c["TokenType"] = kind;
  }
  return c;
}

// The key that signs the published token-signing certificate (shared_pki().server).
inline const std::string& signing_key() { return test::shared_pki().server.key_pem; }
inline const std::string& signing_cert() { return test::shared_pki().server.cert_pem; }
// A key nobody published.
inline const std::string& rogue_key() { return test::shared_pki().rogue_ca.key_pem; }

// An Entra ID token as far as the CMG reads it (the fake validator checks it).
inline std::string entra_token(const std::string& tenant, const std::string& aud,
                               bool valid = true) {
  nlohmann::json p = {{"iss", "https://sts.windows.net/" + tenant + "/"},
                      {"aud", aud},
                      {"tid", tenant},
                      {"valid", valid}};
  return base64url_encode(R"({"alg":"RS256","kid":"k"})") + "." + base64url_encode(p.dump()) +
         ".c2ln";
}

class FakeValidator final : public aad::TokenValidator {
 public:
  aad::TokenCheck validate(std::string_view token,
                           const aad::ValidationPolicy& policy) const override {
    aad::TokenCheck c;
    const size_t a = token.find('.'), b = token.rfind('.');
    auto payload = base64url_decode(token.substr(a + 1, b - a - 1));
    if (!payload.ok()) {
      c.error = aad::TokenError::kMalformed;
      return c;
    }
    auto p = nlohmann::json::parse(*payload);
    if (!p.value("valid", false)) {
      c.error = aad::TokenError::kBadSignature;
      c.message = "bad signature";
      return c;
    }
    const std::string aud = p.value("aud", "");
    bool aud_ok = policy.audiences.empty();
    for (const auto& x : policy.audiences) aud_ok |= x == aud;
    if (!aud_ok) {
      c.error = aad::TokenError::kBadAudience;
      c.message = "bad audience";
      return c;
    }
    c.principal.tenant_id = p.value("tid", "");
    c.principal.audience = aud;
    c.principal.issuer = p.value("iss", "");
    return c;
  }
};

class FakeListeners final : public ListenerHost {
 public:
  Status open(const DynamicListenerSpec& spec) override {
    if (open_.count(spec.name)) return AlreadyExists(spec.name);
    open_[spec.name] = spec;
    ++opened;
    return Status::Ok();
  }
  void close(const std::string& name) override { open_.erase(name); }
  bool is_open(const std::string& name) const override { return open_.count(name) > 0; }
  const DynamicListenerSpec* spec(const std::string& name) const {
    auto it = open_.find(name);
    return it == open_.end() ? nullptr : &it->second;
  }
  int opened = 0;

 private:
  std::map<std::string, DynamicListenerSpec> open_;
};

// Records what it was handed and answers `reply`.
class FakeChannel final : public Channel {
 public:
  http::Response forward(const Forwarded& f) override {
    calls.push_back({f.external_url, f.internal_path, f.message_id, f.bearer_token,
                     f.mapping ? f.mapping->server : ""});
    return reply;
  }
  struct Call {
    std::string external_url, internal_path, message_id;
    bool bearer = false;
    std::string server;
  };
  std::vector<Call> calls;
  http::Response reply = http::text_response(200, "ok");
};

}  // namespace emu::cmg::testing
