// Token claim sets of the emulated Entra ID: pure functions from an issuance description to the
// JSON payload of a v1/v2 access token or an id_token, plus client_info, opaque IDs
// and the pairwise `sub`. Shapes follow Microsoft's access token / id token claims
// references (README Sources [S5]). Signing is the caller's business (SigningKeySet::sign).
#pragma once

#include "emulator/aad/directory/directory.h"
#include "emulator/aad/public/well_known.h"  // v1_issuer, v2_issuer
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emu::aad {

// How the client authenticated: the appidacr / azpacr value.
enum class ClientAuth { kPublic = 0, kSecret = 1, kCertificate = 2 };
std::string client_acr(ClientAuth auth);  // "0", "1", "2"

// Opaque per-token identifiers (uti, aio, rh). Deterministic for a given IdSource sequence.
struct OpaqueIds {
  std::string uti;
  std::string aio;
  std::string rh;
};
OpaqueIds make_opaque_ids(IdSource& ids);
// base64url (no padding) of `n` bytes drawn from `ids`.
std::string random_b64url(IdSource& ids, size_t n);

// Entra's pairwise subject: stable per (object, application), 43 base64url characters
// (base64url of SHA-256 over "<object_id>|<app_id>"; the derivation is the emulator's).
std::string pairwise_subject(std::string_view object_id, std::string_view app_id);

// base64url (no padding) of {"uid":"<uid>","utid":"<utid>"}.
std::string client_info(std::string_view uid, std::string_view utid);

// Directory role names -> wids template IDs ("Global Administrator" ->
// 62e90394-69f5-4237-9190-012177145e10, ...); unknown names are skipped. Every user also
// carries the default user role template b79fbf4d-3ef9-4689-8143-76b194e85509.
std::vector<std::string> role_template_ids(const std::vector<std::string>& directory_roles);

struct AccessTokenSpec {
  int version = 1;            // the resource's accessTokenVersion: 1 or 2
  std::string audience;       // aud (v1: the resource as requested; v2: the resource appId)
  std::string tenant_id;      // tid
  std::string client_app_id;  // appid (v1) / azp (v2)
  ClientAuth client_auth = ClientAuth::kPublic;
  std::string client_sp_object_id;  // app tokens: oid and sub
  std::optional<User> user;         // delegated tokens: the signed-in user
  std::vector<std::string> scopes;  // scp values (delegated)
  std::vector<std::string> roles;   // app role values
  std::vector<std::string> amr;     // users: e.g. {"pwd"} or {"pwd","mfa"}
  TimePoint issued_at{};
  Duration lifetime{};
  OpaqueIds opaque;
};

// v1: aud, iss (sts.windows.net), iat, nbf, exp, aio, appid, appidacr, idp (apps), idtyp, oid,
// rh, roles?, scp?, sub, tid, uti, ver "1.0"; users add amr, family_name, given_name, name,
// unique_name, upn, wids. v2: aud, iss (login.microsoftonline.com/<tid>/v2.0), iat, nbf, exp,
// aio, azp, azpacr, idtyp, oid, rh, roles?, scp?, sub, tid, uti, ver "2.0"; users add name,
// preferred_username, wids. Times in Unix seconds; exp = iat + lifetime.
nlohmann::json access_token_claims(const AccessTokenSpec& spec);

struct IdTokenSpec {
  std::string issuer;     // the discovery issuer: v1_issuer, v2_issuer or "https://<host>/adfs"
  std::string client_id;  // aud
  std::string tenant_id;
  User user;
  std::string nonce;  // omitted when empty
  std::string version = "2.0";
  TimePoint issued_at{};
  Duration lifetime{};
  OpaqueIds opaque;
};

// aud, iss, iat, nbf, exp, aio, name, nonce?, oid, preferred_username, rh, sub (pairwise for
// the client), tid, uti, ver; v1 ("1.0") also carries upn, unique_name, given_name,
// family_name, amr.
nlohmann::json id_token_claims(const IdTokenSpec& spec);

}  // namespace emu::aad
