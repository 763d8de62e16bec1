// What the cloud service manager and the connection points tell the CMG service, derived from
// the site database each time (reconcile_cmg): Ready CMGs answer with the wizard's certificate,
// connection points connect their channels, and the URL mappings and security settings are
// published whenever roles, bulk tokens or tenants change (memdocs security-and-privacy doc:
// "The site uploads all published external URLs to the CMG"; README Sources [S8], [S16]).
#include "certs/pki.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/internal.h"
#include "emulator/site/internal.h"

#include <set>

namespace emu::site::internal {
namespace {

using nlohmann::json;

void cp_log(SiteState& s, const std::string& message,
            TraceSeverity severity = TraceSeverity::kInfo) {
  (void)s.logs->write(kProxyConnectorLog,
                      TraceRecord{kProxyConnectorComponent, message, severity, 5124, ""});
}

void cloud_log(SiteState& s, const std::string& message,
               TraceSeverity severity = TraceSeverity::kInfo) {
  (void)s.logs->write(kCloudMgrLog, TraceRecord{kCloudMgrComponent, message, severity, 4242, ""});
}

std::string setting(const json& settings, const char* key) {
  auto it = settings.find(key);
  return it != settings.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The deployment the CMG service runs: the certificate the wizard uploaded, or for a seeded
// CMG the lab PKI's certificate for its name (in memory, else its .pfx in the PKI folder).
Result<cmg::Deployment> deployment_for(SiteState& s, const sitedb::CloudService& c) {
  cmg::Deployment d;
  d.service_name = c.name;
  d.deployment_name = c.deployment_name;
  d.region = c.region;
  d.instances = c.instances;
  d.certificate_thumbprint = c.certificate_thumbprint;
  if (auto uploaded = s.uploads->get(c.name)) {
    d.certificate_pem = std::move(uploaded->chain_pem);
    d.key_pem = std::move(uploaded->key_pem);
  } else if (!setting(c.settings, "certificate_pfx").empty()) {
    return FailedPrecondition("the certificate uploaded for " + c.name + " is gone");
  } else if (s.pki != nullptr && s.pki->cmg.count("cmg-" + to_lower(c.name))) {
    const pki::IssuedCert& cert = s.pki->cmg.at("cmg-" + to_lower(c.name));
    d.certificate_pem = cert.cert_pem;
    d.key_pem = cert.key_pem;
  } else {
    EMU_ASSIGN_OR_RETURN(auto pfx, cloud::load_pfx(s.pki_dir + "/cmg-" + to_lower(c.name) + ".pfx",
                                                   kLabPfxPassword));
    d.certificate_pem = std::move(pfx.cert_pem);
    d.key_pem = std::move(pfx.key_pem);
  }
  if (d.certificate_thumbprint.empty() && s.pki != nullptr) {
    auto it = s.pki->cmg.find("cmg-" + to_lower(c.name));
    if (it != s.pki->cmg.end()) d.certificate_thumbprint = it->second.thumbprint;
  }
  for (const json& root : c.settings.value("trusted_roots", json::array()))
    if (root.is_string()) d.trusted_roots_pem.push_back(root.get<std::string>());
  d.verify_revocation = c.settings.value("verify_revocation", true);
  if (s.pki != nullptr) d.crl_pem = s.pki->crl_pem;
  return d;
}

// Virtual directories published for a role (the MP's IIS applications that clients reach through
// the CMG, inferred from the public tools' URLs). SUP: the WSUS applications (inferred).
std::vector<std::string> published_vdirs(int role_type) {
  if (role_type == sitedb::kManagementPoint)
    return {"CCM_System", "CCM_System_TokenAuth", "CCM_Incoming",
            "SMS_MP",     "SMS_MP_TokenAuth",     "CCM_STS",
            "CCM_Client"};
  if (role_type == sitedb::kSoftwareUpdatePoint)
    return {"ClientWebService", "SimpleAuthWebService", "Content"};
  return {};
}

// Console names of the target roles (the traffic view's endpoints; inferred wording).
std::string endpoint_name(int role_type) {
  if (role_type == sitedb::kManagementPoint) return "Management point";
  if (role_type == sitedb::kSoftwareUpdatePoint) return "Software update point";
  return sitedb::role_name(role_type);
}

Result<cmg::Publication> publication_for(SiteState& s) {
  cmg::Publication p;
  for (const sitedb::SiteRole& r : s.db->roles()) {
    if (!r.allow_cmg_traffic) continue;
    cmg::Mapping m;
    m.role_id = r.id;
    m.role_type = r.role_type;
    m.endpoint = endpoint_name(r.role_type);
    m.server = r.server;
    m.https = r.https;
    m.vdirs = published_vdirs(r.role_type);
    if (!m.vdirs.empty()) p.mappings.push_back(std::move(m));
  }
  auto site = s.db->site();
  if (site.ok()) {
    p.site_code = site->code;
    p.hierarchy_id = site->hierarchy_id;
    if (!s.token_signer) (void)s.load_signers(site->code);
    if (s.token_signer) p.token_signing_cert_pem = s.token_signer->cert_pem();
  }
  for (const sitedb::BulkToken& t : s.db->bulk_tokens())
    if (t.blocked) p.blocked_bulk_tokens.push_back(t.guid);
  for (const sitedb::AadTenant& t : s.db->tenants()) {
    cmg::Tenant out;
    out.tenant_id = t.tenant_id;
    out.disabled = t.disabled;
    auto web = s.db->application(t.tenant_id, "web");
    auto native = s.db->application(t.tenant_id, "native");
    if (web.ok()) out.resource_uri = web->identifier_uri;
    if (native.ok()) out.client_app_id = native->client_id;
    p.tenants.push_back(std::move(out));
  }
  return p;
}

std::string digest(const cmg::Publication& p) {
  json j = {{"site", p.site_code},
            {"hierarchy", p.hierarchy_id},
            {"cert", p.token_signing_cert_pem},
            {"blocked", p.blocked_bulk_tokens}};
  for (const cmg::Mapping& m : p.mappings)
    j["mappings"].push_back({m.role_id, m.server, m.https, m.vdirs, m.max_request_bytes});
  for (const cmg::Tenant& t : p.tenants)
    j["tenants"].push_back({t.tenant_id, t.client_app_id, t.resource_uri, t.disabled});
  return j.dump();
}

http::ClientCertInfo client_certificate(SiteState& s) {
  http::ClientCertInfo info;
  if (s.pki == nullptr || s.pki->client.cert_pem.empty()) return info;
  auto cert = crypto::parse_cert_pem(s.pki->client.cert_pem, "client");
  if (!cert.ok()) return info;
  auto der = crypto::cert_to_der(cert->get());
  if (!der.ok()) return info;
  info.presented = true;
  info.verified = true;
  info.subject = crypto::name_rfc2253(X509_get_subject_name(cert->get()));
  info.issuer = crypto::name_rfc2253(X509_get_issuer_name(cert->get()));
  info.thumbprint_sha1 = s.pki->client.thumbprint;
  info.der = std::move(der).value();
  return info;
}

}  // namespace

void reconcile_cmg(SiteState& s) {
  if (s.cmg == nullptr || !s.db) return;
  ConnectionPoints& links = s.cmg_links;
  const TimePoint now = s.clock.now();
  // 1. The cloud service manager's view: Ready CMGs answer, the others do not.
  std::set<std::string> present;
  for (const sitedb::CloudService& c : s.db->cloud_services()) {
    const std::string key = to_lower(c.name);
    present.insert(key);
    auto told = links.ready.find(key);
    if (c.state == sitedb::CloudServiceState::kReady) {
      if (told != links.ready.end() && told->second == c.certificate_thumbprint) continue;
      auto d = deployment_for(s, c);
      Status st = d.ok() ? s.cmg->deployment_ready(*d) : d.status();
      if (!st.ok()) {
        cloud_log(s,
                  "ERROR: The service " + c.name + " could not be started: " + st.message() + "~~",
                  TraceSeverity::kError);  // inferred
        continue;
      }
      links.ready[key] = c.certificate_thumbprint;
      links.published.erase(key);
    } else if (told != links.ready.end()) {
      s.cmg->deployment_down(c.name);
      links.ready.erase(told);
      links.published.erase(key);
    }
  }
  for (auto it = links.ready.begin(); it != links.ready.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    s.cmg->deployment_down(it->first);  // deleted
    links.published.erase(it->first);
    it = links.ready.erase(it);
  }
  // 2. The connection points' channels.
  std::set<std::pair<std::string, std::string>> roles;
  for (const sitedb::SiteRole& r : s.db->roles()) {
    if (r.role_type != sitedb::kCmgConnectionPoint || r.cmg_service.empty()) continue;
    const std::pair<std::string, std::string> key{to_lower(r.cmg_service), to_lower(r.server)};
    roles.insert(key);
    auto service = s.db->cloud_service(r.cmg_service);
    ConnectionPoint* cp = links.find(r.cmg_service, r.server);
    if (cp == nullptr) {
      auto fresh = std::make_unique<ConnectionPoint>(
          ConnectionPointDeps{s.clock, s.ids, *s.logs, s.intranet}, r.server, r.cmg_service,
          service.ok() ? service->instances : 1);
      cp = fresh.get();
      links.cps[key] = std::move(fresh);
    }
    // The CP presents a client-authentication certificate only when one is configured
    // (role property client_auth_certificate; README Sources [S17]).
    const bool want_cert =
        r.properties.is_object() && r.properties.value("client_auth_certificate", false);
    if (want_cert != cp->has_client_certificate())
      cp->set_client_certificate(want_cert ? client_certificate(s) : http::ClientCertInfo{});
    const bool ready = links.ready.count(key.first) > 0;
    if (!ready) {
      // The CMG does not answer (Provisioning, Stopped, deleted): .NET's connection failure.
      cp->mark_connected(false, "Unable to connect to the remote server");
    } else if (!cp->manually_disconnected && !cp->connected()) {
      Status st = s.cmg->connect(r.cmg_service, r.server, cp);
      if (st.ok()) {
        cp->mark_connected(true);
      } else {
        cp->mark_connected(false, st.message());
      }
    }
    cp->tick(now);
  }
  for (auto it = links.cps.begin(); it != links.cps.end();) {
    if (roles.count(it->first)) {
      ++it;
      continue;
    }
    s.cmg->disconnect(it->second->service(), it->second->server());
    it = links.cps.erase(it);
  }
  // 3. Publication to each Ready CMG that has a connected CP.
  for (const auto& [service, thumbprint] : links.ready) {
    bool connected = false;
    for (const auto& [key, cp] : links.cps) connected |= key.first == service && cp->connected();
    if (!connected) continue;
    auto p = publication_for(s);
    if (!p.ok()) continue;
    const std::string d = digest(*p);
    auto last = links.published.find(service);
    if (last != links.published.end() && last->second == d) continue;
    Status st = s.cmg->publish(service, *p);
    if (!st.ok()) {
      cp_log(s, "ERROR: Failed to publish settings to " + service + ": " + st.message(),
             TraceSeverity::kError);  // inferred
      continue;
    }
    links.published[service] = d;
    cp_log(s, "Published " + std::to_string(p->mappings.size()) +
                  " URL mapping(s) and the security settings to " + to_upper(service) +
                  ".");  // inferred
  }
}

}  // namespace emu::site::internal
