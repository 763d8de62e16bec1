#include "emulator/client/agent/client_run.h"

#include "emulator/client/logs/messages.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "emulator/mp/messaging/ccm_message.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace emu::client::agent_internal {
namespace {

namespace messaging = mp::messaging;

// Thread ids per log [inferred: any decimal id is valid; the CcmMessaging pair is the seed's].
int thread_of(std::string_view log_name) {
  if (log_name == kCcmsetupLog) return 3912;
  if (log_name == kMessagingLog) return 9580;
  if (log_name == kClientIdLog) return 11348;
  if (log_name == kDtsLog) return 4352;
  if (log_name == kPolicyLog) return 4088;
  return 1684;
}

}  // namespace

ClientRun::ClientRun(Machine& machine, const AgentEnv& e)
    : m(machine), env(e), http(e.clock, [&] {
        WinHttpConfig c;
        c.resolve = e.resolve;
        for (const auto& root : machine.trusted_roots) c.trusted_roots_pem += root.cert_pem;
        c.check_revocation = !machine.no_crl_check;
        for (const auto& cert : machine.personal)
          if (machine.use_pki && cert.thumbprint == machine.pki_thumbprint) {
            c.client_cert_pem = cert.cert_pem;
            c.client_key_pem = cert.key_pem;
          }
        return c;
      }()) {}

void ClientRun::log(const char* log_name, const char* component, const std::string& message,
                    TraceSeverity severity, const char* file) {
  TraceRecord r;
  r.component = component;
  r.message = message;
  r.severity = severity;
  r.thread = thread_of(log_name);
  r.file = file;
  (void)m.logs->write(log_name, r);
}

std::string ClientRun::cmg_upper() const { return to_upper(m.cmg_host); }

std::string ClientRun::proxy_path(const std::string& rest) const {
  return std::string(m.use_pki ? "/CCM_Proxy_MutualAuth/" : "/CCM_Proxy_ServerAuth/") +
         m.mp_role_id + "/" + rest;
}

std::string ClientRun::request_path() const {
  return m.use_pki ? "ccm_system/request" : "ccm_system_tokenauth/request";
}

int ClientRun::https_options() const { return m.use_pki ? kPkiClientOptions : kTokenClientOptions; }

void ClientRun::use_pki_certificate(const StoredCert& cert) {
  m.use_pki = true;
  m.pki_thumbprint = cert.thumbprint;
  http.set_client_certificate(cert.cert_pem, cert.key_pem);
}

std::string ClientRun::mutual_auth_url() const {
  return "https://" + cmg_upper() + "/CCM_Proxy_MutualAuth/" + m.mp_role_id;
}

std::string ClientRun::new_guid() { return "{" + to_upper(m.ids->guid()) + "}"; }

std::string ClientRun::local_time(TimePoint t) const {
  const CivilTime f = civil_time(t, m.spec.bias_minutes);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d %02ld:%02ld:%02ld", f.month, f.day, f.year, f.hour,
                f.minute, f.second);
  return buf;
}

WinHttpResult ClientRun::send(const char* log_name, const char* component, const char* agent,
                              const std::string& method, const std::string& rest,
                              const std::string& bearer, http::Headers headers,
                              const std::string& body) {
  return send_path(log_name, component, agent, "0x4100", method, proxy_path(rest), bearer,
                   std::move(headers), body);
}

WinHttpResult ClientRun::send_path(const char* log_name, const char* component,
                                   const std::string& agent, const char* flags,
                                   const std::string& method, const std::string& path,
                                   const std::string& bearer, http::Headers headers,
                                   const std::string& body) {
  const std::string token = m.use_pki ? "" : bearer;
  if (std::string_view(log_name) == kDtsLog) {
    // DTS names the URL instead of the connection [README S4].
    log(log_name, component, "Target URL scheme is HTTPS: https://" + cmg_upper() + ":443" + path);
  } else {
    log(log_name, component,
        agent + ": Host=" + cmg_upper() + ", Path=" + path +
            ", Port=443, Protocol=https, CcmTokenAuth=" + (token.empty() ? "0" : "1") +
            ", Flags=" + flags + ", Options=" + (m.use_pki ? "0x3f" : "0xe0"));
  }
  if (!token.empty()) {
    headers.set("Authorization", "Bearer " + token);
    log(log_name, component, "Appending CCM Token to the header.");
  }
  if (body.empty() && method != "GET" && method != "HEAD" && method != "PROPFIND")
    headers.set("Content-Length", "0");
  WinHttpResult r = http.send(m.cmg_host, {method, path, headers, body});
  if (!r.ok() || r.response.status != 200) {
    for (const auto& line :
         ccmhttp_failure_lines("https://" + cmg_upper() + path, https_options(), r))
      log(log_name, component, line, TraceSeverity::kError);
  }
  return r;
}

Status ClientRun::get_ccm_token(const char* log_name, const char* component,
                                const std::string& bearer, const std::string& expect_type) {
  log(log_name, component, "Getting CCM Token from STS server '" + m.ccm_host_name + "'");
  log(log_name, component, "Getting CCM Token from https://" + m.ccm_host_name + "/CCM_STS");
  const char* agent = std::string_view(log_name) == kCcmsetupLog ? "ccmsetup" : "ccmhttp";
  WinHttpResult r = send(log_name, component, agent, "POST", "CCM_STS", bearer);
  const uint32_t hr = failure_hresult(r);
  if (hr != 0) {
    log(log_name, component, "RetrieveTokenFromStsServerImpl failed with error " + hresult_hex(hr),
        TraceSeverity::kError);
    return Unavailable("CCM_STS: " +
                       (r.ok() ? std::to_string(r.response.status) + " " + r.response.reason
                               : winhttp_error_name(r.error) + " (" + r.detail + ")"));
  }
  const auto reply = nlohmann::json::parse(r.response.body, nullptr, false);
  if (!reply.is_object() || !reply.contains("token") || !reply["token"].is_string()) {
    log(log_name, component, "RetrieveTokenFromStsServerImpl failed with error 0x80004005",
        TraceSeverity::kError);
    return Unavailable("CCM_STS: the reply holds no token");
  }
  const std::string type = reply.value("token_type", "");
  if (!expect_type.empty() && type != expect_type)
    return Unavailable("CCM_STS gave a " + type + " token, not " + expect_type);
  m.ccm_token.token = reply["token"].get<std::string>();
  m.ccm_token.type = type;
  auto expires = parse_iso8601(reply.value("expires_on", ""));
  m.ccm_token.expires = expires.ok() ? *expires : env.clock.now() + std::chrono::hours(8);
  log(log_name, component,
      "Cached encrypted token for 'S-1-5-18'. Will expire at '" + local_time(m.ccm_token.expires) +
          "'");
  return Status::Ok();
}

Result<std::string> ClientRun::ccm_post(const char* log_name, const char* component,
                                        const std::string& endpoint, const std::string& body_xml,
                                        bool clientauth) {
  messaging::MsgHeader h;
  h.reply_compression = "zlib";
  h.id = new_guid();
  h.correlation_id = "{00000000-0000-0000-0000-000000000000}";
  h.source_id = m.client_id;
  h.source_host = m.spec.name;
  h.reply_to = "direct:" + m.spec.name + ":SccmMessaging";
  h.reply_mode = "Sync";
  h.sent_time = format_iso8601(std::chrono::time_point_cast<std::chrono::seconds>(env.clock.now()));
  h.target_address = "mp:" + endpoint;
  h.target_endpoint = endpoint;
  h.target_host = m.ccm_host_name;
  h.zlib_hook = true;
  h.body_length = messaging::body_length_of(body_xml);
  const std::string payload = messaging::encode_body(body_xml, true);
  if (clientauth) {
    if (!m.signing_key) {  // a machine loaded from a state folder: parse its key once
      EMU_ASSIGN_OR_RETURN(crypto::EvpPkeyPtr parsed, crypto::parse_key_pem(m.signing_key_pem));
      m.signing_key = std::shared_ptr<EVP_PKEY>(parsed.release(), EVP_PKEY_free);
    }
    EVP_PKEY* key = m.signing_key.get();
    if (m.signing_public_key_blob.empty()) {
      EMU_ASSIGN_OR_RETURN(m.signing_public_key_blob,
                           messaging::public_key_blob_hex(m.signing_cert_der));
    }
    const std::string& public_key = m.signing_public_key_blob;
    if (m.client_id_signature.empty() || m.client_id_signed != m.client_id) {
      EMU_ASSIGN_OR_RETURN(m.client_id_signature, messaging::sign_reversed_hex(
                                                      key, messaging::utf8_to_utf16le(m.client_id) +
                                                               std::string(2, '\0')));
      m.client_id_signed = m.client_id;
    }
    const std::string& id_signature = m.client_id_signature;
    EMU_ASSIGN_OR_RETURN(std::string payload_signature, messaging::sign_reversed_hex(key, payload));
    h.clientauth_hook = true;
    h.clientauth = {
        {"AuthSenderMachine", m.spec.name},  {"PublicKey", public_key},
        {"ClientIDSignature", id_signature}, {"PayloadSignature", payload_signature},
        {"ClientCapabilities", "NonSSL"},    {"HashAlgorithm", "1.2.840.113549.1.1.11"}};
  }
  const bool agent_messaging = std::string_view(log_name) == kMessagingLog;
  if (agent_messaging)
    log(log_name, component,
        "Sending remote sync message '" + h.id + "' to host '" + m.ccm_host_name + "' endpoint '" +
            endpoint + "'. Flags 0x280, sender account empty");
  http::Headers headers;
  headers.set("Content-Type", messaging::multipart_content_type());
  const char* agent = agent_messaging ? "ccmhttp" : "ccmsetup";
  WinHttpResult r = send(log_name, component, agent, "CCM_POST", request_path(), m.ccm_token.token,
                         headers, messaging::frame_message(h, payload));
  uint32_t hr = failure_hresult(r);
  std::string reply_xml;
  std::string failure;
  if (hr == 0) {
    auto reply =
        messaging::parse_message(r.response.headers.get_or("Content-Type", ""), r.response.body);
    if (r.response.body.empty() || !reply.ok()) {
      hr = 0x8000000a;  // E_PENDING: "No reply message from Server" [README S6]
      failure = "no reply message from the server";
      log(log_name, component,
          "No reply message from Server. Server may be temporarily down or a transient network "
          "error.",
          TraceSeverity::kWarning);
    } else {
      reply_xml = reply->body_xml;
      if (agent_messaging)
        log(log_name, component,
            "Message '" + h.id + "' got reply message '" + reply->header.id +
                "' to endpoint 'dummy'");
    }
  } else {
    failure = r.ok() ? std::to_string(r.response.status) + " " + r.response.reason
                     : winhttp_error_name(r.error) + " (" + r.detail + ")";
    // The server's own words, when it gave a short text (IIS and the MP's error bodies).
    const std::string& body = r.response.body;
    if (r.ok() && !body.empty() && body.size() <= 512 && body.find('\0') == std::string::npos)
      failure += " (" + trim(body.substr(0, body.find_first_of("\r\n"))) + ")";
  }
  if (agent_messaging) {
    CcmHttpStatus status;
    status.client_id = m.client_id;
    status.time = env.clock.now();
    status.host_name = cmg_upper();
    status.hresult = hr;
    status.process_id = 9596;  // the seed's CcmExec [inferred: any id is valid]
    status.status_code = r.ok() && r.response.status != 200 ? r.response.status : 0;
    status.thread_id = 9580;
    if (hr != 0)
      log(log_name, component,
          "Successfully queued event on HTTP/HTTPS failure for server '" + cmg_upper() + "'.");
    log(log_name, component, ccm_http_status_event(status));
    if (hr != 0)
      log(log_name, component,
          "Post to https://" + cmg_upper() + proxy_path(request_path()) + " failed with " +
              hresult_hex(hr) + ".",
          TraceSeverity::kError);
  }
  if (hr != 0) return Unavailable(endpoint + ": " + failure);
  return reply_xml;
}

}  // namespace emu::client::agent_internal
