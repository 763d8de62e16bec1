// The CMG service: one dynamic TLS listener per Ready CMG, pre-authentication, the special paths,
// CMGService.log and forwarding through a connection point's channel. Everything runs on the
// lab's I/O thread (handlers, CmgControl calls); actions hop there with on_io.
// Behaviour and sources: emulator/cmg/README.md.
#include "emulator/cmg/cmg_service.h"

#include "emulator/cmg/preauth.h"
#include "emulator/cmg/proxy_url.h"
#include "emulator/core/http/router.h"
#include "emulator/core/text.h"
#include "emulator/core/trace_log.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace emu::cmg {
namespace {

using nlohmann::json;

constexpr const char* kLog = "CMGService.log";          // memdocs logs-cmg.md
constexpr const char* kComponent = "CMGService";        // [S10]
constexpr int kThread = 4992;                           // the published line's thread (inferred)
constexpr auto kStatsPeriod = std::chrono::minutes(5);  // logs pushed every 5 min (logs-cmg.md)
constexpr size_t kMaxStatsUris = 1024;                  // distinct paths per period (inferred)

std::string listener_name(const std::string& service_name) {
  return "cmg-" + to_lower(service_name);
}

http::Response refusal(int status, const char* reason) {
  http::Response r = http::text_response(status, std::string(reason));
  r.reason = reason;
  return r;
}

// Bytes of the request/response as they crossed the wire (status line, headers, body):
// what the CMGService.log summary's RequestSize/ResponseSize count (inferred: the published
// RequestSize of 1974 bytes for a CCM_STS call with an empty body is its headers).
uint64_t wire_size(const http::Request& r) {
  uint64_t n = r.method.size() + 1 + r.target.size() + 11;
  for (const auto& [k, v] : r.headers.items()) n += k.size() + v.size() + 4;
  return n + 2 + r.body.size();
}

uint64_t wire_size(const http::Response& r) {
  uint64_t n = 13 + (r.reason.empty() ? http::reason_phrase(r.status).size() : r.reason.size());
  for (const auto& [k, v] : r.headers.items()) n += k.size() + v.size() + 4;
  n += 18 + std::to_string(r.body.size()).size() + 4;  // Content-Length, added by the server
  return n + 2 + r.body.size();
}

// The pre-authentication's "go on" (status 0 is never sent).
http::Response pass() {
  http::Response r;
  r.status = 0;
  return r;
}

std::string status_line(const http::Response& r) {
  return "HTTP/1.1 " + std::to_string(r.status) + " " +
         (r.reason.empty() ? std::string(http::reason_phrase(r.status)) : r.reason);
}

struct UriStats {
  uint64_t requests = 0, request_bytes = 0, responses = 0, response_bytes = 0;
  int64_t elapsed_ms = 0;
};

struct Instance {
  Deployment deployment;
  std::string listener;
  std::unique_ptr<http::Router> router;
  bool open = false;
  bool published = false;
  Publication publication;
  std::shared_ptr<const SecuritySettings> security = std::make_shared<SecuritySettings>();
  std::vector<std::pair<std::string, Channel*>> channels;  // (cp server, channel)
  size_t next_channel = 0;
  std::map<std::string, UriStats> stats;  // by upper-case request path
  TimePoint period_start{};
  uint64_t requests = 0;
};

}  // namespace

struct CmgService::Impl {
  Clock& clock;
  IdSource& ids;
  ListenerHost* listeners;
  CmgDeps deps;
  TraceLogs logs;
  CmgConfig config;
  std::map<std::string, std::unique_ptr<Instance>> instances;  // by lower-case service name

  Impl(const ServiceContext& ctx, CmgDeps d)
      : clock(ctx.clock),
        ids(ctx.ids),
        listeners(ctx.listeners),
        deps(d),
        logs(ctx.clock, TraceLogs::Options{ctx.logs_dir.empty() ? "" : ctx.logs_dir + "/cmg",
                                           TraceFormat::kSms, 0, 250000, 4000}) {}

  void log(const std::string& message, TraceSeverity severity = TraceSeverity::kInfo) {
    (void)logs.write(kLog, TraceRecord{kComponent, message, severity, kThread, ""});
  }

  Instance* find(const std::string& service_name) {
    auto it = instances.find(to_lower(service_name));
    return it == instances.end() ? nullptr : it->second.get();
  }

  // Writes the per-URI summary of the period and starts a new one.
  std::vector<std::string> flush_stats(Instance& in) {
    std::vector<std::string> lines;
    for (const auto& [uri, s] : in.stats) {
      const int64_t avg = s.responses ? s.elapsed_ms / int64_t(s.responses) : 0;
      // [S10]: the CMGService.log summary line (two spaces between fields).
      std::string line = "RequestUri: " + uri + "  RequestCount: " + std::to_string(s.requests) +
                         "  RequestSize: " + std::to_string(s.request_bytes) +
                         " Bytes  ResponseCount: " + std::to_string(s.responses) +
                         "  ResponseSize: " + std::to_string(s.response_bytes) +
                         " Bytes  AverageElapsedTime: " + std::to_string(avg) + " ms";
      log(line);
      lines.push_back(std::move(line));
    }
    in.stats.clear();
    in.period_start = clock.now();
    return lines;
  }

  http::Response handle(Instance& in, http::Request& req);
  http::Response preauthenticate(Instance& in, http::Request& req, const ProxyUrl& url,
                                 bool& bearer);
  http::Response service_metadata(Instance& in);
  http::Response aad_auth_info(Instance& in, const http::Request& req);
  http::Response forward(Instance& in, http::Request& req, const ProxyUrl& url,
                         const Mapping& mapping, bool bearer, const std::string& message_id);

  Status open_listener(Instance& in) {
    if (listeners == nullptr) return FailedPrecondition("cmg: no listener host");
    DynamicListenerSpec spec;
    spec.name = in.listener;
    spec.host = to_lower(in.deployment.service_name);
    spec.certificate =
        http::SniCertificate{{spec.host}, in.deployment.certificate_pem, in.deployment.key_pem};
    spec.client_cert = http::ClientCertMode::kOptional;
    for (const std::string& root : in.deployment.trusted_roots_pem) {
      spec.client_ca_pem += root;
      if (!root.empty() && root.back() != '\n') spec.client_ca_pem += "\n";
    }
    if (in.deployment.verify_revocation) spec.client_crl_pem = in.deployment.crl_pem;
    spec.router = in.router.get();
    EMU_RETURN_IF_ERROR(listeners->open(spec));
    in.open = true;
    return Status::Ok();
  }

  void close_instance(Instance& in) {
    if (listeners != nullptr && in.open) listeners->close(in.listener);
    in.open = false;
  }
};

// --- request handling ---

http::Response CmgService::Impl::service_metadata(Instance& in) {
  // Body inferred (the sources only say the page shows which certificate the CMG presents).
  const Deployment& d = in.deployment;
  std::string xml = "<ServiceMetadata><ServiceName>" + xml_escape(d.service_name) +
                    "</ServiceName><DeploymentName>" + xml_escape(d.deployment_name) +
                    "</DeploymentName><Region>" + xml_escape(d.region) +
                    "</Region><CertificateThumbprint>" + xml_escape(d.certificate_thumbprint) +
                    "</CertificateThumbprint><ServerTime>" + format_iso8601(clock.now()) +
                    "</ServerTime></ServiceMetadata>";
  return http::text_response(200, std::move(xml), "text/xml; charset=utf-8");
}

http::Response CmgService::Impl::aad_auth_info(Instance& in, const http::Request& req) {
  auto tenant_id = req.query_param_ci("TenantID");
  if (!tenant_id || tenant_id->empty()) return refusal(400, "Bad Request");
  for (const Tenant& t : in.publication.tenants) {
    if (!iequals(t.tenant_id, *tenant_id)) continue;
    if (t.disabled) break;
    // Body inferred: ccmsetup reads AADCLIENTAPPID and AADRESOURCEURI from it
    // (memdocs clients/manage/azure-ccmsetup.md "Getting AAD info from CMG").
    return http::json_response(200, {{"TenantId", t.tenant_id},
                                     {"ClientAppId", t.client_app_id},
                                     {"ResourceUri", t.resource_uri}});
  }
  // Refused when the tenant is not onboarded (azure-ccmsetup.md); the status is inferred.
  return refusal(config.unknown_tenant_status, config.unknown_tenant_reason.c_str());
}

http::Response CmgService::Impl::preauthenticate(Instance& in, http::Request& req,
                                                 const ProxyUrl& url, bool& bearer) {
  bearer = req.headers.has("Authorization");
  if (url.prefix == ProxyPrefix::kMutualAuth) {
    // IIS checks the client certificate chain against the uploaded trusted roots, and the CRL
    // when enabled ([S1], [S2]).
    if (!req.client_cert.presented) return refusal(403, "CMGConnector_Clientcertificaterequired");
    if (!req.client_cert.verified) return refusal(403, "CMGConnector_Forbidden");  // inferred
    return pass();
  }
  const TokenPath path = url.target == ProxyTarget::kServiceMetadata
                             ? TokenPath::kAny
                             : classify_path(url.vdir, url.internal_path, req.body);
  TokenDecision d = check_token(*in.security, deps.aad, req.headers.get_or("Authorization", ""),
                                path, clock.now());
  if (!d.accepted) return refusal(401, "CMGService_Invalid_Token");
  return pass();
}

http::Response CmgService::Impl::forward(Instance& in, http::Request& req, const ProxyUrl& url,
                                         const Mapping& mapping, bool bearer,
                                         const std::string& message_id) {
  if (in.channels.empty()) return refusal(500, "CMGConnector_InternalServerError");  // inferred
  // The CMG load-balances across the connection points round-robin [S9].
  Channel* channel = in.channels[in.next_channel++ % in.channels.size()].second;
  Forwarded f;
  f.request = &req;
  f.mapping = &mapping;
  f.external_url = "https://" + in.deployment.service_name + req.target;
  f.internal_path = url.internal_path;
  f.message_id = message_id;
  f.bearer_token = bearer;
  http::Response r = channel->forward(f);
  // The MP refused the token at CCM_STS: the client sees the CMG's invalid-token answer
  // ([S4]: expired bulk token -> 401 CMGService_Invalid_Token).
  if (r.status == 401 && iequals(url.vdir, "CCM_STS")) r.reason = "CMGService_Invalid_Token";
  return r;
}

http::Response CmgService::Impl::handle(Instance& in, http::Request& req) {
  const TimePoint start = clock.now();
  if (start - in.period_start >= kStatsPeriod) {
    if (!in.stats.empty()) flush_stats(in);
    in.period_start = start;
  }
  ++in.requests;
  const std::string message_id = to_upper(ids.guid());
  const std::string request_uri = "https://" + in.deployment.service_name + req.target;
  log("Request - MessageID: " + message_id + " RequestURI: " + request_uri);
  const ProxyUrl url = parse_proxy_url(req.path, req.query_string);
  http::Response r;
  bool bearer = false;
  if (url.prefix == ProxyPrefix::kNone || url.target == ProxyTarget::kUnknown) {
    r = http::text_response(404, "Not Found");  // nothing else is served (inferred)
  } else if (url.target == ProxyTarget::kServiceMetadata) {
    r = url.prefix == ProxyPrefix::kMutualAuth ? pass() : preauthenticate(in, req, url, bearer);
    if (r.status == 0) r = service_metadata(in);
  } else if (url.target == ProxyTarget::kAadAuthInfo) {
    r = aad_auth_info(in, req);  // anonymous: ccmsetup calls it with CcmTokenAuth=0
  } else {
    r = preauthenticate(in, req, url, bearer);
    if (r.status == 0) {
      const Mapping* mapping = find_mapping(in.publication, url);
      const size_t limit = mapping && mapping->max_request_bytes ? mapping->max_request_bytes
                                                                 : config.max_request_bytes;
      if (mapping == nullptr) {
        r = refusal(403, "CMGConnector_Forbidden");
      } else if (req.body.size() > limit) {
        // Content length checked per endpoint [S2]; IIS request filtering answers
        // 404 (sub-status 13, "Content Length Too Large") [inferred for the CMG].
        r = http::text_response(404,
                                "HTTP Error 404.13 - Not Found. The request filtering module "
                                "is configured to deny a request that exceeds the request "
                                "content length.");
      } else {
        r = forward(in, req, url, *mapping, bearer, message_id);
      }
    }
  }
  log("Response - MessageID: " + message_id + " ResponseHeader: " + status_line(r));
  std::string key = to_upper(req.path);
  // Bounded: a flood of distinct paths within one period is not summarised past the cap.
  if (in.stats.size() >= kMaxStatsUris && !in.stats.count(key)) return r;
  UriStats& s = in.stats[std::move(key)];
  ++s.requests;
  s.request_bytes += wire_size(req);
  ++s.responses;
  s.response_bytes += wire_size(r);
  s.elapsed_ms +=
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start).count();
  return r;
}

// --- CmgService ---

CmgService::CmgService() = default;
CmgService::~CmgService() {
  if (impl_)
    for (auto& [name, in] : impl_->instances) impl_->close_instance(*in);
}

Result<std::unique_ptr<CmgService>> CmgService::create(const ServiceContext& ctx, CmgDeps deps) {
  std::unique_ptr<CmgService> s(new CmgService());
  s->impl_ = std::make_unique<Impl>(ctx, deps);
  return s;
}

Status CmgService::reset() {
  for (auto& [name, in] : impl_->instances) impl_->close_instance(*in);
  impl_->instances.clear();
  impl_->logs.clear();
  return Status::Ok();
}

Status CmgService::deployment_ready(const Deployment& d) {
  if (d.service_name.empty()) return InvalidArgument("deployment: service_name is required");
  if (d.certificate_pem.empty() || d.key_pem.empty())
    return InvalidArgument("deployment " + d.service_name + ": certificate and key are required");
  Impl& m = *impl_;
  Instance* in = m.find(d.service_name);
  if (in != nullptr && in->open) {
    const Deployment& old = in->deployment;
    const bool same_listener =
        old.certificate_pem == d.certificate_pem && old.key_pem == d.key_pem &&
        old.trusted_roots_pem == d.trusted_roots_pem &&
        old.verify_revocation == d.verify_revocation && old.crl_pem == d.crl_pem;
    in->deployment = d;
    if (same_listener) return Status::Ok();
    m.close_instance(*in);
    return m.open_listener(*in);
  }
  if (in == nullptr) {
    auto fresh = std::make_unique<Instance>();
    in = fresh.get();
    m.instances[to_lower(d.service_name)] = std::move(fresh);
    in->listener = listener_name(d.service_name);
    in->period_start = m.clock.now();
    http::Router::Options options;
    options.not_found = [this, in](http::Request& req, bool) { return impl_->handle(*in, req); };
    in->router = std::make_unique<http::Router>(std::move(options));
  }
  in->deployment = d;
  Status opened = m.open_listener(*in);
  if (!opened.ok()) {
    m.instances.erase(to_lower(d.service_name));
    return opened;
  }
  // Inferred wording: the service starts on the VM.
  m.log("CMG service " + d.service_name + " is running on " + d.deployment_name + " (" +
        std::to_string(d.instances) + " instance(s)).");
  return Status::Ok();
}

void CmgService::deployment_down(const std::string& service_name) {
  Impl& m = *impl_;
  auto it = m.instances.find(to_lower(service_name));
  if (it == m.instances.end()) return;
  m.close_instance(*it->second);
  m.log("CMG service " + it->second->deployment.service_name + " stopped.");  // inferred
  m.instances.erase(it);
}

Status CmgService::connect(const std::string& service_name, const std::string& cp_server,
                           Channel* channel) {
  Instance* in = impl_->find(service_name);
  if (in == nullptr || !in->open)
    return FailedPrecondition("the cloud management gateway " + service_name + " is not ready");
  if (channel == nullptr) return InvalidArgument("connect: channel is required");
  for (auto& [server, c] : in->channels)
    if (iequals(server, cp_server)) {
      c = channel;
      return Status::Ok();
    }
  in->channels.emplace_back(cp_server, channel);
  return Status::Ok();
}

void CmgService::disconnect(const std::string& service_name, const std::string& cp_server) {
  Instance* in = impl_->find(service_name);
  if (in == nullptr) return;
  std::erase_if(in->channels, [&](const auto& c) { return iequals(c.first, cp_server); });
}

Status CmgService::publish(const std::string& service_name, const Publication& publication) {
  Instance* in = impl_->find(service_name);
  if (in == nullptr || !in->open)
    return FailedPrecondition("the cloud management gateway " + service_name + " is not ready");
  EMU_ASSIGN_OR_RETURN(in->security, SecuritySettings::from(publication));
  in->publication = publication;
  in->published = true;
  return Status::Ok();
}

void CmgService::set_config(const CmgConfig& config) { impl_->config = config; }

std::vector<std::string> CmgService::log_lines() const { return impl_->logs.lines(kLog); }

nlohmann::json CmgService::state(const std::string& service_name) const {
  Impl& m = *impl_;
  Instance* in = m.find(service_name);
  if (in == nullptr) return {{"service_name", service_name}, {"ready", false}, {"open", false}};
  json mappings = json::array();
  for (const Mapping& mp : in->publication.mappings)
    mappings.push_back({{"role_id", std::to_string(mp.role_id)},
                        {"role_type", mp.role_type},
                        {"endpoint", mp.endpoint},
                        {"server", mp.server},
                        {"https", mp.https},
                        {"vdirs", mp.vdirs}});
  json tenants = json::array();
  for (const Tenant& t : in->publication.tenants)
    tenants.push_back({{"tenant_id", t.tenant_id},
                       {"client_app_id", t.client_app_id},
                       {"resource_uri", t.resource_uri},
                       {"disabled", t.disabled}});
  json channels = json::array();
  for (const auto& [server, c] : in->channels) channels.push_back(server);
  return {{"service_name", in->deployment.service_name},
          {"deployment_name", in->deployment.deployment_name},
          {"ready", true},
          {"open", in->open && (m.listeners == nullptr || m.listeners->is_open(in->listener))},
          {"listener", in->listener},
          {"certificate_thumbprint", in->deployment.certificate_thumbprint},
          {"verify_revocation", in->deployment.verify_revocation},
          {"trusted_roots", in->deployment.trusted_roots_pem.size()},
          {"publication",
           {{"published", in->published},
            {"site_code", in->publication.site_code},
            {"hierarchy_id", in->publication.hierarchy_id},
            {"mappings", mappings},
            {"tenants", tenants},
            {"blocked_bulk_tokens", in->publication.blocked_bulk_tokens}}},
          {"channels", channels},
          {"requests", in->requests}};
}

std::vector<std::string> CmgService::flush_stats(const std::string& service_name) {
  std::vector<std::string> lines;
  for (auto& [name, in] : impl_->instances)
    if (service_name.empty() || iequals(name, service_name)) {
      auto l = impl_->flush_stats(*in);
      lines.insert(lines.end(), l.begin(), l.end());
    }
  return lines;
}

// --- actions ---

namespace {

// "cmg", when given, names a CMG: a string (any other JSON type is the caller's mistake).
Status check_cmg_arg(const json& args) {
  if (args.contains("cmg") && !args["cmg"].is_string())
    return InvalidArgument("cmg: must be a string (the CMG's service name)");
  return Status::Ok();
}

std::vector<ActionDef> definitions(CmgService* service) {
  std::vector<ActionDef> defs;
  auto run = [service](auto fn) -> ActionFn {
    if (service == nullptr) return ActionFn();
    return [service, fn](const json& args, ActionContext& ctx) { return fn(*service, args, ctx); };
  };
  defs.push_back(
      {"cmg.state",
       "The CMG service's view of a CMG: listener open, publication (mappings, tenants), "
       "connected connection points (outputs: ready, open, publication, channels)",
       {"cmg"},
       {"expect"},
       run([](CmgService& s, const json& args, ActionContext& ctx) {
         const std::string name = args.value("cmg", "");
         json out = on_io(ctx, [&] { return s.state(name); });
         const std::string msg = name +
                                 (out.value("open", false) ? " answers (" : " does not answer (") +
                                 std::to_string(out.value("channels", json::array()).size()) +
                                 " connection point(s) connected)";
         return action_passed(msg, out);
       }),
       check_cmg_arg});
  defs.push_back(
      {"cmg.flush_stats",
       "Write the CMGService.log request summary of the current period now (outputs: lines)",
       {},
       {"cmg", "expect"},
       run([](CmgService& s, const json& args, ActionContext& ctx) {
         const std::string name = args.value("cmg", "");
         auto lines = on_io(ctx, [&] { return s.flush_stats(name); });
         return action_passed(std::to_string(lines.size()) + " summary line(s)",
                              {{"lines", lines}});
       }),
       check_cmg_arg});
  defs.push_back(
      {"cmg.logs.expect",
       "Check that CMGService.log (the only log of the CMG service; \"log\" may name it) has "
       "lines matching each pattern (outputs: log, matched)",
       {"patterns"},
       {"log"},
       run([](CmgService& s, const json& args, ActionContext& ctx) {
         const std::string log = args.value("log", std::string(kLog));
         if (!iequals(log, kLog))
           return action_failed("log: the CMG service writes only " + std::string(kLog) +
                                ", not '" + log + "'");
         const auto lines = on_io(ctx, [&] { return s.log_lines(); });
         return expect_log_patterns(kLog, lines, args["patterns"]);
       }),
       check_log_expect_args});
  return defs;
}

}  // namespace

void CmgService::register_actions(ActionRegistry& registry) {
  for (ActionDef& d : definitions(this)) registry.add(std::move(d));
}

void declare_cmg_actions(ActionRegistry& registry) {
  for (ActionDef& d : definitions(nullptr))
    if (registry.find(d.name) == nullptr) registry.add(std::move(d));
}

}  // namespace emu::cmg
