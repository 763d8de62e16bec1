// The Entra ID device token ccmsetup gets through WAM ("Getting AAD (device) token with: …"):
// the machine proves it is its registered device with the key of its device certificate, as
// MS-OAPXBC describes for broker clients (a srv_challenge nonce, then a jwt-bearer `request`
// signed by the device key with the certificate in x5c). Log lines: memdocs
// clients/manage/azure-ccmsetup.md; the device success line "Retrieved AAD token for AAD
// device '…'" is from a community copy of a ccmsetup.log.
#include "emulator/client/agent/client_run.h"
#include "emulator/client/logs/messages.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/jws.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>
#include <openssl/err.h>

namespace emu::client::agent_internal {
namespace {

constexpr const char* kAadHost = "login.microsoftonline.com";
// The authority ccmsetup names (the v1 endpoint) [azure-ccmsetup.md].
constexpr const char* kAccountId = "https://login.microsoftonline.com/common/oauth2/token";
// NTE_BAD_KEYSET: WAM's error when the device has no key (no Entra join) [azure-ccmsetup.md
// shows "Failed to get AAD token for 'S-1-5-18' from WAM API. Error 0xd0090016"].
constexpr uint32_t kNoDeviceKey = 0xd0090016;

std::string form(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += "&";
    out += std::string(name) + "=" + http::url_encode(value);
  }
  return out;
}

// The error_description's first line of an Entra error reply, else the status.
std::string aad_error_text(const WinHttpResult& r) {
  if (!r.ok()) return winhttp_error_name(r.error) + " (" + r.detail + ")";
  const auto body = nlohmann::json::parse(r.response.body, nullptr, false);
  if (body.is_object() && body.contains("error_description") &&
      body["error_description"].is_string()) {
    const std::string d = body["error_description"].get<std::string>();
    return d.substr(0, d.find_first_of("\r\n"));
  }
  return std::to_string(r.response.status) + " " + r.response.reason;
}

}  // namespace

Result<std::string> ClientRun::get_aad_device_token(const char* log_name, const char* component,
                                                    const std::string& tenant,
                                                    const std::string& client_app_id,
                                                    const std::string& resource) {
  log(log_name, component,
      "Getting AAD (device) token with: ClientId = " + client_app_id +
          ", ResourceUrl = " + resource + ", AccountId = " + kAccountId);
  auto wam_failed = [&](const std::string& details, uint32_t error) -> Status {
    log(log_name, component, "WAM token request failed. Status 5, Details '" + details + "'",
        TraceSeverity::kError);
    log(log_name, component,
        "Failed to get AAD token for 'S-1-5-18' from WAM API. Error " + hresult_hex(error),
        TraceSeverity::kError);
    return Unavailable("Entra ID device token: " + details);
  };
  if (!m.aad.joined()) return wam_failed("AAD WAM extension error", kNoDeviceKey);

  auto cert = crypto::parse_cert_pem(m.aad.cert_pem);
  auto key = crypto::parse_key_pem(m.aad.key_pem);
  if (!cert.ok() || !key.ok()) {
    ERR_clear_error();
    return wam_failed("AAD WAM extension error", kNoDeviceKey);
  }
  auto der = crypto::cert_to_der(cert->get());
  if (!der.ok()) return wam_failed("AAD WAM extension error", kNoDeviceKey);
  const std::string token_path = "/" + tenant + "/oauth2/token";
  http::Headers headers;
  headers.set("Content-Type", "application/x-www-form-urlencoded");

  // 1. The nonce.
  WinHttpResult challenge =
      http.send(kAadHost, {"POST", token_path, headers, form({{"grant_type", "srv_challenge"}})});
  const auto nonce_reply = challenge.ok() && challenge.response.status == 200
                               ? nlohmann::json::parse(challenge.response.body, nullptr, false)
                               : nlohmann::json();
  if (!nonce_reply.is_object() || !nonce_reply.contains("Nonce") ||
      !nonce_reply["Nonce"].is_string())
    return wam_failed(aad_error_text(challenge), 0x80004005);

  // 2. The request signed by the device key.
  const nlohmann::json jwt_header = {
      {"typ", "JWT"}, {"alg", "RS256"}, {"x5c", nlohmann::json::array({base64_encode(*der)})}};
  nlohmann::json payload = {{"client_id", client_app_id},
                            {"resource", resource},
                            {"request_nonce", nonce_reply["Nonce"]},
                            {"iss", "aad:brokerplugin"},
                            {"win_ver", "10.0.22000.1"},
                            {"windows_api_version", "2.0.1"}};
  if (!m.aad.user_upn.empty()) {  // the signed-in user's credentials (MS-OAPXBC §3.2.5.1.2.1.1)
    payload["grant_type"] = "password";
    payload["username"] = m.aad.user_upn;
    payload["password"] = m.aad.user_password;
  }
  const std::string signing_input =
      base64url_encode(jwt_header.dump()) + "." + base64url_encode(payload.dump());
  auto signature = crypto::rs256_sign(key->get(), signing_input);
  if (!signature.ok()) return wam_failed("AAD WAM extension error", kNoDeviceKey);
  WinHttpResult r = http.send(
      kAadHost, {"POST", token_path, headers,
                 form({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                       {"request", signing_input + "." + base64url_encode(*signature)}})});
  const auto reply = r.ok() && r.response.status == 200
                         ? nlohmann::json::parse(r.response.body, nullptr, false)
                         : nlohmann::json();
  if (!reply.is_object() || !reply.contains("access_token") || !reply["access_token"].is_string())
    return wam_failed(aad_error_text(r), 0x80004005);
  log(log_name, component, "Retrieved AAD token for AAD device '" + m.aad.device_id + "'");
  return reply["access_token"].get<std::string>();
}

}  // namespace emu::client::agent_internal
