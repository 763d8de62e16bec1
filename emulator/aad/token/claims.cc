#include "emulator/aad/token/claims.h"

#include "emulator/aad/keys/signing_keys.h"

#include <openssl/evp.h>

#include <map>

namespace emu::aad {
namespace {

int64_t secs(TimePoint t) { return unix_seconds(t); }

std::string hex_to_bytes(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}

// Claims every token of a user carries in both versions.
void add_user_names(nlohmann::json& c, const User& u) {
  if (!u.display_name.empty()) c["name"] = u.display_name;
}

void add_common(nlohmann::json& c, TimePoint iat, Duration lifetime, const OpaqueIds& o) {
  c["iat"] = secs(iat);
  c["nbf"] = secs(iat);
  c["exp"] = secs(iat + lifetime);
  c["aio"] = o.aio;
  c["rh"] = o.rh;
  c["uti"] = o.uti;
}

}  // namespace

std::string client_acr(ClientAuth auth) { return std::to_string(static_cast<int>(auth)); }

std::string random_b64url(IdSource& ids, size_t n) {
  return base64url_encode(hex_to_bytes(ids.hex(n)));
}

OpaqueIds make_opaque_ids(IdSource& ids) {
  OpaqueIds o;
  o.uti = random_b64url(ids, 16);               // 22 characters, like Entra's
  o.aio = random_b64url(ids, 72);               // opaque, ~96 characters
  o.rh = "0.A" + random_b64url(ids, 48) + ".";  // "0.A….": the shape of Entra's rh
  return o;
}

std::string pairwise_subject(std::string_view object_id, std::string_view app_id) {
  std::string input = std::string(object_id) + "|" + std::string(app_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return std::string(object_id);  // cannot happen with the default provider
  }
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string client_info(std::string_view uid, std::string_view utid) {
  nlohmann::json j = {{"uid", uid}, {"utid", utid}};
  return base64url_encode(j.dump());
}

std::vector<std::string> role_template_ids(const std::vector<std::string>& directory_roles) {
  // Microsoft's published directory role template IDs.
  static const std::map<std::string, std::string> kTemplates = {
      {"Global Administrator", "62e90394-69f5-4237-9190-012177145e10"},
      {"Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"},
      {"Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7"},
      {"User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1"},
      {"Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"},
  };
  std::vector<std::string> out;
  for (const auto& name : directory_roles) {
    auto it = kTemplates.find(name);
    if (it != kTemplates.end()) out.push_back(it->second);
  }
  out.push_back("b79fbf4d-3ef9-4689-8143-76b194e85509");  // the default user role
  return out;
}

nlohmann::json access_token_claims(const AccessTokenSpec& s) {
  const bool v2 = s.version == 2;
  nlohmann::json c = nlohmann::json::object();
  c["aud"] = s.audience;
  c["iss"] = v2 ? v2_issuer(s.tenant_id) : v1_issuer(s.tenant_id);
  add_common(c, s.issued_at, s.lifetime, s.opaque);
  if (v2) {
    c["azp"] = s.client_app_id;
    c["azpacr"] = client_acr(s.client_auth);
  } else {
    c["appid"] = s.client_app_id;
    c["appidacr"] = client_acr(s.client_auth);
  }
  c["idtyp"] = s.user ? "user" : "app";
  c["tid"] = s.tenant_id;
  c["ver"] = v2 ? "2.0" : "1.0";
  if (!s.roles.empty()) c["roles"] = s.roles;
  if (!s.user) {
    if (!v2) c["idp"] = v1_issuer(s.tenant_id);
    c["oid"] = s.client_sp_object_id;
    c["sub"] = s.client_sp_object_id;
    return c;
  }
  const User& u = *s.user;
  c["oid"] = u.id;
  c["sub"] = pairwise_subject(u.id, s.client_app_id);
  std::string scp;
  for (const auto& v : s.scopes) scp += (scp.empty() ? "" : " ") + v;
  if (!scp.empty()) c["scp"] = scp;
  add_user_names(c, u);
  c["wids"] = role_template_ids(u.directory_roles);
  if (v2) {
    c["preferred_username"] = u.upn;
  } else {
    c["amr"] = s.amr.empty() ? std::vector<std::string>{"pwd"} : s.amr;
    if (!u.given_name.empty()) c["given_name"] = u.given_name;
    if (!u.surname.empty()) c["family_name"] = u.surname;
    c["unique_name"] = u.upn;
    c["upn"] = u.upn;
  }
  return c;
}

nlohmann::json id_token_claims(const IdTokenSpec& s) {
  nlohmann::json c = nlohmann::json::object();
  c["aud"] = s.client_id;
  c["iss"] = s.issuer;
  add_common(c, s.issued_at, s.lifetime, s.opaque);
  add_user_names(c, s.user);
  if (!s.nonce.empty()) c["nonce"] = s.nonce;
  c["oid"] = s.user.id;
  c["preferred_username"] = s.user.upn;
  c["sub"] = pairwise_subject(s.user.id, s.client_id);
  c["tid"] = s.tenant_id;
  c["ver"] = s.version;
  if (s.version == "1.0") {
    c["amr"] = nlohmann::json::array({"pwd"});
    if (!s.user.given_name.empty()) c["given_name"] = s.user.given_name;
    if (!s.user.surname.empty()) c["family_name"] = s.user.surname;
    c["unique_name"] = s.user.upn;
    c["upn"] = s.user.upn;
  }
  return c;
}

}  // namespace emu::aad
