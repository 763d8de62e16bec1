// The proxy path's cost: clients register and make small requests through CMG -> connection
// point -> MP over keep-alive TLS, against an in-process lab seeded with
// scenarios/examples/cmg-serve-lab.json (a Ready CMG, its connection point, the MP published).
// Prints the lab's CPU time (process CPU minus this client thread's; in brackets its user-space
// part) per operation:
//   - a registration (CcmMessaging MP_ClientRegistration on ccm_system_tokenauth through the
//     CMG: the CMG's token check, the MP's signature verification and the client token it signs);
//   - a forwarded small request (MutualAuth .sms_aut?MPLIST with the lab client certificate);
//   - the same request sent to the MP directly (plain HTTP): the difference is the CMG's and
//     the connection point's own work, TLS records included.
// Usage: cmgemu_cmg_bench [REGISTRATIONS] [REQUESTS]   (release build: `bash scripts/dev.sh bench`)
#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/faults.h"
#include "emulator/core/files.h"
#include "emulator/core/http/client.h"
#include "emulator/core/journal.h"
#include "emulator/mp/messaging/ccm_message.h"
#include "tests/testlib/ccm_registration.h"
#include "tests/testlib/lab_io_action_context.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using nlohmann::json;
using namespace emu;
namespace messaging = mp::messaging;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "cmg_bench: " << what << "\n";
  std::exit(1);
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) die(std::string(what) + ": " + r.status().to_string());
  return std::move(r).value();
}

struct Cpu {
  double total = 0;  // user + kernel
  double user = 0;
};

Cpu cpu_of(int who) {
  rusage u{};
  getrusage(who, &u);
  const double user = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6;
  return {user + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6, user};
}

// Lab CPU (every thread but this one) spent while `fn` runs. The kernel's part is mostly
// wake-ups and socket work; on a virtual machine it varies more than the user part.
template <class F>
Cpu lab_cpu_seconds(F&& fn) {
  const Cpu p0 = cpu_of(RUSAGE_SELF), t0 = cpu_of(RUSAGE_THREAD);
  fn();
  const Cpu p1 = cpu_of(RUSAGE_SELF), t1 = cpu_of(RUSAGE_THREAD);
  return {(p1.total - p0.total) - (t1.total - t0.total), (p1.user - p0.user) - (t1.user - t0.user)};
}

void print(const char* what, int count, Cpu cpu) {
  std::printf("%-58s %6d   %9.1f us lab CPU each (%.1f us user)\n", what, count,
              cpu.total * 1e6 / count, cpu.user * 1e6 / count);
}

}  // namespace

int main(int argc, char** argv) {
  const int registrations = argc > 1 ? std::atoi(argv[1]) : 200;
  const int requests = argc > 2 ? std::atoi(argv[2]) : 5000;
  if (registrations < 1 || requests < 1) die("usage: cmgemu_cmg_bench [REGISTRATIONS] [REQUESTS]");

  std::ifstream in(std::string(CMGEMU_SOURCE_DIR) + "/scenarios/examples/cmg-serve-lab.json");
  std::stringstream text;
  text << in.rdbuf();
  const json scenario = json::parse(text.str(), nullptr, false, /*ignore_comments=*/true);
  if (!scenario.is_object()) die("cannot read scenarios/examples/cmg-serve-lab.json");

  const std::string pki =
      (std::filesystem::temp_directory_path() / "cmgemu-cmg-bench-pki").string();
  app::LabOptions options;
  options.pki_dir = pki;
  options.cmg_names = {"cmg.contoso.com"};
  options.start_time = scenario.value("start", "2026-01-01T00:00:00Z");
  auto lab = must(app::Lab::create(options), "lab");
  if (Status s = lab->start(); !s.ok()) die("start: " + s.to_string());
  if (Status s = lab->seed(scenario["lab"]); !s.ok()) die("seed: " + s.to_string());
  test::LabIoActionContext ctx(*lab);
  const ActionDef* new_token = lab->actions().find("site.bulk_token.new");
  if (new_token == nullptr || !new_token->run) die("no site.bulk_token.new action");
  ActionOutcome bulk = new_token->run({{"lifetime_minutes", 4320}}, ctx);
  if (bulk.kind != ActionOutcome::Kind::kPassed) die("bulk token: " + bulk.message);

  const app::Endpoint cmg = must(lab->endpoint("cmg-cmg.contoso.com"), "CMG endpoint");
  const app::Endpoint mp = must(lab->endpoint("mp"), "MP endpoint");
  const std::string role = "/72057594037927939";  // the seeded MP (vProxy_Roles)
  http::ClientOptions tls;
  tls.sni = "cmg.contoso.com";
  tls.ca_file = lab->ca_path();
  tls.verify_host = true;
  tls.user_agent = "ccmhttp";
  tls.timeout = std::chrono::milliseconds(20000);

  // Clients and their requests are made before connecting (client-side CPU is not counted, and
  // an idle keep-alive connection would be closed while the keys are generated).
  const int distinct = std::min(registrations, 32);
  std::vector<std::string> wires;
  for (int i = 0; i < distinct; ++i)
    wires.push_back(
        test::make_ccm_registration(lab->clock().now(), "BENCH" + std::to_string(i)).wire);

  // A PreAuth CCM token for the registrations.
  auto conn = must(http::ClientConnection::open(cmg.address, cmg.port, tls), "connect to the CMG");
  http::Headers bearer;
  bearer.set("Authorization", "Bearer " + bulk.output["token"].get<std::string>());
  auto sts =
      must(conn->request("POST", "/CCM_Proxy_ServerAuth" + role + "/CCM_STS", bearer), "STS");
  if (sts.status != 200) die("CCM_STS answered " + std::to_string(sts.status) + ": " + sts.body);
  const std::string ccm_token = json::parse(sts.body, nullptr, false).value("token", std::string());

  http::Headers reg_headers;
  reg_headers.set("Content-Type", messaging::multipart_content_type());
  reg_headers.set("Authorization", "Bearer " + ccm_token);
  const std::string reg_target = "/CCM_Proxy_ServerAuth" + role + "/ccm_system_tokenauth/request";
  auto register_one = [&](const std::string& wire) {
    auto r = must(conn->request("CCM_POST", reg_target, reg_headers, wire), "registration");
    if (r.status != 200 || r.body.empty())
      die("registration answered " + std::to_string(r.status) + " " + r.reason);
  };
  register_one(wires[0]);  // warm-up (first-use key material)

  const Cpu first = lab_cpu_seconds([&] {
    for (int i = 1; i < distinct; ++i) register_one(wires[i]);
  });
  print("registration through CMG -> CP -> MP (new client)", distinct - 1, first);
  const Cpu again = lab_cpu_seconds([&] {
    for (int i = 0; i < registrations; ++i) register_one(wires[i % distinct]);
  });
  print("registration through CMG -> CP -> MP (same client again)", registrations, again);

  // Small forwarded requests: MutualAuth with the lab's client certificate.
  http::ClientOptions mutual = tls;
  mutual.cert_pem = must(read_file(pki + "/client.pem"), "client certificate");
  mutual.key_pem = must(read_file(pki + "/client.key"), "client key");
  auto pki_conn =
      must(http::ClientConnection::open(cmg.address, cmg.port, mutual), "mutual TLS connect");
  const std::string mplist = "/CCM_Proxy_MutualAuth" + role + "/SMS_MP/.sms_aut?MPLIST";
  auto get = [](http::ClientConnection& c, const std::string& target) {
    auto r = must(c.request("GET", target), "GET");
    if (r.status != 200) die(target + " answered " + std::to_string(r.status) + " " + r.reason);
  };
  get(*pki_conn, mplist);
  const Cpu forwarded = lab_cpu_seconds([&] {
    for (int i = 0; i < requests; ++i) get(*pki_conn, mplist);
  });
  print("GET .sms_aut?MPLIST through CMG -> CP -> MP (MutualAuth)", requests, forwarded);

  http::ClientOptions plain;
  plain.tls = false;
  plain.sni = "cm01.contoso.com";
  plain.user_agent = "ccmhttp";
  auto mp_conn = must(http::ClientConnection::open(mp.address, mp.port, plain), "MP connect");
  get(*mp_conn, "/SMS_MP/.sms_aut?MPLIST");
  const Cpu direct = lab_cpu_seconds([&] {
    for (int i = 0; i < requests; ++i) get(*mp_conn, "/SMS_MP/.sms_aut?MPLIST");
  });
  print("GET .sms_aut?MPLIST to the MP directly (plain HTTP)", requests, direct);
  std::printf("%-58s          %9.1f us each (%.1f us user)\n",
              "CMG + connection point own work (difference)",
              (forwarded.total - direct.total) * 1e6 / requests,
              (forwarded.user - direct.user) * 1e6 / requests);
  lab->stop();
  return 0;
}
