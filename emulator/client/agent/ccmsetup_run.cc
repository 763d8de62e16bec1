// ccmsetup.exe over the internet through a CMG (a real internet install's order): the bootstrap
// instance, the service instance with its parameter block, the CCM token from CCM_STS with the
// bulk registration token, the site information through the CMG, the CCM_Client check, the
// client files from /source: (or through the CMG), the install, then the client agent.
// Line texts are the real ones where a source shows them (README [S3][S7], memdocs
// azure-ccmsetup.md); the bulk-token lines no source shows follow the Entra ID sequence
// without its Entra lines (inferred there).
#include "emulator/client/agent/client_run.h"
#include "emulator/client/ccmsetup/command_line.h"
#include "emulator/client/logs/messages.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"

#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace emu::client {
namespace {

using agent_internal::ClientRun;
using agent_internal::kCcmsetupLog;

constexpr const char* kComponent = "ccmsetup";
constexpr int kBootstrapPid = 476;  // process ids [inferred: any id is valid]
constexpr int kServicePid = 3324;

std::string os_line(const Machine& m) {
  // "[TARGETSERVER] Running on 'Microsoft Windows Server 2012 R2 Standard' (6.3.9600). ..."
  const bool eleven = m.spec.os.find("11") != std::string::npos;
  return "[" + m.spec.name + "] Running on 'Microsoft " + m.spec.os + " Pro' (" +
         (eleven ? "10.0.22000" : "10.0.19044") +
         "). Service Pack (0.0). SuiteMask = 272. Product Type = 18";
}

bool has_folder(const Machine& m, const std::string& folder) {
  std::string want = folder;
  while (!want.empty() && (want.back() == '\\' || want.back() == '/')) want.pop_back();
  for (const auto& f : m.spec.folders) {
    std::string have = f;
    while (!have.empty() && (have.back() == '\\' || have.back() == '/')) have.pop_back();
    if (iequals(have, want)) return true;
  }
  return false;
}

// A certificate valid at `now` whose extended key usage allows client authentication.
bool has_client_auth(const std::string& cert_pem, TimePoint now) {
  auto cert = crypto::parse_cert_pem(cert_pem);
  if (!cert.ok()) {
    ERR_clear_error();
    return false;
  }
  if (!crypto::valid_at(cert->get(), now)) return false;
  const uint32_t eku = X509_get_extended_key_usage(cert->get());
  return (eku & XKU_SSL_CLIENT) != 0;
}

CcmsetupOutcome fail(ClientRun& run, uint32_t hresult, std::string error,
                     int exit_code = kCcmsetupError) {
  run.log(kCcmsetupLog, kComponent, "CcmSetup failed with error code " + hresult_hex(hresult));
  CcmsetupOutcome out;
  out.exit_code = exit_code;
  out.hresult = hresult;
  out.error = std::move(error);
  return out;
}

// Client operating systems ConfigMgr 2203 no longer supports (memdocs "Supported OS versions
// for clients and devices": Windows 8.1 and later, Windows Server 2012 and later).
bool unsupported_os(const std::string& os) {
  for (const char* old :
       {"Windows XP", "Windows Vista", "Windows 7", "Windows 8", "Server 2003", "Server 2008"})
    if (os.find(old) != std::string::npos && os.find("Windows 8.1") == std::string::npos)
      return true;
  return false;
}

// CCMHOSTNAME "cmg.contoso.com/CCM_Proxy_MutualAuth/72057594037927939" -> host and role id.
bool parse_ccm_host_name(const std::string& value, std::string* host, std::string* role_id) {
  const size_t slash = value.find('/');
  if (slash == std::string::npos || slash == 0) return false;
  const std::string rest = value.substr(slash + 1);
  const size_t second = rest.find('/');
  if (second == std::string::npos) return false;
  const std::string prefix = rest.substr(0, second);
  const std::string id = rest.substr(second + 1);
  if (!iequals(prefix, "CCM_Proxy_MutualAuth") && !iequals(prefix, "CCM_Proxy_ServerAuth"))
    return false;
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return false;
  *host = value.substr(0, slash);
  *role_id = id;
  return true;
}

// Entra ID authentication [memdocs clients/manage/azure-ccmsetup.md]: the
// app and resource from AADCLIENTAPPID / AADRESOURCEURI, else from the CMG's AADAuthInfo for
// the tenant (AADTENANTID, else the one the machine joined); the device token from Entra ID;
// the CCM token from CCM_STS with it.
CcmsetupOutcome entra_ccm_token(ClientRun& run, const CcmsetupCommandLine& c) {
  Machine& m = run.m;
  const std::string tenant =
      !c.property("AADTENANTID").empty() ? c.property("AADTENANTID") : m.aad.tenant_id;
  std::string client_app = c.property("AADCLIENTAPPID");
  std::string resource = c.property("AADRESOURCEURI");
  if (client_app.empty() || resource.empty()) {
    run.log(kCcmsetupLog, kComponent, "Getting AAD info from CMG '" + run.cmg_upper() + "'");
    WinHttpResult info = run.send_path(kCcmsetupLog, kComponent, "SMS CCM 5.0", "0x1304", "GET",
                                       "/CCM_Proxy_ServerAuth/AADAuthInfo?TenantID=" + tenant, "");
    const auto body = info.ok() && info.response.status == 200
                          ? nlohmann::json::parse(info.response.body, nullptr, false)
                          : nlohmann::json();
    if (!body.is_object())
      return fail(run, failure_hresult(info) != 0 ? failure_hresult(info) : 0x80004005,
                  "AADAuthInfo for tenant " + tenant + " through the CMG failed");
    if (client_app.empty()) client_app = body.value("ClientAppId", "");
    if (resource.empty()) resource = body.value("ResourceUri", "");
  }
  auto token = run.get_aad_device_token(kCcmsetupLog, kComponent, tenant, client_app, resource);
  // "Failed to get token" [inferred: the HRESULT ccmsetup ends with here is not published;
  // 0x87d00231 is the one co-management logs for a missing Entra token].
  if (!token.ok()) return fail(run, 0x87d00231, token.status().message());
  // Device, or UDA with a signed-in user. A refusal ends ccmsetup with 0x87d00231, the code
  // Microsoft's co-management troubleshooting gives for a site with no discovered Entra users
  // [inferred for ccmsetup and for other refusals].
  if (Status s = run.get_ccm_token(kCcmsetupLog, kComponent, *token, ""); !s.ok())
    return fail(run, 0x87d00231, s.message());
  m.aad_auth = true;
  return {};
}

}  // namespace

CcmsetupOutcome run_ccmsetup(Machine& m, const AgentEnv& env, std::string_view command_line) {
  ClientRun run(m, env);
  auto log = [&](const std::string& message, TraceSeverity severity = TraceSeverity::kInfo) {
    run.log(kCcmsetupLog, kComponent, message, severity);
  };
  log("==========[ ccmsetup started in process " + std::to_string(kBootstrapPid) + " ]==========");
  auto parsed = parse_ccmsetup_command_line(command_line);
  if (!parsed.ok()) {
    log("Ccmsetup command line: " + std::string(command_line));
    log("Invalid command line: " + parsed.status().message(), TraceSeverity::kError);
    return fail(run, 0x80070057, "bad command line: " + parsed.status().message());  // E_INVALIDARG
  }
  const CcmsetupCommandLine& c = *parsed;
  const std::string launch =
      c.sources.empty() ? "C:\\Users\\Administrator\\Downloads\\" : c.sources.front() + "\\";
  log("Launch from folder " + launch);
  log("CcmSetup version: " + std::string(agent_internal::kCcmsetupVersion));
  log(os_line(m));
  log("Ccmsetup command line: " + std::string(command_line));
  log("Command line: " + std::string(command_line));
  for (const auto& unknown : c.unknown_parameters)
    log("Unknown parameter '" + unknown + "' is ignored.", TraceSeverity::kWarning);  // [inferred]
  if (c.help) {
    log("CcmSetup is exiting with return code 0");
    return {};
  }
  if (c.uninstall) {
    if (m.installed) {
      m.installed = false;
      m.client_id.clear();
      m.approval_status = -1;
      m.ccm_token = {};
      m.unique_token = {};
      m.aad_auth = false;
      m.registry.clear();
      log("Uninstalling client");  // [inferred]
    } else {
      log("No version of the client is currently detected.");
    }
    log("CcmSetup is exiting with return code 0");
    return {};
  }
  if (m.installed && !c.force_install) {
    // A client of the same version is installed and not forced [inferred wording].
    log("Client version " + std::string(agent_internal::kClientVersion) +
        " is already installed. Specify /forceinstall to reinstall.");
    log("CcmSetup is exiting with return code 0");
    return {};
  }
  log("SslState value: 224");
  log("No version of the client is currently detected.");
  log("Successfully created the ccmsetup service");
  log("Successfully started the ccmsetup service");
  log("CcmSetup is exiting with return code 0");

  // The service instance.
  log("==========[ ccmsetup started in process " + std::to_string(kServicePid) + " ]==========");
  log("Launch from folder C:\\Windows\\ccmsetup\\");
  log("In ServiceMain");
  log(os_line(m));
  log("Ccmsetup command line: " + service_command_line(c));
  log("Command line: " + service_command_line(c));
  log("SslState value: 224");
  log("CCMHTTPPORT:    80");
  log("CCMHTTPSPORT:    443");
  log("CCMHTTPSSTATE:    224");
  log("CCMHTTPSCERTNAME:    ");
  log("CCMFIRSTCERT:    1");
  log("Config file:      " + c.config_file);
  log("Retry time:       " + std::to_string(c.retry_minutes) + " minute(s)");
  log("MSI log file:     C:\\Windows\\ccmsetup\\Logs\\client.msi.log");
  std::string properties = "MSI properties:   ";
  for (const auto& [name, value] : c.properties) properties += " " + name + "=\"" + value + "\"";
  log(properties);
  log("Source List:");
  for (const auto& source : c.sources) log("                  " + source);
  log("MPs:");
  for (const auto& mp : c.mps) log("                  " + mp);
  const std::string smsmp = c.property("SMSMP");
  if (!smsmp.empty() && c.mps.empty()) log("                  " + smsmp);
  log("No version of the client is currently detected.");

  m.site_code = c.property("SMSSITECODE");
  m.no_crl_check = c.no_crl_check;
  run.http.set_check_revocation(!c.no_crl_check);
  const std::string ccm_host_name = c.property("CCMHOSTNAME");
  const bool always_internet = c.property("CCMALWAYSINF") == "1";
  if (ccm_host_name.empty()) {
    // Only intranet MPs: an internet machine resolves none of them [inferred: the lab DNS holds
    // public names only].
    const std::string target = !c.mps.empty() ? c.mps.front() : smsmp;
    if (target.empty()) {
      log("No MP or source location has been explicitly specified.", TraceSeverity::kError);
      return fail(run, 0x80004005, "no management point given (CCMHOSTNAME, SMSMP or /mp:)");
    }
    log("Failed to resolve '" + target + "'. Error 0x80072ee7", TraceSeverity::kError);
    return fail(run, 0x80072ee7, target + ": name not resolved (intranet MP from the internet)");
  }
  if (!parse_ccm_host_name(ccm_host_name, &m.cmg_host, &m.mp_role_id)) {
    log("Invalid CCMHOSTNAME '" + ccm_host_name + "'.", TraceSeverity::kError);  // [inferred]
    return fail(run, 0x80070057,
                "CCMHOSTNAME: not <CMG>/CCM_Proxy_MutualAuth/<role id>: '" + ccm_host_name + "'");
  }
  m.ccm_host_name = ccm_host_name;
  if (!c.no_crl_check) log("Enabled SSL revocation check.");

  // Authentication: the bulk registration token for a CCM token; else, on an Entra-joined
  // machine (or with AADTENANTID) and without /UsePKICert, an Entra ID device token for one;
  // else a PKI client certificate from the Personal store on the MutualAuth path.
  const StoredCert* pki_cert = nullptr;
  const bool entra = c.regtoken.empty() && !c.use_pki_cert &&
                     (m.aad.joined() || !c.property("AADTENANTID").empty());
  if (!c.regtoken.empty()) {
    if (Status s = run.get_ccm_token(kCcmsetupLog, kComponent, c.regtoken, "PreAuth"); !s.ok())
      return fail(run, 0x87d0027e, s.message());
  } else if (entra) {
    if (CcmsetupOutcome failed = entra_ccm_token(run, c); failed.exit_code != kCcmsetupSuccess)
      return failed;
  } else {
    for (const auto& cert : m.personal)
      if (!cert.key_pem.empty() && has_client_auth(cert.cert_pem, env.clock.now())) {
        pki_cert = &cert;
        break;
      }
    if (pki_cert == nullptr) {
      log("Failed to get CCM access token and client doesn't have PKI issued cert to use SSL. "
          "Error 0x80070002",
          TraceSeverity::kError);
      return fail(run, 0x80070002, "no /regtoken and no PKI client certificate");
    }
    // [inferred wording: real ccmsetup's certificate selection lines are not published]
    log("Using PKI client certificate [Thumbprint " + pki_cert->thumbprint + "] issued to '" +
        pki_cert->subject + "'");
    run.use_pki_certificate(*pki_cert);
  }

  // Site information through the CMG.
  const std::string site_request =
      "<SiteInformationRequest SchemaVersion=\"1.00\"><SiteCode Name=\"" + m.site_code +
      "\"/></SiteInformationRequest>";
  log("Sending location request to '" + ccm_host_name + "' with payload '" + site_request + "'");
  auto site = run.ccm_post(kCcmsetupLog, kComponent, "MP_LocationManager", site_request, false);
  if (!site.ok()) return fail(run, 0x87d0027e, site.status().message());
  log("Received message '" + *site + "'");

  log("Checking the URL '" + run.mutual_auth_url() + "/CCM_Client/ccmsetup.cab'");
  WinHttpResult cab = run.send(kCcmsetupLog, kComponent, "ccmsetup", "GET",
                               "CCM_Client/ccmsetup.cab", m.ccm_token.token);
  if (!cab.ok() || cab.response.status != 200)
    return fail(run, failure_hresult(cab), "CCM_Client/ccmsetup.cab through the CMG failed");
  log("Found a valid online MP '" + run.mutual_auth_url() + "'");
  log("Searching for DP locations from MP(s)...");
  log("CCMSETUP bootstrap from Internet: 1");

  // The client files: from /source: when the folder is there, else from the MP through the CMG.
  const std::string package_guid = run.new_guid();
  bool copied = false;
  for (const auto& source : c.sources) {
    if (!has_folder(m, source)) {
      log("Source '" + source + "' is not accessible.", TraceSeverity::kWarning);  // [inferred]
      continue;
    }
    log("Downloading file " + source + "\\x64\\client.msi");
    log("Downloading " + source + "\\x64\\client.msi to C:\\Windows\\ccmsetup\\client.msi");
    log("Download complete.");
    copied = true;
    break;
  }
  if (!copied) {
    log("Downloading file " + run.mutual_auth_url() + "/CCM_Client/x64/client.msi");
    WinHttpResult msi = run.send(kCcmsetupLog, kComponent, "ccmsetup", "GET",
                                 "CCM_Client/x64/client.msi", m.ccm_token.token);
    if (!msi.ok() || msi.response.status != 200) {
      log("DownloadFileByWinHTTP failed with a non-recoverable failure, 0x87d00455",
          TraceSeverity::kError);
      return fail(run, 0x87d00455, "client.msi through the CMG failed");
    }
    log("Download complete.");
  }

  if (unsupported_os(m.spec.os)) {
    // Prerequisite evaluation fails: exit code 9 [memdocs about-client-installation-properties
    // "ccmsetup.exe return codes"; the log wording is inferred].
    log("Client OS '" + m.spec.os + "' is not supported by this version of the client.",
        TraceSeverity::kError);
    return fail(run, 0x80004005,
                "prerequisite evaluation failed: " + m.spec.os + " is not supported",
                kCcmsetupPrereqFailure);
  }
  log("Installing version " + std::string(agent_internal::kClientVersion) +
      " of the client with product code {66653948-0717-4D50-B0B9-ED66FDED2DDB}");
  log("Running installation package");
  log("Package:     C:\\WINDOWS\\ccmsetup\\" + package_guid + "\\client.msi");
  log("MSI: Action " + run.local_time(env.clock.now()).substr(11) +
      ": CcmRegisterWmiMofFile. Registering WMI settings");
  log("Installation succeeded.");  // [inferred: the success line is not published]
  m.installed = true;
  m.registry[kRegAssignedSite] = m.site_code;
  m.registry[kRegAlwaysOnInternet] = always_internet ? "1" : "0";
  m.registry[kRegCmgFqdns] = m.cmg_host;
  log("CcmSetup is exiting with return code 0");

  CcmsetupOutcome out;
  if (Status s = agent_internal::client_startup(run); !s.ok())
    out.error = "client agent: " + s.message();
  return out;
}

}  // namespace emu::client
