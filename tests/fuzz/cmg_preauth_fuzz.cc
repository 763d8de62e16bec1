// Fuzz target: what the CMG reads from a client before it forwards anything — the request
// target (parse_proxy_url, find_mapping, classify_path) and the Authorization header
// (check_token against a publication whose token-signing certificate is generated per
// process). Input: "<target>\n<authorization>\n<body>". Any input must give a decision with a
// reason, never an exception, a crash or UB; an accepted token has a kind.
#include "emulator/cmg/preauth.h"
#include "emulator/cmg/proxy_url.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace emu;

struct Env {
  cmg::Publication publication;
  std::shared_ptr<const cmg::SecuritySettings> settings;
  TimePoint now = parse_iso8601("2026-01-01T00:00:00Z").value();

  Env() {
    auto key = crypto::generate_rsa_key(2048);
    if (!key.ok()) std::abort();
    crypto::CertificateSpec spec;
    spec.common_name = "SMS Issuing";
    spec.not_before = now - std::chrono::hours(24);
    spec.not_after = now + std::chrono::hours(24 * 365);
    auto cert = crypto::build_cert(spec, key->get(), nullptr);
    if (!cert.ok()) std::abort();
    cmg::Mapping mp;
    mp.role_id = 72057594037927939LL;
    mp.role_type = 6;
    mp.server = "cm01.contoso.com";
    mp.vdirs = {"CCM_System", "CCM_System_TokenAuth", "SMS_MP", "SMS_MP_TokenAuth", "CCM_STS",
                "CCM_Client", "CCM_Incoming"};
    publication.mappings = {mp};
    publication.site_code = "P01";
    publication.hierarchy_id = "8C1D0C0E-5C4B-4F7C-9E1A-2B3C4D5E6F70";
    publication.token_signing_cert_pem = crypto::cert_to_pem(cert->get()).value();
    publication.blocked_bulk_tokens = {"00000000-0000-0000-0000-000000000001"};
    publication.tenants = {{"72f988bf-86f1-41af-91ab-2d7cd011db47", "client-app",
                            "https://ConfigMgrService", false}};
    auto s = cmg::SecuritySettings::from(publication);
    if (!s.ok()) std::abort();
    settings = std::move(s).value();
  }
};

std::string_view next_line(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = new Env();  // lives for the process, as a publication does
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view target = next_line(rest);
  const std::string_view authorization = next_line(rest);
  const std::string_view body = rest;
  const size_t q = target.find('?');
  const cmg::ProxyUrl url = cmg::parse_proxy_url(
      target.substr(0, q), q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
  if (url.target == cmg::ProxyTarget::kRole && (url.role_id_text.empty() || url.vdir.empty()))
    __builtin_trap();
  cmg::TokenPath path = cmg::TokenPath::kAny;
  if (url.target == cmg::ProxyTarget::kRole) {
    if (const cmg::Mapping* m = cmg::find_mapping(env->publication, url)) {
      if (m->role_id != url.role_id) __builtin_trap();
      (void)cmg::published_vdir(*m, url.vdir);
    }
    path = cmg::classify_path(url.vdir, url.internal_path, body);
  }
  const cmg::TokenDecision d =
      cmg::check_token(*env->settings, nullptr, authorization, path, env->now);
  if (d.accepted && d.kind == cmg::TokenKind::kNone) __builtin_trap();
  if (!d.accepted && d.why.empty()) __builtin_trap();
  return 0;
}
