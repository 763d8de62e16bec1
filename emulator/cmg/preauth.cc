#include "emulator/cmg/preauth.h"

#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/json_limits.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace emu::cmg {
namespace {

using nlohmann::json;

// .NET's default clock skew for JWT lifetimes (5 minutes; inferred for the CMG).
constexpr std::chrono::seconds kSkew{300};

constexpr std::string_view kSccmIssuerPrefix = "urn:sccm:oauth2:";
constexpr std::string_view kSccmAudience =
    "urn:sccm:service";  // memdocs deploy-clients-cmg-token.md

// A token's header or payload: bounded JSON (core/json_limits.h; a JWT part is small and flat),
// null when it does not parse.
json token_json(std::string_view text) {
  auto parsed = parse_json_limited(text, JsonLimits{64 * 1024, 16});
  return parsed.ok() ? std::move(parsed).value() : json();
}

TokenDecision refuse(TokenKind kind, std::string why) {
  return TokenDecision{kind, false, std::move(why)};
}

std::string claim(const json& payload, const char* name) {
  auto it = payload.find(name);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool lifetime_ok(const json& payload, TimePoint now, std::string& why) {
  const int64_t t = unix_seconds(now);
  auto exp = payload.find("exp");
  if (exp == payload.end() || !exp->is_number()) {
    why = "no exp";
    return false;
  }
  if (t > exp->get<int64_t>() + kSkew.count()) {
    why = "expired";
    return false;
  }
  auto nbf = payload.find("nbf");
  if (nbf != payload.end() && nbf->is_number() && t < nbf->get<int64_t>() - kSkew.count()) {
    why = "not yet valid";
    return false;
  }
  return true;
}

// A site-issued token (bulk token, CCM token, client token): signature with the published
// token-signing certificate, audience, issuer, kind, blocked GUID, lifetime.
TokenDecision check_site_token(const SecuritySettings& s, std::string_view token,
                               const json& payload, TokenPath path, TimePoint now) {
  if (!s.token_signing_key)
    return refuse(TokenKind::kNone, "no token-signing certificate published");
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  auto header = base64url_decode(token.substr(0, dot1));
  auto sig = base64url_decode(token.substr(dot2 + 1));
  if (!header.ok() || !sig.ok()) return refuse(TokenKind::kNone, "malformed");
  const json h = token_json(*header);
  if (!h.is_object() || claim(h, "alg") != "RS256")
    return refuse(TokenKind::kNone, "alg is not RS256");
  if (!crypto::rs256_verify(s.token_signing_key.get(), token.substr(0, dot2), *sig))
    return refuse(TokenKind::kNone, "bad signature");
  if (claim(payload, "aud") != kSccmAudience) return refuse(TokenKind::kNone, "bad audience");
  if (!s.issuer.empty() && !iequals(claim(payload, "iss"), s.issuer))
    return refuse(TokenKind::kNone, "bad issuer");
  TokenKind kind = TokenKind::kNone;
  const std::string type = claim(payload, "Type");
  const std::string token_type = claim(payload, "TokenType");
  if (type == "BulkRegistration") {
    kind = TokenKind::kBulk;
  } else if (token_type == "Device" || token_type == "User" || token_type == "UDA") {
    kind = TokenKind::kCcm;
  } else if (token_type == "PreAuth") {
    kind = TokenKind::kPreAuth;
  } else if (token_type == "ClientUnique") {
    kind = TokenKind::kClientUnique;
  } else {
    return refuse(TokenKind::kNone, "unknown token type");
  }
  if (kind == TokenKind::kBulk && s.blocked.count(to_upper(claim(payload, "UniqueId"))))
    return refuse(kind, "bulk token blocked");
  // The bulk token's lifetime is left to CCM_STS so that CCM_STS.log shows IDX10223
  // (the expired-token signature of [S4]).
  if (!(kind == TokenKind::kBulk && path == TokenPath::kSts)) {
    std::string why;
    if (!lifetime_ok(payload, now, why)) return refuse(kind, why);
  }
  bool allowed = false;
  switch (path) {
    case TokenPath::kSts:
      allowed = kind == TokenKind::kBulk || kind == TokenKind::kClientUnique;
      break;
    case TokenPath::kRegistration:
      allowed = kind == TokenKind::kBulk || kind == TokenKind::kCcm || kind == TokenKind::kPreAuth;
      break;
    case TokenPath::kBootstrap:
      allowed = kind == TokenKind::kCcm || kind == TokenKind::kPreAuth;
      break;
    case TokenPath::kOther:
      allowed = kind == TokenKind::kCcm;
      break;
    case TokenPath::kAny:
      allowed = true;
      break;
  }
  if (!allowed) return refuse(kind, "token of the wrong kind for the path");
  return TokenDecision{kind, true, ""};
}

TokenDecision check_entra_token(const SecuritySettings& s, const aad::TokenValidator* aad,
                                std::string_view token, TokenPath path) {
  if (path == TokenPath::kOther || path == TokenPath::kBootstrap)
    return refuse(TokenKind::kEntra, "token of the wrong kind for the path");
  if (aad == nullptr || s.audiences.empty())
    return refuse(TokenKind::kEntra, "no Entra ID tenant onboarded");
  aad::ValidationPolicy policy;
  policy.audiences = s.audiences;
  aad::TokenCheck check = aad->validate(token, policy);
  if (!check.ok()) return refuse(TokenKind::kEntra, check.message);
  for (const Tenant& t : s.tenants) {
    if (t.disabled || !iequals(t.tenant_id, check.principal.tenant_id)) continue;
    if (check.principal.audience == t.resource_uri ||
        check.principal.audience == t.resource_uri + "/")
      return TokenDecision{TokenKind::kEntra, true, ""};
  }
  return refuse(TokenKind::kEntra, "tenant not onboarded or disabled");
}

std::string utf16_of(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

// "MP_ClientRegistration" and "MP_LocationManager" as UTF-16LE bytes.
const std::string& registration_utf16() {
  static const std::string kText = utf16_of("MP_ClientRegistration");
  return kText;
}
const std::string& location_utf16() {
  static const std::string kText = utf16_of("MP_LocationManager");
  return kText;
}

}  // namespace

Result<std::shared_ptr<const SecuritySettings>> SecuritySettings::from(const Publication& p) {
  auto s = std::make_shared<SecuritySettings>();
  if (!p.token_signing_cert_pem.empty()) {
    EMU_ASSIGN_OR_RETURN(
        crypto::X509Ptr cert,
        crypto::parse_cert_pem(p.token_signing_cert_pem, "publication: token-signing certificate"));
    s->token_signing_key.reset(X509_get_pubkey(cert.get()));
    if (!s->token_signing_key)
      return InvalidArgument("publication: token-signing certificate has no usable public key");
  }
  if (!p.hierarchy_id.empty())
    s->issuer = std::string(kSccmIssuerPrefix) + to_lower(p.hierarchy_id);
  for (const std::string& g : p.blocked_bulk_tokens) s->blocked.insert(to_upper(g));
  s->tenants = p.tenants;
  for (const Tenant& t : p.tenants)
    if (!t.disabled && !t.resource_uri.empty()) {
      s->audiences.push_back(t.resource_uri);
      s->audiences.push_back(t.resource_uri + "/");
    }
  return std::shared_ptr<const SecuritySettings>(std::move(s));
}

std::string_view token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::kNone:
      return "none";
    case TokenKind::kBulk:
      return "BulkRegistration";
    case TokenKind::kCcm:
      return "CCM";
    case TokenKind::kPreAuth:
      return "PreAuth";
    case TokenKind::kClientUnique:
      return "ClientUnique";
    case TokenKind::kEntra:
      return "EntraID";
  }
  return "none";
}

TokenDecision check_token(const SecuritySettings& settings, const aad::TokenValidator* aad,
                          std::string_view authorization, TokenPath path, TimePoint now) {
  // "Bearer <jwt>", scheme case-insensitive (inferred header).
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !iequals(authorization.substr(0, kBearer.size()), kBearer))
    return refuse(TokenKind::kNone, "no bearer token");
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  const size_t dot1 = token.find('.');
  const size_t dot2 = token.rfind('.');
  if (dot1 == std::string_view::npos || dot1 == dot2 ||
      token.substr(dot1 + 1, dot2 - dot1 - 1).find('.') != std::string_view::npos)
    return refuse(TokenKind::kNone, "malformed");
  auto payload_text = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload_text.ok()) return refuse(TokenKind::kNone, "malformed");
  const json payload = token_json(*payload_text);
  if (!payload.is_object()) return refuse(TokenKind::kNone, "malformed");
  const std::string iss = claim(payload, "iss");
  const bool site_token =
      payload.contains("SCCMTokenCategory") ||
      (iss.size() >= kSccmIssuerPrefix.size() &&
       iequals(std::string_view(iss).substr(0, kSccmIssuerPrefix.size()), kSccmIssuerPrefix));
  if (site_token) return check_site_token(settings, token, payload, path, now);
  return check_entra_token(settings, aad, token, path);
}

TokenPath classify_path(std::string_view vdir, std::string_view internal_path,
                        std::string_view body) {
  if (iequals(vdir, "CCM_STS")) return TokenPath::kSts;
  if (iequals(vdir, "CCM_Client")) return TokenPath::kBootstrap;
  if (iequals(vdir, "CCM_System_TokenAuth") || iequals(vdir, "CCM_System")) {
    std::string_view path = internal_path.substr(0, internal_path.find('?'));
    constexpr std::string_view kRequest = "/request";
    if (path.size() >= kRequest.size() &&
        iequals(path.substr(path.size() - kRequest.size()), kRequest)) {
      if (body.find(registration_utf16()) != std::string_view::npos ||
          body.find("MP_ClientRegistration") != std::string_view::npos)
        return TokenPath::kRegistration;
      if (body.find(location_utf16()) != std::string_view::npos ||
          body.find("MP_LocationManager") != std::string_view::npos)
        return TokenPath::kBootstrap;
    }
  }
  return TokenPath::kOther;
}

}  // namespace emu::cmg
