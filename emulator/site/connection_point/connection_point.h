// The CMG connection point (site role SMS_CLOUD_PROXYCONNECTOR;
// emulator/site/README.md "CMG connection point"): the channel it holds to each CMG
// (modelled, in-process: HTTPS 443 with one VM instance, 10124+n with several, memdocs
// data-flow.md), forwarding by URL mapping to the internal role over the lab's Intranet,
// SMS_CLOUD_PROXYCONNECTOR.log, the traffic counters per target endpoint and the 5-minute
// ReportTrafficData state message. Runs on the lab's I/O thread.
#pragma once

#include "emulator/cmg/cmg_api.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/service.h"
#include "emulator/core/trace_log.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace emu::site {

// Traffic of one target endpoint (the console's per-CP, per-role counters; names from the
// ReportTrafficData message, README Sources [S16]).
struct EndpointTraffic {
  std::string endpoint;     // "CCM_STS", "SMS_MP", "CCM_System_TokenAuth", ...
  std::string target_host;  // "cm01.contoso.com"
  uint64_t total_requests = 0;
  uint64_t requests_with_bearer_token = 0;
  uint64_t max_concurrent_requests = 0;
  uint64_t request_bytes = 0;
  uint64_t response_bytes = 0;
  uint64_t failed_requests = 0;
};

struct ConnectionPointDeps {
  Clock& clock;
  IdSource& ids;
  TraceLogs& logs;     // the site-server logs (SMS_CLOUD_PROXYCONNECTOR.log)
  Intranet* intranet;  // null: every forward answers 500 (no route to the internal roles)
};

class ConnectionPoint final : public cmg::Channel {
 public:
  // `server`: the CP's site system; `service`: the CMG service name; `instances`: its VM count.
  ConnectionPoint(ConnectionPointDeps deps, std::string server, std::string service, int instances);

  // cmg::Channel: rewrites the external URL to the internal one, logs, sends over the Intranet
  // and maps the role's refusals to the CMG's reason phrases (README Sources [S17], [S18]).
  http::Response forward(const cmg::Forwarded& request) override;

  // The client-authentication certificate the CP presents to HTTPS roles; `presented` false =
  // none (an HTTPS MP then gets no request: 403 CMGConnector_Clientcertificaterequired).
  void set_client_certificate(http::ClientCertInfo cert) { client_cert_ = std::move(cert); }
  bool has_client_certificate() const { return client_cert_.presented; }

  // The channel to the CMG: one connection per VM instance (port 443 with one instance,
  // 10124 + n with several).
  std::vector<int> ports() const;
  void mark_connected(bool connected, const std::string& error = "");
  bool connected() const { return connected_; }
  bool manually_disconnected = false;  // site.cmg_connection_point.disconnect

  // Virtual-time housekeeping, run lazily (on every forward and site action): the per-minute
  // "Maintaining connections..." lines and the 5-minute ReportTrafficData message.
  void tick(TimePoint now);
  // Writes the traffic report of the current period now (when it had traffic) and starts a new
  // one; returns the message ("" when there was nothing to report).
  std::string report_traffic(TimePoint now);

  // Totals since the CP started: {server, cmg, connected, ports, endpoints: [...]}.
  nlohmann::json traffic() const;
  const std::string& server() const { return server_; }
  const std::string& service() const { return service_; }

 private:
  void log(const std::string& message, TraceSeverity severity = TraceSeverity::kInfo);
  void count(const std::string& endpoint, const std::string& host, bool bearer,
             uint64_t request_bytes, uint64_t response_bytes, bool failed);

  ConnectionPointDeps deps_;
  std::string server_, service_;
  int instances_ = 1;
  bool connected_ = false;
  std::string last_error_;
  std::vector<std::string> connection_ids_;  // one GUID per VM connection
  http::ClientCertInfo client_cert_;
  uint64_t in_flight_ = 0;
  uint64_t max_concurrent_period_ = 0;
  std::map<std::pair<std::string, std::string>, EndpointTraffic> totals_, period_;
  TimePoint last_maintenance_{}, period_start_{};
  bool started_ = false;
};

// One cmg::Channel per (CMG service, CP server), and what the site told the CMG service.
struct ConnectionPoints {
  std::map<std::pair<std::string, std::string>, std::unique_ptr<ConnectionPoint>> cps;  // lower
  std::map<std::string, std::string> ready;      // lower service -> certificate thumbprint told
  std::map<std::string, std::string> published;  // lower service -> last publication (JSON)
  ConnectionPoint* find(const std::string& service, const std::string& server);
  void clear() {
    cps.clear();
    ready.clear();
    published.clear();
  }
};

// The external prefix replaced by the connection point and the log lines' URLs (pure; exposed
// for tests). For external "https://cmg/CCM_Proxy_ServerAuth/7205.../CCM_STS" and internal path
// "/CCM_STS" on "cm01.contoso.com" (https): replaced "https://cmg/CCM_Proxy_ServerAuth/7205.../
// CCM_STS", with "https://cm01.contoso.com/CCM_STS", got "https:///cm01.contoso.com/CCM_STS"
// (the triple slash is in the published log, memdocs azure-ccmsetup.md), internal
// "https://cm01.contoso.com/CCM_STS".
struct UrlRewrite {
  std::string vdir;  // the first segment of the internal path, as sent
  std::string replaced, with, got, internal;
};
UrlRewrite rewrite_url(const std::string& external_url, const std::string& internal_path,
                       const std::string& server, bool https);

}  // namespace emu::site
