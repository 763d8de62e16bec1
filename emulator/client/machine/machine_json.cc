#include "emulator/client/machine/machine_json.h"

#include "emulator/core/clock.h"
#include "emulator/core/json_args.h"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace emu::client {
namespace {

using nlohmann::json;

// The integer at `key` (`fallback` when absent); throws unless it is an integer in [lo, hi]
// (nlohmann's own conversion casts an out-of-range float, which is undefined behaviour).
int64_t int_field(const json& j, const char* key, int64_t fallback, int64_t lo, int64_t hi) {
  auto v = optional_json_int(j, key, "saved client");
  if (!v.ok()) throw std::invalid_argument(v.status().message());
  const int64_t value = v->value_or(fallback);
  if (value < lo || value > hi)
    throw std::invalid_argument(std::string("'") + key + "' must be from " + std::to_string(lo) +
                                " to " + std::to_string(hi));
  return value;
}

json token_json(const CachedToken& t) {
  return {{"token", t.token}, {"type", t.type}, {"expires", format_iso8601(t.expires)}};
}

Status token_from(const json& j, CachedToken* t) {
  t->token = j.value("token", "");
  t->type = j.value("type", "");
  auto expires = parse_iso8601(j.value("expires", "1970-01-01T00:00:00Z"));
  if (!expires.ok()) return InvalidArgument("token expiry: " + expires.status().message());
  t->expires = *expires;
  return Status::Ok();
}

json certs_json(const std::vector<StoredCert>& certs) {
  json out = json::array();
  for (const auto& c : certs)
    out.push_back({{"cert_pem", c.cert_pem},
                   {"key_pem", c.key_pem},
                   {"thumbprint", c.thumbprint},
                   {"subject", c.subject}});
  return out;
}

std::vector<StoredCert> certs_from(const json& j) {
  std::vector<StoredCert> out;
  for (const auto& c : j)
    out.push_back({c.value("cert_pem", ""), c.value("key_pem", ""), c.value("thumbprint", ""),
                   c.value("subject", "")});
  return out;
}

}  // namespace

json machine_to_json(const Machine& m) {
  return {{"spec",
           {{"name", m.spec.name},
            {"fqdn", m.spec.fqdn},
            {"join", m.spec.join},
            {"os", m.spec.os},
            {"bias_minutes", m.spec.bias_minutes},
            {"folders", m.spec.folders}}},
          {"trusted_roots", certs_json(m.trusted_roots)},
          {"personal", certs_json(m.personal)},
          {"registry", m.registry},
          {"aad",
           {{"tenant_id", m.aad.tenant_id},
            {"device_id", m.aad.device_id},
            {"cert_pem", m.aad.cert_pem},
            {"key_pem", m.aad.key_pem},
            {"user_upn", m.aad.user_upn},
            {"user_id", m.aad.user_id},
            {"user_password", m.aad.user_password}}},
          {"installed", m.installed},
          {"site_code", m.site_code},
          {"ccm_host_name", m.ccm_host_name},
          {"cmg_host", m.cmg_host},
          {"mp_role_id", m.mp_role_id},
          {"no_crl_check", m.no_crl_check},
          {"use_pki", m.use_pki},
          {"aad_auth", m.aad_auth},
          {"pki_thumbprint", m.pki_thumbprint},
          {"client_id", m.client_id},
          {"approval_status", m.approval_status},
          {"signing_key_pem", m.signing_key_pem},
          {"signing_cert_der_hex",
           [&] {
             static const char* kHex = "0123456789ABCDEF";
             std::string hex;
             for (unsigned char c : m.signing_cert_der) {
               hex.push_back(kHex[c >> 4]);
               hex.push_back(kHex[c & 15]);
             }
             return hex;
           }()},
          {"unique_token", token_json(m.unique_token)},
          {"ccm_token", token_json(m.ccm_token)},
          {"internet_mps", m.internet_mps},
          {"policies", m.policies},
          {"last_policy_cycle", format_iso8601(m.last_policy_cycle)},
          {"sessions", m.sessions}};
}

Status machine_from_json(const json& j, Machine* m) {
  try {
    const json& spec = j.at("spec");
    m->spec.name = spec.at("name").get<std::string>();
    m->spec.fqdn = spec.at("fqdn").get<std::string>();
    m->spec.join = spec.value("join", "workgroup");
    m->spec.os = spec.value("os", "Windows 11");
    // A time-zone bias is UTC-offset minutes negated: UTC+14 is -840, UTC-12 is 720.
    m->spec.bias_minutes = static_cast<int>(int_field(spec, "bias_minutes", 0, -840, 720));
    m->spec.folders = spec.value("folders", std::vector<std::string>{});
    m->trusted_roots = certs_from(j.value("trusted_roots", json::array()));
    m->personal = certs_from(j.value("personal", json::array()));
    m->registry = j.value("registry", std::map<std::string, std::string>{});
    const json aad = j.value("aad", json::object());
    m->aad.tenant_id = aad.value("tenant_id", "");
    m->aad.device_id = aad.value("device_id", "");
    m->aad.cert_pem = aad.value("cert_pem", "");
    m->aad.key_pem = aad.value("key_pem", "");
    m->aad.user_upn = aad.value("user_upn", "");
    m->aad.user_id = aad.value("user_id", "");
    m->aad.user_password = aad.value("user_password", "");
    m->installed = j.value("installed", false);
    m->site_code = j.value("site_code", "");
    m->ccm_host_name = j.value("ccm_host_name", "");
    m->cmg_host = j.value("cmg_host", "");
    m->mp_role_id = j.value("mp_role_id", "");
    m->no_crl_check = j.value("no_crl_check", false);
    m->use_pki = j.value("use_pki", false);
    m->aad_auth = j.value("aad_auth", false);
    m->pki_thumbprint = j.value("pki_thumbprint", "");
    m->client_id = j.value("client_id", "");
    m->approval_status = static_cast<int>(int_field(j, "approval_status", -1, -1, 3));
    m->signing_key_pem = j.value("signing_key_pem", "");
    const std::string hex = j.value("signing_cert_der_hex", "");
    m->signing_cert_der.clear();
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      m->signing_cert_der.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    EMU_RETURN_IF_ERROR(token_from(j.value("unique_token", json::object()), &m->unique_token));
    EMU_RETURN_IF_ERROR(token_from(j.value("ccm_token", json::object()), &m->ccm_token));
    m->internet_mps = j.value("internet_mps", std::vector<std::string>{});
    m->policies = j.value("policies", std::set<std::string>{});
    auto last = parse_iso8601(j.value("last_policy_cycle", "1970-01-01T00:00:00Z"));
    if (last.ok()) m->last_policy_cycle = *last;
    m->sessions = uint64_t(int_field(j, "sessions", 0, 0, INT64_MAX));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("saved client: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace emu::client
