// `cmgemu serve` and `cmgemu certs init`.
#include "certs/pki.h"
#include "emulator/app/lab.h"
#include "harness/cli/args.h"
#include "harness/cli/commands.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/scenario.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

namespace emu::cli {
namespace {

const std::vector<FlagSpec> kServeFlags = {
    {"--state", true, "DIR  keep every party's database in DIR and resume from it"},
    {"--pki", true, "DIR  lab PKI folder (default: <state>/pki, else the user cache)"},
    {"--seed", true, "N  seed for identifiers (default 1)"},
    {"--bind", true, "ADDR  address to listen on (default 127.0.0.1)"},
    {"--start", true,
     "TIME  virtual start time, ISO 8601 (default: now; a saved lab resumes at its saved time, "
     "or at TIME when later)"},
    {"--manual-clock", false, "virtual time moves only through the admin API"},
    {"--cmg-name", true, "NAME  also issue a server certificate for NAME (repeatable)"},
    {"--listen", true,
     "NAME=PORT  fixed port for listener NAME, e.g. aad=443 (repeatable); cmg=PORT pins the "
     "first CMG's listener"},
    {"--journal-size", true, "N  requests kept in the journal (default 10000)"},
    {"--journal-bytes", true, "N  bytes the journal may hold, e.g. 64M (default 64M; at least 1M)"},
    {"--admin-token", true,
     "TOKEN  require \"Authorization: Bearer TOKEN\" on the admin API (16+ characters; "
     "generated when --bind is not loopback)"},
    {"--admin-host", true,
     "NAME  host name the admin API also answers for (repeatable; loopback always)"},
    {"--ready-file", true, "FILE  write endpoints, CA and admin URL as JSON once listening"},
    {"--lab", true,
     "FILE  seed a new lab from the \"lab\" section of a scenario file (a saved lab in --state "
     "resumes as it is; FILE is then only checked)"},
    {"--help", false, "show this help"},
};

const std::vector<FlagSpec> kCertsFlags = {
    {"--out", true, "DIR  folder to write the PKI into (created; existing keys are reused)"},
    {"--cmg-name", true, "NAME  issue a CMG server certificate (+ .pfx) for NAME (repeatable)"},
    {"--password", true, "PASS  password of the .pfx files (default cmgemu)"},
    {"--help", false, "show this help"},
};

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "cmgemu " << command << ": " << message << "\n"
            << "Run 'cmgemu " << command << " --help' for usage.\n";
  return 2;
}

bool write_ready_file(const std::string& path, const app::Lab& lab) {
  nlohmann::json endpoints = nlohmann::json::object();
  for (const auto& e : lab.endpoints()) endpoints[e.name] = {{"url", e.url()}, {"host", e.host}};
  const std::string token = lab.admin_token();
  nlohmann::json j = {{"endpoints", endpoints},
                      {"ca", lab.ca_path()},
                      {"admin", lab.admin_url()},
                      {"admin_token", token.empty() ? nlohmann::json() : nlohmann::json(token)},
                      {"pki", lab.pki_dir()}};
  const std::string text = j.dump(2) + "\n";
  // 0600: the file may hold the admin token. Written aside, then renamed: readers never see
  // half a file.
  std::string tmp = path + ".tmp";
  std::remove(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = ::close(fd) == 0 && done == text.size();
  if (!ok) {
    std::remove(tmp.c_str());
    return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

// How the unmodified Azure CLI 2.45 reaches this lab (tested by tests/e2e/arm_clients_test.sh;
// the /adfs authority avoids MSAL's instance discovery, top-level README Sources [S2]).
void print_arm_recipe(const app::Lab& lab, const nlohmann::json& summary) {
  auto arm = lab.endpoint("arm");
  auto aad = lab.endpoint("aad");
  if (!arm.ok() || !aad.ok()) return;
  std::string tenant = "<tenant GUID>";
  if (summary["arm"]["subscriptions"].size() == 1)
    tenant = summary["arm"]["subscriptions"][0]["tenant_id"].get<std::string>();
  std::cout
      << "\nAzure CLI against this lab (any application or user with a role in the "
         "subscription):\n"
      << "  export AZURE_CONFIG_DIR=$(mktemp -d) REQUESTS_CA_BUNDLE=" << lab.ca_path()
      << " AZURE_CORE_COLLECT_TELEMETRY=false\n"
      << "  az cloud register -n cmgemu --endpoint-resource-manager " << arm->url() << "/ \\\n"
      << "    --endpoint-active-directory " << aad->url() << "/adfs \\\n"
      << "    --endpoint-active-directory-resource-id https://management.core.windows.net/ \\\n"
      << "    --endpoint-active-directory-graph-resource-id https://graph.windows.net/ \\\n"
      << "    --suffix-storage-endpoint core.windows.net --suffix-keyvault-dns .vault.azure.net\n"
      << "  az cloud set -n cmgemu\n"
      << "  az login --service-principal -u <appId> -p <secret> --tenant " << tenant << "\n"
      << "  (Python/JS SDKs: base URL " << arm->url() << ", authority " << aad->url()
      << ", scope https://management.core.windows.net//.default; see README.md)\n";
}

// For each CMG listener open now (endpoint "cmg-<service name>"), a curl line that reaches it by
// its service name. A CMG that becomes Ready later is not announced (its endpoint shows in
// the admin API's /_cmgemu/endpoints and in the ready file of a later start).
void print_cmg_recipes(const app::Lab& lab) {
  for (const auto& e : lab.endpoints()) {
    if (e.name.rfind("cmg-", 0) != 0) continue;
    std::string address = e.address;
    if (address == "0.0.0.0") address = "127.0.0.1";
    if (address == "::") address = "::1";
    if (address.find(':') != std::string::npos) address = "[" + address + "]";
    const std::string host_port = e.host + ":" + std::to_string(e.port);
    std::cout << "\nCMG " << e.host << " (" << e.name << "):\n"
              << "  curl --resolve " << host_port << ":" << address << " --cacert " << lab.ca_path()
              << " https://" << host_port << "/CCM_Proxy_ServerAuth/ServiceMetadata\n";
  }
}

// Prints what the lab section seeded: each tenant with its applications.
void print_seeded(const nlohmann::json& summary) {
  for (const auto& t : summary["aad"]["tenants"]) {
    std::cout << "  tenant  " << t["domain"].get<std::string>() << "  "
              << t["id"].get<std::string>() << "  (users: " << t["users"].size() << ")\n";
    for (const auto& a : t["applications"])
      std::cout << "    app   " << a["display_name"].get<std::string>() << "  "
                << a["app_id"].get<std::string>() << "\n";
  }
  for (const auto& s : summary["arm"]["subscriptions"])
    std::cout << "  subscription  " << s["name"].get<std::string>() << "  "
              << s["id"].get<std::string>() << "  (tenant " << s["tenant_id"].get<std::string>()
              << ")\n";
}

}  // namespace

int cmd_serve(const std::vector<std::string>& raw) {
  auto args = parse_args(raw, kServeFlags);
  if (!args.ok()) return usage_error("serve", args.status().message());
  if (args->has("--help")) {
    std::cout << "usage: cmgemu serve [options]\n\nStarts the lab on loopback and serves until "
                 "Ctrl-C (SIGINT) or SIGTERM.\n\noptions:\n"
              << flags_help(kServeFlags);
    return 0;
  }
  if (!args->positional.empty())
    return usage_error("serve", "unexpected argument '" + args->positional[0] + "'");
  app::LabOptions o;
  auto seed = parse_u64(args->get("--seed", "1"), "--seed");
  auto journal = parse_u64(args->get("--journal-size", "10000"), "--journal-size");
  if (!seed.ok()) return usage_error("serve", seed.status().message());
  if (!journal.ok() || *journal == 0) return usage_error("serve", "--journal-size must be >= 1");
  auto journal_bytes = parse_byte_size(args->get("--journal-bytes", "64M"), "--journal-bytes");
  if (!journal_bytes.ok()) return usage_error("serve", journal_bytes.status().message());
  if (*journal_bytes < (1u << 20)) return usage_error("serve", "--journal-bytes must be >= 1M");
  o.seed = *seed;
  o.journal_capacity = *journal;
  o.journal_max_bytes = *journal_bytes;
  o.admin_token = args->get("--admin-token");
  if (args->has("--admin-token") && o.admin_token.empty())
    return usage_error("serve", "--admin-token needs a value");
  o.admin_hosts = args->all("--admin-host");
  o.realtime_clock = !args->has("--manual-clock");
  o.start_time = args->get("--start");
  o.state_dir = args->get("--state");
  o.pki_dir = args->get("--pki", o.state_dir.empty() ? default_pki_dir() : "");
  o.bind_address = args->get("--bind", "127.0.0.1");
  o.cmg_names = args->all("--cmg-name");
  for (const auto& spec : args->all("--listen")) {
    auto eq = spec.find('=');
    auto port = parse_u64(eq == std::string::npos ? "" : spec.substr(eq + 1), "--listen port");
    if (eq == std::string::npos || eq == 0 || !port.ok() || *port == 0 || *port > 65535)
      return usage_error("serve", "--listen takes NAME=PORT (1-65535), got '" + spec + "'");
    o.ports[spec.substr(0, eq)] = static_cast<uint16_t>(*port);
  }

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  nlohmann::json lab_section;
  if (args->has("--lab")) {
    auto scenario =
        harness::load_scenario_file(args->get("--lab"), harness::scenario_action_registry());
    if (!scenario.ok()) return usage_error("serve", scenario.status().message());
    lab_section = scenario->lab;
    // The server certificates the lab section asks for (lab.pki.cmg_certificates), as `run`.
    for (auto& name : harness::scenario_cmg_names(lab_section))
      if (std::find(o.cmg_names.begin(), o.cmg_names.end(), name) == o.cmg_names.end())
        o.cmg_names.push_back(name);
  }

  auto lab = app::Lab::create(o);
  if (!lab.ok()) return usage_error("serve", lab.status().message());
  if (Status s = (*lab)->start(); !s.ok()) {
    std::cerr << "cmgemu serve: " << s.message() << "\n";
    return 1;
  }
  // A saved lab resumes as it is: the lab file seeds only a new state folder.
  const bool resumed = (*lab)->resumed();
  nlohmann::json seeded;
  if (!resumed) {
    if (Status s = (*lab)->seed(lab_section, &seeded); !s.ok())
      return usage_error("serve", args->get("--lab") + ": " + s.message());
  }
  std::cout << "cmgemu lab is up (seed " << o.seed << ", clock "
            << (o.realtime_clock ? "real-time" : "manual") << ", virtual time "
            << format_iso8601((*lab)->clock().now()) << ")\n";
  if (resumed) {
    std::cout << "  resumed the lab saved in " << o.state_dir << "\n";
    if (args->has("--lab")) {
      std::cout << "  --lab " << args->get("--lab")
                << " not applied: it seeds only a new state folder\n";
      if (!(*lab)->seeded_with(lab_section))
        std::cerr << "cmgemu serve: warning: the lab section of " << args->get("--lab")
                  << " is not the one " << o.state_dir
                  << " was seeded with; the saved lab is kept (give a new --state folder to "
                     "seed it afresh)\n";
    }
  }
  for (const auto& e : (*lab)->endpoints())
    std::cout << "  " << e.name << std::string(e.name.size() < 8 ? 8 - e.name.size() : 1, ' ')
              << e.url() << "  (" << e.host << ")\n";
  std::cout << "  lab CA  " << (*lab)->ca_path() << "\n  admin   " << (*lab)->admin_url() << "\n";
  if (o.admin_token.empty() && !(*lab)->admin_token().empty())
    std::cout << "  admin token  " << (*lab)->admin_token() << "  (generated: --bind "
              << o.bind_address << " is not loopback; send \"Authorization: Bearer <token>\")\n";
  else if (!o.admin_token.empty())
    std::cout << "  admin token  as given with --admin-token\n";
  if (args->has("--lab") && !resumed) print_seeded(seeded);
  if (args->has("--lab") && !resumed && !seeded["arm"]["subscriptions"].empty())
    print_arm_recipe(**lab, seeded);
  print_cmg_recipes(**lab);
  std::cout.flush();
  if (args->has("--ready-file") && !write_ready_file(args->get("--ready-file"), **lab)) {
    std::cerr << "cmgemu serve: cannot write " << args->get("--ready-file") << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cout << "cmgemu: stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")\n";
  (*lab)->stop();
  return 0;
}

int cmd_certs(const std::vector<std::string>& raw) {
  auto args = parse_args(raw, kCertsFlags);
  if (!args.ok()) return usage_error("certs", args.status().message());
  if (args->has("--help") || args->positional.empty()) {
    std::cout << "usage: cmgemu certs init --out DIR [options]\n\nCreates the lab PKI: root CA, "
                 "server certificates for the Azure names and any CMG name,\nclient certificates, "
                 "the CRL and the bad fixtures, as PEM and PFX.\n\noptions:\n"
              << flags_help(kCertsFlags);
    return args->has("--help") ? 0 : 2;
  }
  if (args->positional[0] != "init" || args->positional.size() != 1)
    return usage_error("certs", "unknown certs command '" + args->positional.back() + "'");
  if (!args->has("--out")) return usage_error("certs", "--out DIR is required");
  pki::PkiOptions o;
  o.now = system_now();
  o.also_valid_at = parse_iso8601(kDefaultVirtualStart).value();  // scenarios' default start
  o.cmg_names = args->all("--cmg-name");
  o.pfx_password = args->get("--password", o.pfx_password);
  auto pki = pki::ensure_lab_pki(args->get("--out"), o);
  if (!pki.ok()) {
    std::cerr << "cmgemu certs init: " << pki.status().message() << "\n";
    return 1;
  }
  std::cout << "lab PKI in " << pki->dir << "\n  root CA      " << pki->ca.cert_path
            << "\n  server       " << pki->server.cert_path << "\n  client       "
            << pki->client.pfx_path << "\n  CRL          " << pki->crl_file << " (served at "
            << pki->crl_url << ")\n";
  for (const auto& [name, cert] : pki->cmg)
    std::cout << "  " << name << "  " << cert.pfx_path << "\n";
  for (const auto* bad : {&pki->expired, &pki->wrong_name, &pki->untrusted, &pki->revoked})
    std::cout << "  fixture      " << bad->cert_path << "\n";
  return 0;
}

}  // namespace emu::cli
