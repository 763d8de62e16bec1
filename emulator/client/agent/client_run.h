// Internal to emulator/client/agent: one run of client code on a machine (ccmsetup, the agent's
// startup, a policy cycle) with what they share: the log writer, the WinHTTP session, URL forms
// through the CMG, CCM tokens and CcmMessaging exchanges.
#pragma once

#include "emulator/client/agent/agent.h"
#include "emulator/core/http/message.h"
#include "emulator/core/trace_log.h"

#include <string>
#include <vector>

namespace emu::client::agent_internal {

inline constexpr const char* kCcmsetupLog = "ccmsetup.log";
inline constexpr const char* kClientIdLog = "ClientIDManagerStartup.log";
inline constexpr const char* kMessagingLog = "CcmMessaging.log";
inline constexpr const char* kLocationLog = "ClientLocation.log";
inline constexpr const char* kLocationServicesLog = "LocationServices.log";
inline constexpr const char* kPolicyLog = "PolicyAgent.log";
inline constexpr const char* kDtsLog = "DataTransferService.log";
inline constexpr const char* kCcmExecLog = "CcmExec.log";

// The client's build: ConfigMgr 2203's client is 5.00.9078.1000 (ccmsetup 5.0.9078.1000)
// [memdocs "Configuration Manager version numbers" lists 2203 as 5.00.9078.1000].
inline constexpr const char* kClientVersion = "5.00.9078.1000";
inline constexpr const char* kCcmsetupVersion = "5.0.9078.1000";
// The HTTPS state of a token (Enhanced HTTP) client: 224 (0xe0), as "SslState value: 224" and
// "Options=224" show it [README S3]; 63 for a PKI client.
inline constexpr int kTokenClientOptions = 224;
inline constexpr int kPkiClientOptions = 63;

class ClientRun {
 public:
  ClientRun(Machine& m, const AgentEnv& env);

  Machine& m;
  const AgentEnv& env;
  WinHttpSession http;

  // One CCM-format record in `log` (thread ids are fixed per log [inferred]).
  void log(const char* log_name, const char* component, const std::string& message,
           TraceSeverity severity = TraceSeverity::kInfo, const char* file = "");

  std::string cmg_upper() const;  // "CMG.CONTOSO.COM"
  // "/CCM_Proxy_ServerAuth/<role id>/<rest>" for a token client, "/CCM_Proxy_MutualAuth/…" for
  // a PKI client (its certificate authenticates it to the CMG).
  std::string proxy_path(const std::string& rest) const;
  // CcmMessaging's request path: "ccm_system_tokenauth/request" or, PKI, "ccm_system/request".
  std::string request_path() const;
  int https_options() const;  // 224 token client, 63 PKI client
  // "https://CMG.CONTOSO.COM/CCM_Proxy_MutualAuth/<role id>" (the internet MP as logged)
  std::string mutual_auth_url() const;
  std::string new_guid();  // "{GUID}" upper case, from the machine's ids

  // An HTTPS request to the CMG's proxy path `rest`; `bearer` (when set, token clients only)
  // goes in the Authorization header. Writes the connection trace line ("<agent>: Host=…") and, on
  // failure, the [CCMHTTP] lines into `log_name`.
  WinHttpResult send(const char* log_name, const char* component, const char* agent,
                     const std::string& method, const std::string& rest, const std::string& bearer,
                     http::Headers headers = {}, const std::string& body = "");

  // send() to the CMG's `path` as given (e.g. "/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=…"),
  // its connection trace naming `agent` and `flags`.
  WinHttpResult send_path(const char* log_name, const char* component, const std::string& agent,
                          const char* flags, const std::string& method, const std::string& path,
                          const std::string& bearer, http::Headers headers = {},
                          const std::string& body = "");

  // An Entra ID device token for `resource`, asked by the native app `client_app_id` in
  // `tenant` with the machine's device certificate (MS-OAPXBC nonce, then a signed request to
  // login.microsoftonline.com), as WAM gets it for ccmsetup. Logs the request and the result
  // ("Retrieved AAD token for AAD device '…'" or the WAM failure lines) to `log_name`.
  Result<std::string> get_aad_device_token(const char* log_name, const char* component,
                                           const std::string& tenant,
                                           const std::string& client_app_id,
                                           const std::string& resource);

  // CCM_STS: exchanges `bearer` (bulk token, client unique token, Entra ID token) for a CCM
  // token of `expect_type`, cached on the machine. The request and the cache are logged to
  // `log_name`.
  Status get_ccm_token(const char* log_name, const char* component, const std::string& bearer,
                       const std::string& expect_type);

  // A CcmMessaging exchange with MP endpoint `endpoint` through the CMG's TokenAuth path, the
  // reply's body XML. `clientauth`: sign the payload and ClientID (registered clients). The
  // status event goes to CcmMessaging.log.
  Result<std::string> ccm_post(const char* log_name, const char* component,
                               const std::string& endpoint, const std::string& body_xml,
                               bool clientauth);

  // "MM/dd/yyyy HH:mm:ss" in the machine's local time.
  std::string local_time(TimePoint t) const;
  // Makes the machine a PKI client with its Personal certificate `cert` (presented on every
  // connection from now on).
  void use_pki_certificate(const StoredCert& cert);
};

// run_client_startup on an existing run (ccmsetup's, whose connection to the CMG stays open).
Status client_startup(ClientRun& run);

}  // namespace emu::client::agent_internal
