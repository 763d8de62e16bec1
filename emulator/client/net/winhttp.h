// The client's HTTPS stack, after WinHTTP as ConfigMgr's CCMHTTP uses it: names resolve only
// through the lab DNS (Resolver), the server certificate is checked against the machine's own
// Trusted Root store (never the lab CA implicitly), its name, its validity at virtual time and,
// unless /NoCRLCheck, its revocation through the CRL distribution point the certificate names.
// Failures carry WinHTTP's error codes and the secure-failure flags, and render as the
// `[CCMHTTP]` lines real client logs show (README [S5]: SupportArticles
// "Troubleshoot cloud management gateway"). One connection per host is kept alive.
// Not thread-safe: one session per machine at a time.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/http/client.h"
#include "emulator/core/status.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace emu::client {

// WinHTTP error codes (winhttp.h).
inline constexpr uint32_t kErrorWinHttpTimeout = 12002;
inline constexpr uint32_t kErrorWinHttpNameNotResolved = 12007;
inline constexpr uint32_t kErrorWinHttpCannotConnect = 12029;
inline constexpr uint32_t kErrorWinHttpConnectionError = 12030;
inline constexpr uint32_t kErrorWinHttpSecureFailure = 12175;
// WINHTTP_CALLBACK_STATUS_FLAG_* of a secure failure (winhttp.h).
inline constexpr uint32_t kFlagCertRevFailed = 0x1;
inline constexpr uint32_t kFlagInvalidCert = 0x2;
inline constexpr uint32_t kFlagCertRevoked = 0x4;
inline constexpr uint32_t kFlagInvalidCa = 0x8;
inline constexpr uint32_t kFlagCertCnInvalid = 0x10;
inline constexpr uint32_t kFlagCertDateInvalid = 0x20;
// ConfigMgr's HRESULT for an HTTP status the client did not expect (CCM_E_BAD_HTTP_STATUS_CODE),
// as CcmMessaging's status event shows it with a 500 [README S6].
inline constexpr uint32_t kCcmEBadHttpStatusCode = 0x87d0027e;

// Where a host name leads: the lab listener that answers at the address it resolves to.
struct Route {
  std::string address;  // IP literal to connect to
  uint16_t port = 0;
};
// NotFound: the name has no DNS record (WinHTTP 12007); Unavailable: nothing answers at the
// address (12029).
using Resolver = std::function<Result<Route>(const std::string& host)>;

struct WinHttpConfig {
  Resolver resolve;
  std::string trusted_roots_pem;  // the machine's Trusted Root store
  bool check_revocation = true;   // false with /NoCRLCheck
  std::string client_cert_pem;    // presented when set (a PKI client's certificate and chain)
  std::string client_key_pem;
  std::string user_agent = "ccmhttp";
  std::chrono::milliseconds timeout{10000};
};

// One HTTPS exchange's result: error 0 with the response, or a WinHTTP error (with the secure
// failure flags for 12175).
struct WinHttpResult {
  uint32_t error = 0;
  uint32_t secure_flags = 0;
  std::string detail;  // why (for reports): the resolver's or the TLS layer's message
  http::ClientResponse response;
  bool ok() const { return error == 0; }
};

// The secure-failure flags of a server chain (`chain_pem`: leaf first) for `host` at `now`:
// kFlagInvalidCa when it does not chain to `roots_pem`, kFlagCertCnInvalid when the leaf does
// not name `host`, kFlagCertDateInvalid outside its validity, kFlagCertRevoked when `crl_der`
// (the issuer's CRL, DER or PEM; "" = not checked) lists it, kFlagCertRevFailed when
// `revocation_unknown`. 0 = trusted.
uint32_t check_server_chain(const std::string& chain_pem, const std::string& roots_pem,
                            const std::string& host, TimePoint now, const std::string& crl,
                            bool revocation_unknown);

// The first CRL distribution point URL of the leaf in `chain_pem` ("" when none).
std::string crl_distribution_point(const std::string& chain_pem);

class WinHttpSession {
 public:
  WinHttpSession(const Clock& clock, WinHttpConfig config);
  ~WinHttpSession();
  // Sends one request to https://<host>:443 (the Route's port stands for 443). Never fails
  // outright: transport and trust problems come back as WinHttpResult::error.
  WinHttpResult send(const std::string& host, const http::ClientRequest& request);
  const WinHttpConfig& config() const { return config_; }
  // /NoCRLCheck read after the session was made; connections checked before are dropped.
  void set_check_revocation(bool on);
  // The client certificate (chain PEM) and key presented from now on.
  void set_client_certificate(const std::string& cert_pem, const std::string& key_pem);

 private:
  struct Open;
  WinHttpResult connect(const std::string& host, Open** out);
  const Clock& clock_;
  WinHttpConfig config_;
  std::map<std::string, std::unique_ptr<Open>> open_;  // keep-alive connection per host
};

// "ERROR_WINHTTP_SECURE_FAILURE" for 12175, ... ; "" for an unknown code.
std::string winhttp_error_name(uint32_t code);
// The HRESULT the client logs for a failed exchange: HRESULT_FROM_WIN32(error) (0x80072f8f for
// 12175, 0x80072ee7 for 12007, 0x80072efd for 12029), kCcmEBadHttpStatusCode for an HTTP
// status other than 200, 0 for success.
uint32_t failure_hresult(const WinHttpResult& result);
// The [CCMHTTP] lines of a failed exchange with `url` (as the client addresses it, e.g.
// "https://CMG.CONTOSO.COM/CCM_Proxy_ServerAuth/7205…/CCM_STS"), `options` the client's HTTPS
// state (224 for a token/Enhanced HTTP client, 63 for PKI):
//   secure failure: "[CCMHTTP] AsyncCallback(): WINHTTP_CALLBACK_STATUS_SECURE_FAILURE
//   Encountered", "[CCMHTTP] : dwStatusInformationLength is 4", "[CCMHTTP] :
//   lpvStatusInformation is 0x8", one "[CCMHTTP] : WINHTTP_CALLBACK_STATUS_FLAG_<X> is set" per
//   flag, then "[CCMHTTP] ERROR: URL=<url>, Port=443, Options=<o>, Code=12175,
//   Text=ERROR_WINHTTP_SECURE_FAILURE";
//   other WinHTTP errors: the ERROR line with their code and name;
//   an HTTP status: "... Code=0, Text=CCM_E_BAD_HTTP_STATUS_CODE" and "[CCMHTTP] ERROR INFO:
//   StatusCode=<n> StatusText=<reason>".
// Empty for success.
std::vector<std::string> ccmhttp_failure_lines(const std::string& url, int options,
                                               const WinHttpResult& result);

}  // namespace emu::client
