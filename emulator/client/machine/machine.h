// One emulated Windows machine with the ConfigMgr client: its names, certificate stores,
// registry values, folders and logs (C:\Windows\CCM\Logs and C:\Windows\ccmsetup\Logs, kept
// together in one folder per machine), and the client agent's state once installed. Plain data;
// not thread-safe: ClientService serializes every use of one machine.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/trace_log.h"

#include <openssl/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace emu::client {

// A certificate in one of the machine's stores (LocalMachine\Root or LocalMachine\My).
struct StoredCert {
  std::string cert_pem;    // the certificate (Personal: leaf first, then its chain)
  std::string key_pem;     // Personal only: the private key
  std::string thumbprint;  // SHA-1, upper-case hex
  std::string subject;     // RFC 2253
};

// A CCM token as the client caches it ("Cached encrypted token for 'S-1-5-18'. Will expire at").
struct CachedToken {
  std::string token;
  std::string type;  // "PreAuth", "Device", ...
  TimePoint expires{};
};

// The machine's Entra ID registration (dsregcmd /status: AzureAdJoined, DeviceId, TenantId):
// its device certificate and the key that proves it, kept in the machine's store.
struct AadJoin {
  std::string tenant_id;
  std::string device_id;
  std::string cert_pem;
  std::string key_pem;
  // The Entra user signed in on the machine ("" = none): ccmsetup's token is then the user's
  // on this device (UDA).
  std::string user_upn;
  std::string user_id;
  std::string user_password;
  bool joined() const { return !device_id.empty(); }
};

struct MachineSpec {
  std::string name;  // NetBIOS name, upper case ("CLIENT01")
  std::string fqdn;  // "client01.workgroup.local" for a workgroup machine
  std::string join = "workgroup";
  std::string os = "Windows 11";
  // Windows time-zone bias in minutes (UTC = local + bias): -540 for Japan, 0 for UTC.
  int bias_minutes = 0;
  // Folders that exist on the machine besides the system ones (e.g. "C:\ClientInstall", where
  // an administrator copied the client files), compared case-insensitively.
  std::vector<std::string> folders;
};

// Registry values the client reads and writes (HKLM\SOFTWARE\Microsoft\CCM\...).
inline constexpr const char* kRegAlwaysOnInternet = "Security\\ClientAlwaysOnInternet";
inline constexpr const char* kRegCmgFqdns = "Security\\CMGFQDNs";
inline constexpr const char* kRegAssignedSite = "Mobile Client\\AssignedSiteCode";
inline constexpr const char* kRegInternetMp = "Security\\Internet MP Hostname";

struct Machine {
  MachineSpec spec;
  std::vector<StoredCert> trusted_roots;        // Cert:\LocalMachine\Root
  std::vector<StoredCert> personal;             // Cert:\LocalMachine\My
  std::map<std::string, std::string> registry;  // value path under HKLM\SOFTWARE\Microsoft\CCM
  AadJoin aad;                                  // Entra joined when aad.joined()
  std::unique_ptr<TraceLogs> logs;              // CCM format, the machine's bias
  std::unique_ptr<IdSource> ids;                // GUIDs the machine makes (seeded per name)
  uint64_t sessions = 0;  // times the machine was loaded from a state folder (reseeds `ids`)

  // The client agent.
  bool installed = false;
  std::string site_code;
  std::string ccm_host_name;  // CCMHOSTNAME: "cmg.contoso.com/CCM_Proxy_MutualAuth/<id>"
  std::string cmg_host;       // "cmg.contoso.com"
  std::string mp_role_id;     // "72057594037927939"
  bool no_crl_check = false;
  bool use_pki = false;        // a PKI client: its Personal certificate on MutualAuth paths
  bool aad_auth = false;       // installed with Entra ID authentication (a device token)
  std::string pki_thumbprint;  // which one
  std::string client_id;       // "GUID:…" once registered
  int approval_status = -1;
  std::string signing_key_pem;            // the self-signed "SMS Signing" certificate's key
  std::shared_ptr<EVP_PKEY> signing_key;  // the same, parsed (not saved; made on first use)
  std::string signing_cert_der;
  std::string signing_public_key_blob;  // its CryptoAPI PUBLICKEYBLOB hex (not saved; first use)
  // The clientauth ClientIDSignature and the ClientID it signs (PKCS#1 v1.5 is deterministic, so
  // one signature serves every message; not saved).
  std::string client_id_signature, client_id_signed;
  CachedToken unique_token;               // the client's unique token (90 days) from registration
  CachedToken ccm_token;                  // the CCM token from CCM_STS (8 hours)
  std::vector<std::string> internet_mps;  // https://<CMG>/CCM_Proxy_MutualAuth/<id>
  std::set<std::string> policies;         // policy IDs downloaded
  TimePoint last_policy_cycle{};
};

}  // namespace emu::client
