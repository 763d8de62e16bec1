// The client agent after ccmsetup: registration (ClientIDManagerStartup.log, README
// [S7]), the device's CCM token from its unique token (memdocs deploy-clients-cmg-token.md),
// the internet MP (ClientLocation.log §5), and machine policy (PolicyAgent.log §8,
// DataTransferService.log §9 in the seed walkthrough's form, CcmMessaging.log §7).
#include "emulator/client/agent/client_run.h"
#include "emulator/client/logs/messages.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/digest.h"
#include "emulator/core/crypto/key_file.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "emulator/core/xml.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <openssl/err.h>
#include <openssl/objects.h>

namespace emu::client {
namespace {

namespace messaging = mp::messaging;
using agent_internal::ClientRun;
using agent_internal::kClientIdLog;
using agent_internal::kDtsLog;
using agent_internal::kLocationLog;
using agent_internal::kMessagingLog;
using agent_internal::kPolicyLog;

constexpr const char* kSha256Oid = "1.2.840.113549.1.1.11";
// The CI downloader's staging folder, where the seed walkthrough's DTS job downloads to.
constexpr const char* kCiStaging = "C:\\Windows\\CCM\\CIDownloader\\Staging";

// The self-signed "SMS Signing" certificate a token client makes for itself, with its key kept
// in env.key_dir when set (same key, same certificate, same transcript on every run).
Status ensure_signing_cert(Machine& m, const AgentEnv& env) {
  if (!m.signing_cert_der.empty()) {
    if (!m.signing_key) {  // loaded from a state folder: parse the saved key once
      EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr parsed, crypto::parse_key_pem(m.signing_key_pem));
      m.signing_key = std::shared_ptr<EVP_PKEY>(parsed.release(), EVP_PKEY_free);
    }
    return Status::Ok();
  }
  std::shared_ptr<EVP_PKEY> key;
  if (!env.key_dir.empty()) {
    std::string file = "client-" + to_lower(m.spec.name);
    if (env.signing_key_pool > 0) {
      uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the name: a stable pick
      for (unsigned char ch : to_lower(m.spec.name)) h = (h ^ ch) * 0x100000001b3ULL;
      file = "client-pool-" + std::to_string(h % env.signing_key_pool);
    }
    const std::string path = env.key_dir + "/" + file + "-sms-signing.key";
    if (env.load_key) {
      EMU_ASSIGN_OR_RETURN(key, env.load_key(path));
    } else {
      EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr made, crypto::load_or_create_rsa_key(path));
      key = std::shared_ptr<EVP_PKEY>(made.release(), EVP_PKEY_free);
    }
  } else {
    EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr made, crypto::generate_rsa_key(2048));
    key = std::shared_ptr<EVP_PKEY>(made.release(), EVP_PKEY_free);
  }
  crypto::CertificateSpec spec;
  spec.serial_from_key = true;
  spec.common_name = m.spec.name;  // "SMS" certificates carry the machine name [inferred]
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(env.clock.now());
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + std::chrono::hours(24 * 365 * 100);
  // SMS Signing and SMS Encryption application policies [README S8].
  spec.extensions.push_back({NID_key_usage, "critical,digitalSignature,dataEncipherment", {}});
  spec.extensions.push_back({NID_ext_key_usage, "1.3.6.1.4.1.311.101.2,1.3.6.1.4.1.311.101", {}});
  EMU_ASSIGN_OR_RETURN(crypto::X509Ptr cert, crypto::build_cert(spec, key.get(), nullptr));
  EMU_ASSIGN_OR_RETURN(m.signing_cert_der, crypto::cert_to_der(cert.get()));
  m.signing_public_key_blob.clear();
  m.client_id_signature.clear();
  EMU_ASSIGN_OR_RETURN(m.signing_key_pem, crypto::key_to_pem(key.get()));
  m.signing_key = std::move(key);
  return Status::Ok();
}

// The issuer's RFC 2253 name (ClientIDManagerStartup.log names certificates by issuer).
std::string issuer_of(const std::string& cert_pem) {
  auto cert = crypto::parse_cert_pem(cert_pem);
  if (!cert.ok()) {
    ERR_clear_error();
    return "";
  }
  return crypto::name_rfc2253(X509_get_issuer_name(cert->get()));
}

std::string registration_request(const Machine& m, TimePoint now, Status* error) {
  const std::string hex = messaging::to_hex(m.signing_cert_der);
  const std::string data =
      "<Data HashAlgorithm=\"" + std::string(kSha256Oid) +
      "\" SMSID=\"\" RequestType=\"Registration\" TimeStamp=\"" +
      format_iso8601(std::chrono::time_point_cast<std::chrono::seconds>(now)) +
      "\"><AgentInformation AgentIdentity=\"CCMExec.exe\" AgentVersion=\"" +
      agent_internal::kClientVersion +
      "\" AgentType=\"1\" /><Certificates><Encryption Encoding=\"HexBinary\" KeyType=\"1\">" + hex +
      "</Encryption><Signing Encoding=\"HexBinary\" KeyType=\"1\">" + hex +
      "</Signing></Certificates><DiscoveryProperties><Property Name=\"Netbios Name\" Value=\"" +
      xml_escape(m.spec.name) + "\" /><Property Name=\"FQ Name\" Value=\"" +
      xml_escape(m.spec.fqdn) +
      "\" /><Property Name=\"Locale ID\" Value=\"1033\" /><Property Name=\"InternetFlag\" "
      "Value=\"1\" /></DiscoveryProperties></Data>";
  auto signature =
      messaging::sign_reversed_hex(m.signing_key.get(), messaging::utf8_to_utf16le(data));
  if (!signature.ok()) {
    *error = signature.status();
    return "";
  }
  return "<ClientRegistrationRequest>" + data + "<Signature><SignatureValue>" + *signature +
         "</SignatureValue></Signature></ClientRegistrationRequest>";
}

Status register_client(ClientRun& run) {
  Machine& m = run.m;
  auto log = [&](const std::string& message, TraceSeverity severity = TraceSeverity::kInfo) {
    run.log(kClientIdLog, "ClientIDManagerStartup", message, severity);
  };
  log("[----- STARTUP -----]");
  log("Machine: " + m.spec.name);
  log("SCCM Client Version: " + std::string(agent_internal::kClientVersion));
  if (m.aad.joined()) log("AADJoinStatusTask: Client hasn't been registered yet.");
  log("RegEndPoint: Event notification: CCM_RemoteClient_Reassigned");
  log("RegEndPoint: Received notification for site assignment change from '<none>' to '" +
      m.site_code + "'.");
  if (m.use_pki) {
    for (const auto& cert : m.personal)
      if (cert.thumbprint == m.pki_thumbprint) {
        log("Begin searching client certificates based on Certificate Issuers");
        log("Based on Certificate Issuer '" + issuer_of(cert.cert_pem) +
            "' found Certificate [Thumbprint " + cert.thumbprint + "] issued to '" + m.spec.fqdn +
            "'");
      }
  }
  log("[RegTask] - Executing registration task synchronously.");
  log("[RegTask] - Starting registration, attempt 1.");
  EMU_RETURN_IF_ERROR(ensure_signing_cert(m, run.env));
  log("[RegTask] - Client is not registered. Sending registration request for GUID:" +
      to_upper(m.ids->guid()) + " ...");
  if (m.aad_auth) log("Registering client using AAD auth.");
  Status error;
  const std::string request = registration_request(m, run.env.clock.now(), &error);
  EMU_RETURN_IF_ERROR(error);
  auto reply = run.ccm_post(kMessagingLog, "CcmMessaging", "MP_ClientRegistration", request, false);
  if (!reply.ok()) {
    log("[RegTask] - Failed to send registration request message. Error: 0x87d0027e",
        TraceSeverity::kError);  // [inferred]
    return reply.status().with_context("registration");
  }
  auto root = parse_xml(*reply);
  if (!root.ok()) return Unavailable("registration: reply is not XML: " + root.status().message());
  const std::string smsid = root->attr_or("SMSID", "", true);
  const std::string approval = root->attr_or("ApprovalStatus", "-1", true);
  if (smsid.empty() || approval == "-1") {
    log("[RegTask] - Server rejected registration " + root->attr_or("Status", "3", true),
        TraceSeverity::kError);
    return PermissionDenied("registration rejected (Status " + root->attr_or("Status", "", true) +
                            ")");
  }
  m.client_id = "GUID:" + to_upper(smsid.rfind("GUID:", 0) == 0 ? smsid.substr(5) : smsid);
  m.approval_status = std::atoi(approval.c_str());
  if (const XmlElement* token = root->child("ClientToken", true); token != nullptr) {
    m.unique_token.token = trim(token->text);
    m.unique_token.type = "ClientUnique";
    m.unique_token.expires = run.env.clock.now() + std::chrono::hours(24 * 90);
  }
  log(registration_complete(m.client_id, m.approval_status));
  if (m.use_pki) return Status::Ok();  // its certificate authenticates it: no CCM token
  if (m.unique_token.token.empty())
    return Unavailable("registration: the reply holds no client token");
  return run.get_ccm_token(kClientIdLog, "ClientIDManagerStartup", m.unique_token.token, "Device");
}

Status locate_internet_mp(ClientRun& run) {
  Machine& m = run.m;
  const std::string request =
      "<MPLocationRequest SchemaVersion=\"1.00\"><AssignedSite SiteCode=\"" + m.site_code +
      "\"/><IPAddresses><IPAddress SubnetAddress=\"\" Address=\"\"/>"
      "</IPAddresses></MPLocationRequest>";
  auto reply = run.ccm_post(kMessagingLog, "CcmMessaging", "MP_LocationManager", request, true);
  if (!reply.ok()) {
    // LocationServices.log when the CMG refuses or cannot be reached [README S5].
    const char* kLs = agent_internal::kLocationServicesLog;
    run.log(kLs, "LocationServices",
            "Failed to send management point list Location Request Message to " + m.ccm_host_name,
            TraceSeverity::kError);
    run.log(kLs, "LocationServices",
            "LSUpdateInternetManagementPoints: Failed to retrieve internet MPs from MP " +
                m.ccm_host_name + " with error 0x87d0027e, retaining previous list.",
            TraceSeverity::kError);
    m.internet_mps.clear();
    m.registry.erase(kRegInternetMp);
    return reply.status().with_context("location");
  }
  auto root = parse_xml(*reply);
  if (!root.ok()) return Unavailable("location: reply is not XML");
  std::vector<std::string> internet;
  std::vector<const XmlElement*> stack{&*root};
  while (!stack.empty()) {
    const XmlElement* e = stack.back();
    stack.pop_back();
    if (iequals(e->name, "MPLocationRecord") && iequals(e->attr_or("Type", "", true), "Internet"))
      internet.push_back(e->attr_or("FQDN", "", true));
    for (const auto& child : e->children) stack.push_back(&child);
  }
  m.internet_mps.clear();
  for (const auto& fqdn : internet) {
    const size_t slash = fqdn.find('/');
    m.internet_mps.push_back("https://" + to_upper(fqdn.substr(0, slash)) +
                             (slash == std::string::npos ? "" : fqdn.substr(slash)));
  }
  if (m.internet_mps.empty()) {
    run.log(kLocationLog, "ClientLocation", "Current Management Point is <empty>",
            TraceSeverity::kWarning);
    return FailedPrecondition("location: the site has no internet management point");
  }
  run.log(
      kLocationLog, "ClientLocation",
      "Rotating internet management point, new management point [1] is: " + m.internet_mps.front() +
          " (0) with capabilities: <Capabilities SchemaVersion =\"1.0\"><Property "
          "Name=\"SSL\" Version=\"1\" /></Capabilities>");
  m.registry[kRegInternetMp] = m.internet_mps.front();
  return Status::Ok();
}

std::string policy_path(const std::string& id, const std::string& version,
                        const std::string& site) {
  return "CCM_Policy_Policy5.PolicyID=\"" + id + "\",PolicySource=\"SMS:" + site +
         "\",PolicyVersion=\"" + version + "\"";
}

// Downloads one policy body through DTS (the seed's DTSJob lines) and checks its hash.
Status download_policy(ClientRun& run, const std::string& id, const std::string& version,
                       const std::string& location) {
  Machine& m = run.m;
  // "http://<mp>/SMS_MP/.sms_pol?{ID}.SHA256:<hex>": through the CMG's ServerAuth path.
  const size_t at = location.find("/SMS_MP/");
  if (at == std::string::npos) return InvalidArgument("policy " + id + ": bad location");
  const std::string rest = location.substr(at + 1);
  const std::string base = "https://" + run.cmg_upper() + ":443" + run.proxy_path("SMS_MP");
  const std::string url = "https://" + run.cmg_upper() + run.proxy_path(rest);
  const std::string path = policy_path(id, version, m.site_code);
  run.log(kPolicyLog, "PolicyAgent_ReplyAssignments",
          "Initializing download of policy '" + path + "' from '" + url + "'");
  const std::string job = run.new_guid();
  const std::string job_id = job.substr(1, job.size() - 2);
  const TimePoint start = run.env.clock.now();
  run.log(kDtsLog, "DataTransferService", dts_job_created(job_id, base, kCiStaging));
  WinHttpResult r = run.send(kDtsLog, "DataTransferService", "", "GET", rest, m.ccm_token.token);
  if (!r.ok() || r.response.status != 200) {
    run.log(kDtsLog, "DataTransferService", "DTSJob({" + job_id + "}): Job has failed.",
            TraceSeverity::kError);  // [inferred]
    return Unavailable("policy " + id + ": download failed");
  }
  const size_t hash_at = rest.find(".SHA256:");
  if (hash_at != std::string::npos) {
    const std::string want = rest.substr(hash_at + 8);
    auto digest = crypto::sha256(r.response.body);
    const std::string got = digest.ok() ? crypto::upper_hex(*digest) : "";
    if (!iequals(want, got)) {
      run.log(kPolicyLog, "PolicyAgent_PolicyDownload",
              "Hash verification failed for policy " + path, TraceSeverity::kError);  // [U]
      return Unavailable("policy " + id + ": hash mismatch");
    }
  }
  run.log(kDtsLog, "DataTransferService",
          dts_job_completed(job_id, start, run.env.clock.now(), m.spec.bias_minutes));
  run.log(kPolicyLog, "PolicyAgent_PolicyDownload",
          "Download of policy " + path + " completed (DTS Job ID: " + job + ")");
  m.policies.insert(id);
  return Status::Ok();
}

// Renews the CCM token when it expires within an hour (CcmMessaging.log [S7]).
Status refresh_ccm_token(ClientRun& run) {
  Machine& m = run.m;
  const TimePoint now = run.env.clock.now();
  if (m.use_pki ||
      (!m.ccm_token.token.empty() && m.ccm_token.expires - std::chrono::hours(1) > now))
    return Status::Ok();
  run.log(kMessagingLog, "CcmMessaging",
          "CCM Token for 'S-1-5-18' (" + run.local_time(m.ccm_token.expires) +
              ") is already expired or close to expire");
  if (m.unique_token.token.empty() || m.unique_token.expires <= now)
    return FailedPrecondition(
        "the client's unique token has expired: the client must register again");
  return run.get_ccm_token(kMessagingLog, "CcmMessaging", m.unique_token.token, "Device");
}

Status policy_cycle(ClientRun& run) {
  Machine& m = run.m;
  const TimePoint now = run.env.clock.now();
  const std::string body =
      "<RequestAssignments SchemaVersion=\"1.00\" ACK=\"false\" RequestType=\"Always\">"
      "<Identification><Machine><ClientID>" +
      m.client_id + "</ClientID><FQDN>" + xml_escape(m.spec.fqdn) + "</FQDN><NetBIOSName>" +
      xml_escape(m.spec.name) + "</NetBIOSName><SID /></Machine><User /></Identification>" +
      "<PolicySource>SMS:" + m.site_code +
      "</PolicySource><Resource ResourceType=\"Machine\" /><ServerCookie /></RequestAssignments>";
  auto reply = run.ccm_post(kMessagingLog, "CcmMessaging", "MP_PolicyManager", body, true);
  if (!reply.ok()) return reply.status().with_context("policy assignments");
  auto root = parse_xml(*reply);
  if (!root.ok() || !iequals(root->name, "ReplyAssignments"))
    return Unavailable("policy assignments: the reply is not ReplyAssignments");
  m.last_policy_cycle = now;
  std::vector<const XmlElement*> stack{&*root};
  std::vector<const XmlElement*> policies;
  while (!stack.empty()) {
    const XmlElement* e = stack.back();
    stack.pop_back();
    if (iequals(e->name, "Policy")) policies.push_back(e);
    for (auto it = e->children.rbegin(); it != e->children.rend(); ++it) stack.push_back(&*it);
  }
  for (const XmlElement* p : policies) {
    const std::string id = p->attr_or("PolicyID", "", true);
    if (id.empty() || m.policies.count(id) != 0) continue;
    const XmlElement* location = p->child("PolicyLocation", true);
    if (location == nullptr) continue;
    EMU_RETURN_IF_ERROR(
        download_policy(run, id, p->attr_or("PolicyVersion", "1.00", true), trim(location->text)));
  }
  return Status::Ok();
}

}  // namespace

Status run_client_startup(Machine& m, const AgentEnv& env) {
  ClientRun run(m, env);
  return agent_internal::client_startup(run);
}

namespace agent_internal {

Status client_startup(ClientRun& run) {
  Machine& m = run.m;
  if (!m.installed) return FailedPrecondition("the client is not installed");
  run.log(agent_internal::kCcmExecLog, "CcmExec", "Starting CCMEXEC service...");
  run.log(agent_internal::kCcmExecLog, "CcmExec",
          "Invoking system task 'ClientRegistrationStartup' via ICcmSystemTask2 interface.");
  if (m.client_id.empty()) EMU_RETURN_IF_ERROR(register_client(run));
  EMU_RETURN_IF_ERROR(locate_internet_mp(run));
  return policy_cycle(run);
}

}  // namespace agent_internal

Status run_policy_cycle(Machine& m, const AgentEnv& env) {
  if (!m.installed) return FailedPrecondition("the client is not installed");
  if (m.client_id.empty()) return FailedPrecondition("the client is not registered");
  ClientRun run(m, env);
  EMU_RETURN_IF_ERROR(refresh_ccm_token(run));
  EMU_RETURN_IF_ERROR(locate_internet_mp(run));
  return policy_cycle(run);
}

}  // namespace emu::client
