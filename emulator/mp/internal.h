// Shared state of the management point party (not part of its contract): configuration from
// the lab section, the logs, the MP's own keys, and the handlers each sub-folder implements.
// Everything here runs on the lab's I/O thread (handlers, seed, reset; actions through on_io).
#pragma once

#include "emulator/core/actions.h"
#include "emulator/core/crypto/openssl.h"
#include "emulator/core/service.h"
#include "emulator/core/trace_log.h"
#include "emulator/mp/client_files/client_files.h"
#include "emulator/mp/messaging/ccm_message.h"
#include "emulator/mp/mp_service.h"
#include "emulator/mp/policy/policies.h"
#include "emulator/mp/sts/ccm_token.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace emu::mp::internal {

// Log files and their components (the real MP writes CCM_STS.log, MP_RegistrationManager.log,
// MP_Location.log, MP_GetAuth.log, MP_Policy.log under SMS_CCM\Logs: memdocs about-log-files.md).
inline constexpr const char* kStsLog = "CCM_STS.log";
inline constexpr const char* kRegLog = "MP_RegistrationManager.log";
inline constexpr const char* kLocationLog = "MP_Location.log";
inline constexpr const char* kGetAuthLog = "MP_GetAuth.log";
inline constexpr const char* kPolicyLog = "MP_Policy.log";

struct MpConfig {
  // Windows bias of the MP's clock (minutes to add to local time for UTC); 0 = UTC [inferred].
  int bias_minutes = 0;
  // CCM token lifetime (memdocs azure-ccmsetup.md: 8 hours) and the client unique token's
  // (memdocs deploy-clients-cmg-token.md: 90 days).
  Duration ccm_token_lifetime = std::chrono::hours(8);
  Duration client_token_lifetime = std::chrono::hours(24 * 90);
  Duration skew = std::chrono::minutes(5);  // .NET JWT handler default [inferred]
};

// The MP's own key material, made on first use (in memory; a restarted lab makes new ones):
// the MP certificate ("CN=<NETBIOS>, CN=SMS", self-signed, as the MPKEYINFORMATION signer
// decodes in ConfigManBearPig's sample log) and the site's trusted root key [inferred: the
// site party does not expose its exchange key, so the MP holds one].
struct MpKeys {
  crypto::EvpPkeyPtr mp_key;
  crypto::X509Ptr mp_cert;
  std::string mp_cert_der;
  crypto::EvpPkeyPtr root_key;
};

struct MpState {
  MpState(const ServiceContext& c, MpDeps d) : ctx(c), deps(std::move(d)) {}
  ServiceContext ctx;  // a copy: its members outlive the service
  MpDeps deps;
  MpConfig config;
  std::unique_ptr<TraceLogs> logs;

  // From the lab section (seed): the MP's intranet name and the site server.
  std::string mp_server;    // "cm01.contoso.com" ("" before a seed with a site)
  std::string site_server;  // "cm01.contoso.com"
  std::vector<std::string> served_hosts;
  // An HTTPS MP (its role's HTTPS setting in the site database): a TLS listener "mp-https" on
  // mp_server with a lab-CA server certificate; plain HTTP and requests without a client
  // certificate are refused as IIS does (mp_service.cc, require_https).
  bool https = false;
  const http::Router* router = nullptr;  // the MP's router (both listeners and the Intranet)

  // Faults (mp.down, mp.sts_broken).
  bool down = false;
  bool sts_broken = false;

  std::unique_ptr<MpKeys> keys;  // lazily made (keys())
  // Signing certificate (DER, upper-case hex) -> client ID, rebuilt when the database changes.
  std::map<std::string, std::string> cert_index;
  const void* cert_index_db = nullptr;
  bool cert_index_valid = false;
  // Signing certificate (DER, upper-case hex) -> its parsed public key; bounded (public_key_of).
  std::map<std::string, std::shared_ptr<const messaging::CertPublicKey>> key_cache;

  // CCM_Client files of `client_files_version` (made on first request).
  std::vector<ClientFile> client_files;
  std::string client_files_version;

  // Counters for mp.state.
  uint64_t requests = 0;
  uint64_t registrations = 0;
  uint64_t tokens_issued = 0;

  // Writes one CCM-format record to `log`.
  void log(const char* log_name, const char* component, const std::string& message,
           TraceSeverity severity = TraceSeverity::kInfo);
  sitedb::SiteDb* db() const { return deps.site_db ? deps.site_db() : nullptr; }
  // The MP keys (made on first call). Internal on an OpenSSL failure.
  Result<MpKeys*> ensure_keys();
  // The public key of a client signing certificate given as hex (either case), parsed once and
  // kept in `key_cache` (at most kKeyCacheSize; the cache is emptied when full).
  // InvalidArgument for bad hex or a certificate that is not RSA.
  Result<std::shared_ptr<const messaging::CertPublicKey>> public_key_of(
      const std::string& cert_hex);
  static constexpr size_t kKeyCacheSize = 4096;
  // CCM tokens whose signature and claims checked out (read_site_token), by token text, for the
  // signer of thumbprint `token_cache_signer`; the lifetime is checked on every use. Emptied
  // when the signer changes or when it holds kTokenCacheSize tokens.
  std::map<std::string, CcmTokenClaims, std::less<>> token_cache;
  std::string token_cache_signer;
  static constexpr size_t kTokenCacheSize = 1024;
};

// --- helpers (mp_service.cc) ----------------------------------------------------------------
// IIS's "500 - Internal server error." page (what getauth returns for an unknown site code:
// ConfigManBearPig's logged reply).
http::Response iis_500();
// IIS-style 401 / 404 / 405 / 400 pages [inferred wording: IIS 10's detailed-error titles].
http::Response iis_error(int status);
// An HTTPS MP's IIS checks before any vdir runs (README Sources [S4], [S17]): plain HTTP gets 403
// with reason "Forbidden" (IIS 403.4, SSL required); SMS_MP, CCM_System and the Windows-auth vdirs
// without a client certificate that verifies get 403 "Client certificate required" (IIS 403.7).
// AltAuth and TokenAuth vdirs accept a connection without one; so do CCM_STS and CCM_Client
// [inferred: token and bootstrap clients have no certificate]. nullopt = go on.
std::optional<http::Response> require_https(const http::Request& req, const std::string& vdir);
// The site build number for a console version ("2203" -> "9078"); the version itself if unknown.
std::string site_build(const std::string& version);
// "5.00.<build>.1000" [inferred: the client version form of CB releases].
std::string site_full_version(const std::string& version);
// NetBIOS name of a FQDN, upper case ("cm01.contoso.com" -> "CM01").
std::string netbios_of(const std::string& fqdn);
// The policy catalogue of the seeded site (empty when there is no site).
std::vector<Policy> site_policies(MpState& s);

// --- handlers -------------------------------------------------------------------------------
http::Response handle_getauth(MpState& s, http::Request& req);  // getauth/getauth.cc
http::Response handle_sms_pol(MpState& s, http::Request& req);  // policy/sms_pol.cc
http::Response handle_ccm_post(MpState& s, http::Request& req, bool token_auth);  // endpoints/
http::Response handle_ccm_sts(MpState& s, http::Request& req);                    // sts/ccm_sts.cc
http::Response handle_ccm_client(MpState& s, http::Request& req);                 // client_files/

// Checks "Authorization: Bearer <CCM token>" (sts/ccm_sts.cc): the site token signer's
// signature, category SCCMAccessToken, audience, lifetime with skew. The claims, or the
// reason it was refused (Unauthenticated).
Result<CcmTokenClaims> check_ccm_token(MpState& s, const http::Request& req);

// Registers the mp.* actions (actions.cc); with `s` null only declarations.
void add_mp_actions(MpState* s, ActionRegistry& registry);

}  // namespace emu::mp::internal
