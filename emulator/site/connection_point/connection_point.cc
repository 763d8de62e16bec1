// The CMG connection point's channel: URL rewrite, forwarding over the Intranet, the
// SMS_CLOUD_PROXYCONNECTOR.log lines (emulator/site/README.md Sources [S15]-[S18]), traffic
// counters and the ReportTrafficData message.
#include "emulator/site/connection_point/connection_point.h"

#include "emulator/core/text.h"
#include "emulator/site/env.h"

#include <algorithm>
#include <chrono>

namespace emu::site {
namespace {

using nlohmann::json;

constexpr auto kMaintenanceInterval = std::chrono::minutes(1);  // [S15]: checked every minute
constexpr auto kReportInterval = std::chrono::minutes(5);       // [S15]: reported every 5 minutes
constexpr int kThread = 5124;                                   // inferred

std::string status_text(const http::Response& r) {
  return r.reason.empty() ? std::string(http::reason_phrase(r.status)) : r.reason;
}

uint64_t wire_size(const http::Request& r) {
  uint64_t n = r.method.size() + 1 + r.target.size() + 11;
  for (const auto& [k, v] : r.headers.items()) n += k.size() + v.size() + 4;
  return n + 2 + r.body.size();
}

uint64_t wire_size(const http::Response& r) {
  uint64_t n = 13 + status_text(r).size();
  for (const auto& [k, v] : r.headers.items()) n += k.size() + v.size() + 4;
  return n + 2 + r.body.size();
}

http::Response refusal(int status, const char* reason) {
  http::Response r = http::text_response(status, std::string(reason));
  r.reason = reason;
  return r;
}

// The .NET exception text of a refused request, as the CP logs it (README Sources [S17]).
std::string web_exception(const std::string& id, const std::string& what) {
  return "Web exception for message " + id + ": System.Net.WebException: " + what +
         "~~   at Microsoft.ConfigurationManager.CloudConnection.ProxyConnector.ConnectionBase."
         "InternalResponseCallBack(IAsyncResult result)";
}

// The CMG's reason phrase for an internal role's refusal (README Sources [S17], [S18]).
void map_refusal(http::Response& r) {
  if (r.status == 401) {
    r.reason = "CMGConnector_Unauthorized";
  } else if (r.status == 403) {
    // An HTTPS MP without a client certificate answers 403.7 "Client certificate required"
    // (inferred); the client sees CMGConnector_Clientcertificaterequired [S17].
    const std::string lower = to_lower(r.reason);
    r.reason = lower.find("certificate") != std::string::npos
                   ? "CMGConnector_Clientcertificaterequired"
                   : "CMGConnector_Forbidden";
  } else if (r.status == 500) {
    r.reason = "CMGConnector_InternalServerError";
  }
}

}  // namespace

UrlRewrite rewrite_url(const std::string& external_url, const std::string& internal_path,
                       const std::string& server, bool https) {
  UrlRewrite out;
  const std::string scheme = https ? "https" : "http";
  size_t end = internal_path.find_first_of("/?", 1);
  if (end == std::string::npos) end = internal_path.size();
  out.vdir = internal_path.substr(1, end - 1);
  const std::string rest = internal_path.substr(end);
  // The external URL ends with the internal path (the vdir and everything after it).
  const std::string tail = internal_path.substr(1);
  if (external_url.size() >= tail.size() &&
      external_url.compare(external_url.size() - tail.size(), tail.size(), tail) == 0) {
    out.replaced = external_url.substr(0, external_url.size() - rest.size());
  } else {
    out.replaced = external_url;
  }
  out.with = scheme + "://" + server + "/" + out.vdir;
  out.got = scheme + ":///" + server + "/" + out.vdir + rest;
  out.internal = scheme + "://" + server + internal_path;
  return out;
}

ConnectionPoint* ConnectionPoints::find(const std::string& service, const std::string& server) {
  auto it = cps.find({to_lower(service), to_lower(server)});
  return it == cps.end() ? nullptr : it->second.get();
}

ConnectionPoint::ConnectionPoint(ConnectionPointDeps deps, std::string server, std::string service,
                                 int instances)
    : deps_(deps),
      server_(std::move(server)),
      service_(std::move(service)),
      instances_(std::clamp(instances, 1, 16)) {}

void ConnectionPoint::log(const std::string& message, TraceSeverity severity) {
  (void)deps_.logs.write(kProxyConnectorLog,
                         TraceRecord{kProxyConnectorComponent, message, severity, kThread, ""});
}

std::vector<int> ConnectionPoint::ports() const {
  // memdocs data-flow.md: HTTPS 443 with one VM; 10124 (1st VM) ... 10139 (16th) with several.
  if (instances_ == 1) return {443};
  std::vector<int> out;
  for (int i = 0; i < instances_; ++i) out.push_back(10124 + i);
  return out;
}

void ConnectionPoint::mark_connected(bool connected, const std::string& error) {
  const TimePoint now = deps_.clock.now();
  if (connected) {
    if (connected_) return;
    connected_ = true;
    last_error_.clear();
    connection_ids_.clear();
    for (int port : ports()) {
      connection_ids_.push_back(to_upper(deps_.ids.guid()));
      // Inferred success wording, after the failure line "Failed to build Http connection
      // <guid> with server <cmg>:443" (a 2017 community troubleshooting post by Atkinson).
      log("Successfully built Http connection " + connection_ids_.back() + " with server " +
          to_upper(service_) + ":" + std::to_string(port) + ".");
    }
    if (!started_) {
      started_ = true;
      period_start_ = now;
    }
    last_maintenance_ = now;
    return;
  }
  const bool was = connected_;
  connected_ = false;
  if (!error.empty() && (was || error != last_error_)) {
    for (int port : ports())
      log("ERROR: Failed to build Http connection " + to_upper(deps_.ids.guid()) + " with server " +
              to_upper(service_) + ":" + std::to_string(port) +
              ". Exception: System.Net.WebException: " + error,
          TraceSeverity::kError);
  }
  last_error_ = error;
}

void ConnectionPoint::tick(TimePoint now) {
  if (!started_) return;
  if (connected_ && now - last_maintenance_ >= kMaintenanceInterval) {
    last_maintenance_ = now;
    log("Maintaining connections...");  // README Sources [S16]
    for (size_t i = 0; i < connection_ids_.size(); ++i)
      log("Http connection " + connection_ids_[i] + " with server " + to_upper(service_) + ":" +
          std::to_string(ports()[i]) + " is connected.");  // inferred
  }
  if (now - period_start_ >= kReportInterval) (void)report_traffic(now);
}

std::string ConnectionPoint::report_traffic(TimePoint now) {
  std::string message;
  if (!period_.empty()) {
    // README Sources [S16] (support co-management bootstrap article); times inferred ISO 8601.
    message =
        "ReportTrafficData - state message to send: ~~<ProxyTrafficStateDetails ServerName=\"" +
        xml_escape(server_) + "\" StartTime=\"" + format_iso8601(period_start_) + "\" EndTime=\"" +
        format_iso8601(now) + "\" MaxConcurrentRequests=\"" +
        std::to_string(max_concurrent_period_) + "\">  <EndPoints>~~";
    for (const auto& [key, t] : period_)
      message += "    <EndPoint Name=\"" + xml_escape(t.endpoint) + "\" ProxyServer=\"" +
                 xml_escape(to_upper(service_)) + "\" TargetHost=\"" + xml_escape(t.target_host) +
                 "\" TotalRequests=\"" + std::to_string(t.total_requests) +
                 "\" TotalRequestsWithBearerToken=\"" +
                 std::to_string(t.requests_with_bearer_token) + "\" MaxConcurrentRequests=\"" +
                 std::to_string(t.max_concurrent_requests) + "\" TotalRequestBytes=\"" +
                 std::to_string(t.request_bytes) + "\" TotalResponseBytes=\"" +
                 std::to_string(t.response_bytes) + "\" FailedRequests=\"" +
                 std::to_string(t.failed_requests) + "\"/>~~";
    message += "  </EndPoints>~~</ProxyTrafficStateDetails>";
    log(message);
  }
  period_.clear();
  max_concurrent_period_ = 0;
  period_start_ = now;
  return message;
}

void ConnectionPoint::count(const std::string& endpoint, const std::string& host, bool bearer,
                            uint64_t request_bytes, uint64_t response_bytes, bool failed) {
  for (auto* table : {&totals_, &period_}) {
    EndpointTraffic& t = (*table)[{to_upper(endpoint), to_lower(host)}];
    t.endpoint = endpoint;
    t.target_host = host;
    ++t.total_requests;
    t.requests_with_bearer_token += bearer ? 1 : 0;
    t.max_concurrent_requests = std::max(t.max_concurrent_requests, in_flight_);
    t.request_bytes += request_bytes;
    t.response_bytes += response_bytes;
    t.failed_requests += failed ? 1 : 0;
  }
  max_concurrent_period_ = std::max(max_concurrent_period_, in_flight_);
}

http::Response ConnectionPoint::forward(const cmg::Forwarded& f) {
  const TimePoint start = deps_.clock.now();
  tick(start);
  if (f.request == nullptr || f.mapping == nullptr)
    return refusal(500, "CMGConnector_InternalServerError");
  const cmg::Mapping& m = *f.mapping;
  const UrlRewrite u = rewrite_url(f.external_url, f.internal_path, m.server, m.https);
  std::string endpoint = u.vdir;
  for (const std::string& v : m.vdirs)
    if (iequals(v, u.vdir)) endpoint = v;
  const std::string& id = f.message_id;
  // README Sources [S17] (memdocs azure-ccmsetup.md, verbose logging).
  log("Switched to internal URL. Replaced '" + u.replaced + "' in '" + f.external_url + "' with '" +
      u.with + "' and got '" + u.got + "'");
  log("Forwarding proxy message " + id + " to URL: " + u.internal);  // [C] §2
  ++in_flight_;
  http::Response r;
  if (m.https && !client_cert_.presented) {
    // The CP found no client-authentication certificate to present to the HTTPS role
    // (the certificate filtering lines of README Sources [S17]). The counts are of the CP's empty
    // personal store (inferred).
    log("Filtered cert count with digital signature: 0");
    log("Filtered cert count with allowed root CA: 0");
    log("Filtered cert count with private key: 0");
    log("Filtered cert count with client auth: 0");
    log(web_exception(id, "The remote server returned an error: (403) Forbidden."),
        TraceSeverity::kError);
    r = refusal(403, "CMGConnector_Clientcertificaterequired");
    log("Received response " + u.internal + " for message " + id + ": HTTP/1.1 403 " + r.reason);
  } else if (deps_.intranet == nullptr) {
    log(web_exception(id, "Unable to connect to the remote server"), TraceSeverity::kError);
    r = refusal(500, "CMGConnector_InternalServerError");
  } else {
    http::Request req = *f.request;
    req.target = f.internal_path;
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query_string = q == std::string::npos ? "" : req.target.substr(q + 1);
    req.query = http::parse_form(req.query_string);
    req.params.clear();
    req.client_cert = m.https ? client_cert_ : http::ClientCertInfo{};
    // The device's identity as the CMG verified it on a MutualAuth path [inferred: the real
    // CMG conveys it to the role; the wire form is not published].
    req.cmg_client_cert =
        f.request->client_cert.verified ? f.request->client_cert : http::ClientCertInfo{};
    Result<http::Response> sent = deps_.intranet->send(m.server, m.https, req);
    if (!sent.ok()) {
      // The role does not answer ("MP down"): .NET's wording for a refused or dropped
      // connection.
      const bool reset = sent.status().message().find("reset") != std::string::npos;
      log(web_exception(id, reset ? "The underlying connection was closed: The connection was "
                                    "closed unexpectedly."
                                  : "Unable to connect to the remote server ---> "
                                    "System.Net.Sockets.SocketException: No connection could "
                                    "be made because the target machine actively refused it"),
          TraceSeverity::kError);
      r = refusal(500, "CMGConnector_InternalServerError");
      log("Received response " + u.internal + " for message " + id + ": HTTP/1.1 500 " + r.reason);
    } else {
      r = std::move(sent).value();
      if (r.status >= 400) {
        map_refusal(r);
        log(web_exception(id, "The remote server returned an error: (" + std::to_string(r.status) +
                                  ") " + std::string(http::reason_phrase(r.status)) + "."),
            TraceSeverity::kError);
        log("Received response " + u.internal + " for message " + id + ": HTTP/1.1 " +
            std::to_string(r.status) + " " + status_text(r));
      }
    }
  }
  const int64_t elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.now() - start).count();
  // README Sources [S17].
  log("MessageID: " + id + " RequestURI: " + u.internal + " EndpointName: " + endpoint +
      " ResponseHeader: HTTP/1.1 " + std::to_string(r.status) + " " + status_text(r) +
      " ~~ ResponseBodySize: " + std::to_string(r.body.size()) +
      " ElapsedTime: " + std::to_string(elapsed) + " ms");
  count(endpoint, m.server, f.bearer_token, wire_size(*f.request), wire_size(r), r.status >= 400);
  --in_flight_;
  return r;
}

json ConnectionPoint::traffic() const {
  json endpoints = json::array();
  for (const auto& [key, t] : totals_)
    endpoints.push_back({{"endpoint", t.endpoint},
                         {"target_host", t.target_host},
                         {"TotalRequests", t.total_requests},
                         {"TotalRequestsWithBearerToken", t.requests_with_bearer_token},
                         {"MaxConcurrentRequests", t.max_concurrent_requests},
                         {"TotalRequestBytes", t.request_bytes},
                         {"TotalResponseBytes", t.response_bytes},
                         {"FailedRequests", t.failed_requests}});
  return {{"server", server_},       {"cmg", service_},
          {"connected", connected_}, {"client_auth_certificate", client_cert_.presented},
          {"ports", ports()},        {"endpoints", endpoints}};
}

}  // namespace emu::site
