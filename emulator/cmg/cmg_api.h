// The CMG service's public interface: what the site (its cloud service manager and the CMG
// connection point) tells the CMG running in Azure, and the channel through which the CMG hands
// accepted client requests to a connection point. See emulator/cmg/README.md.
//
// Real-world flow (README Sources): the cloud service manager deploys the CMG; once the VMs run,
// the CMG answers on its service name with the wizard's server certificate. The connection
// point builds channels to every VM instance, publishes the URL mappings (one per role that
// allows CMG traffic) and the security settings (trusted roots, the site's token-signing
// certificate, the onboarded tenants), and forwards each request the CMG hands it to the
// internal role. Every call below is made on the lab's I/O thread.
#pragma once

#include "emulator/core/http/message.h"
#include "emulator/core/status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace emu::cmg {

// One CMG as the cloud service manager deployed it.
struct Deployment {
  std::string service_name;     // certificate CN, e.g. "cmg.contoso.com"
  std::string deployment_name;  // "cmg.japaneast.cloudapp.azure.com"
  std::string region;
  int instances = 1;
  // The server-authentication certificate of the wizard's .pfx (leaf first) and its key.
  std::string certificate_pem;
  std::string key_pem;
  std::string certificate_thumbprint;  // SHA-1 upper-case hex
  // Wizard page "Certificates": roots/intermediates client certificates must chain to.
  std::vector<std::string> trusted_roots_pem;
  bool verify_revocation = true;  // "Verify client certificate revocation"
  std::string crl_pem;            // the CRL the CMG checks with (lab CRL) when verifying
};

// One published URL mapping: "/CCM_Proxy_MutualAuth/<role_id>/<vdir>..." and
// "/CCM_Proxy_ServerAuth/<role_id>/<vdir>..." lead to "<scheme>://<server>/<vdir>...".
struct Mapping {
  int64_t role_id = 0;
  int role_type = 0;     // sitedb::RoleTypeId (6 = management point)
  std::string endpoint;  // console name of the target role, e.g. "Management point"
  std::string server;    // internal FQDN, e.g. "cm01.contoso.com"
  bool https = false;    // the role takes HTTPS (PKI) client connections
  // Virtual directories published for the role (case-insensitive), e.g. "CCM_System",
  // "CCM_System_TokenAuth", "SMS_MP", "SMS_MP_TokenAuth", "CCM_STS", "CCM_Client", "CCM_Incoming".
  std::vector<std::string> vdirs;
  size_t max_request_bytes = 0;  // content length limit per endpoint (0 = the CMG default)
};

// An onboarded Entra ID tenant (Azure Services › Cloud Management).
struct Tenant {
  std::string tenant_id;
  std::string client_app_id;  // native app: AADCLIENTAPPID
  std::string resource_uri;   // web app's App ID URI: AADRESOURCEURI, the token audience
  bool disabled = false;      // "Disable Azure Active Directory authentication for this tenant"
};

// What a connection point publishes to the CMG (replacing the previous publication).
struct Publication {
  std::vector<Mapping> mappings;
  std::string site_code;
  std::string hierarchy_id;                      // the bulk token's TenantId
  std::string token_signing_cert_pem;            // verifies CCM tokens and bulk registration tokens
  std::vector<std::string> blocked_bulk_tokens;  // tracking GUIDs blocked in the console
  std::vector<Tenant> tenants;
};

// A request the CMG accepted, handed to a connection point.
struct Forwarded {
  http::Request* request = nullptr;  // as received; its target is still the external one
  const Mapping* mapping = nullptr;
  std::string external_url;   // "https://cmg.contoso.com/CCM_Proxy_ServerAuth/7205.../CCM_STS"
  std::string internal_path;  // "/CCM_STS", "/SMS_MP/.sms_aut?MPLIST" (vdir, rest and query)
  std::string message_id;     // GUID in braces-free upper case, written in both services' logs
  bool bearer_token = false;  // the request carried a token (traffic report counter)
};

// The connection point's end of a channel. forward() runs on the I/O thread and returns the
// internal role's answer (or the CP's own 403/500 when it cannot reach it).
class Channel {
 public:
  virtual ~Channel() = default;
  virtual http::Response forward(const Forwarded& request) = 0;
};

// The CMG service as the site drives it.
class CmgControl {
 public:
  virtual ~CmgControl() = default;
  // The deployment is Ready: its service name answers, presenting the wizard's certificate.
  // Calling it again updates the deployment (e.g. after a certificate change).
  virtual Status deployment_ready(const Deployment& deployment) = 0;
  // Provisioning, Stopped, Error or deleted: its service name stops answering (connection
  // refused). Connected channels and the publication are dropped. No-op for an unknown name.
  virtual void deployment_down(const std::string& service_name) = 0;
  // A connection point (named by its server) connects its channel. FailedPrecondition when the
  // CMG is not Ready (the CP logs that it cannot build the connection). `channel` outlives the
  // connection (until disconnect, deployment_down or reset).
  virtual Status connect(const std::string& service_name, const std::string& cp_server,
                         Channel* channel) = 0;
  virtual void disconnect(const std::string& service_name, const std::string& cp_server) = 0;
  // Replaces the URL mappings and security settings. FailedPrecondition when not Ready.
  virtual Status publish(const std::string& service_name, const Publication& publication) = 0;
};

}  // namespace emu::cmg
