// client.* scenario actions: certificate stores, ccmsetup, the policy cycle, state and logs.
// They block on HTTP to the lab, so they run on the caller's thread and only lock the machine.
#include "certs/pki.h"
#include "emulator/aad/public/well_known.h"
#include "emulator/client/ccmsetup/command_line.h"
#include "emulator/client/internal.h"
#include "emulator/core/crypto/cert.h"
#include "emulator/core/crypto/key_file.h"
#include "emulator/core/crypto/pem.h"
#include "emulator/core/files.h"
#include "emulator/core/text.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <regex>

namespace emu::client::internal {
namespace {

using nlohmann::json;

// A certificate file: absolute, or a name in the lab PKI folder ("cmgemu-lab-root-ca.pem").
Result<std::string> read_cert_file(const ClientState& s, const std::string& name) {
  const std::string path = !name.empty() && name[0] == '/' ? name : s.ctx.pki.dir + "/" + name;
  auto text = read_file(path);
  if (!text.ok()) return NotFound("certificate: cannot read '" + name + "' (" + path + ")");
  return std::move(text).value();
}

// PEM or DER (a .cer) -> the certificate as PEM and its store entry.
Result<StoredCert> stored_cert(const std::string& bytes, const std::string& name) {
  crypto::X509Ptr cert;
  if (bytes.find("-----BEGIN CERTIFICATE-----") != std::string::npos) {
    auto parsed = crypto::parse_cert_pem(bytes);
    if (!parsed.ok()) {
      ERR_clear_error();
      return InvalidArgument("certificate: '" + name + "' is not a certificate");
    }
    cert = std::move(parsed).value();
  } else {
    auto parsed = crypto::parse_cert_der(bytes);
    if (!parsed.ok()) {
      ERR_clear_error();
      return InvalidArgument("certificate: '" + name + "' is not a certificate (PEM or DER)");
    }
    cert = std::move(parsed).value();
  }
  StoredCert out;
  EMU_ASSIGN_OR_RETURN(out.cert_pem, crypto::cert_to_pem(cert.get()));
  EMU_ASSIGN_OR_RETURN(out.thumbprint, crypto::thumbprint(cert.get()));
  out.subject = crypto::name_rfc2253(X509_get_subject_name(cert.get()));
  return out;
}

// "time=\"14:53:08.653-540\" date=\"05-02-2022\"" of a CCM record -> the instant (UTC).
std::optional<TimePoint> record_time(const std::string& line) {
  static const std::regex kTime(
      R"re(time="(\d\d):(\d\d):(\d\d)\.(\d\d\d)([+-])(\d+)" date="(\d\d)-(\d\d)-(\d{4})")re");
  std::smatch mt;
  if (!std::regex_search(line, mt, kTime)) return std::nullopt;
  const int bias = std::stoi(mt[6].str()) * (mt[5].str() == "-" ? -1 : 1);
  const int offset = -bias;  // local = UTC - bias
  char iso[64];
  std::snprintf(iso, sizeof iso, "%s-%s-%sT%s:%s:%s.%s%c%02d:%02d", mt[9].str().c_str(),
                mt[7].str().c_str(), mt[8].str().c_str(), mt[1].str().c_str(), mt[2].str().c_str(),
                mt[3].str().c_str(), mt[4].str().c_str(), offset < 0 ? '-' : '+',
                std::abs(offset) / 60, std::abs(offset) % 60);
  auto t = parse_iso8601(iso);
  if (!t.ok()) return std::nullopt;
  return *t;
}

Status check_expect_args(const json& args) {
  EMU_RETURN_IF_ERROR(check_log_expect_args(args));
  if (args.contains("within")) {
    if (!args["within"].is_string()) return InvalidArgument("within: must be a duration string");
    const std::string w = args["within"].get<std::string>();
    if (w.find("${") == std::string::npos && !parse_duration(w).ok())
      return InvalidArgument("within: not a duration: '" + w + "'");
  }
  for (const auto& p : args.value("patterns", json::array())) {
    const std::string text = p.get<std::string>();
    if (text.find("${") != std::string::npos) continue;
    try {
      std::regex re(text);
    } catch (const std::regex_error&) {
      return InvalidArgument("patterns: not a regular expression: '" + text + "'");
    }
  }
  return Status::Ok();
}

// Every pattern must match a record, in the order given (each after the previous one's).
ActionOutcome expect_ordered(const std::string& log, const std::vector<std::string>& lines,
                             const json& patterns, std::optional<TimePoint> since) {
  size_t from = 0;
  json matched = json::array();
  std::vector<std::string> missing;
  for (const auto& p : patterns) {
    const std::string text = p.get<std::string>();
    std::regex re;
    try {
      re = std::regex(text);
    } catch (const std::regex_error&) {
      return action_failed("patterns: not a regular expression: '" + text + "'");
    }
    bool found = false;
    for (size_t i = from; i < lines.size(); ++i) {
      if (since) {
        auto t = record_time(lines[i]);
        if (!t || *t < *since) continue;
      }
      if (std::regex_search(lines[i], re)) {
        matched.push_back(lines[i]);
        from = i + 1;
        found = true;
        break;
      }
    }
    if (!found)
      missing.push_back("no record of " + log + " matches '" + text + "'" +
                        (matched.empty() ? "" : " after the previous match"));
  }
  if (!missing.empty())
    return action_failed(log + ": " + std::to_string(missing.size()) + " of " +
                             std::to_string(patterns.size()) + " pattern(s) not found in order",
                         {{"log", log}, {"records", lines.size()}}, missing);
  return action_passed(log + ": " + std::to_string(matched.size()) + " pattern(s) matched in order",
                       {{"log", log}, {"matched", matched.size()}, {"records", matched}});
}

struct DeviceCertificate {
  std::string cert_der, cert_pem, key_pem, thumbprint;
};

// The machine's device key (kept in the lab PKI folder, so reruns of a scenario present the
// same certificate) and its certificate. Real devices get theirs from the Device Registration
// Service's "MS-Organization-Access" CA with CN=<deviceId>; the lab's is self-signed, CN=the
// machine name, and Entra ID trusts it because the join registered it [inferred].
Result<DeviceCertificate> make_device_certificate(const ClientState& s, const Machine& m) {
  crypto::EvpPkeyPtr key;
  if (!s.ctx.pki.dir.empty()) {
    EMU_ASSIGN_OR_RETURN(
        key, crypto::load_or_create_rsa_key(s.ctx.pki.dir + "/client-" + to_lower(m.spec.name) +
                                            "-aad-device.key"));
  } else {
    EMU_ASSIGN_OR_RETURN(key, crypto::generate_rsa_key(2048));
  }
  crypto::CertificateSpec spec;
  spec.serial_from_key = true;
  spec.common_name = m.spec.name;
  const TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(s.ctx.clock.now());
  spec.not_before = now - std::chrono::hours(1);
  spec.not_after = now + std::chrono::hours(24 * 365 * 10);
  spec.extensions.push_back({NID_key_usage, "critical,digitalSignature", {}});
  spec.extensions.push_back({NID_ext_key_usage, "clientAuth", {}});
  EMU_ASSIGN_OR_RETURN(crypto::X509Ptr cert, crypto::build_cert(spec, key.get(), nullptr));
  DeviceCertificate out;
  EMU_ASSIGN_OR_RETURN(out.cert_der, crypto::cert_to_der(cert.get()));
  EMU_ASSIGN_OR_RETURN(out.cert_pem, crypto::cert_to_pem(cert.get()));
  EMU_ASSIGN_OR_RETURN(out.key_pem, crypto::key_to_pem(key.get()));
  EMU_ASSIGN_OR_RETURN(out.thumbprint, crypto::thumbprint(cert.get()));
  return out;
}

// Registers the machine with Entra ID (its device certificate; `user` signs in on it) and
// keeps the join on the machine. Outputs device_id, tenant_id, thumbprint, user_id.
Result<json> join_entra(const ClientState& s, Machine& m, const std::string& tenant,
                        const std::string& user, const std::string& password) {
  if (!s.deps.join_aad) return FailedPrecondition("this lab has no Entra ID party");
  EMU_ASSIGN_OR_RETURN(DeviceCertificate device, make_device_certificate(s, m));
  aad::DeviceJoinRequest request;
  request.tenant = tenant;
  request.display_name = m.spec.name;
  request.cert_der = device.cert_der;
  request.trust_type = m.spec.join == "domain" ? "ServerAd" : "AzureAd";
  request.user = user;
  auto joined = s.deps.join_aad(request);
  if (!joined.ok()) return joined.status().with_context("Entra ID join");
  m.aad = {
      joined->tenant_id,      joined->device_id,           device.cert_pem, device.key_pem, user,
      joined->user_object_id, user.empty() ? "" : password};
  return json{{"device_id", joined->device_id},
              {"tenant_id", joined->tenant_id},
              {"thumbprint", device.thumbprint},
              {"user_id", joined->user_object_id}};
}

Status check_ccmsetup_args(const json& args) {
  if (args.contains("wait_for")) {
    const json& w = args["wait_for"];
    if (!w.is_string() || (w != "exit" && w != "installed" && w != "registered" && w != "policy"))
      return InvalidArgument("wait_for: must be exit, installed, registered or policy");
  }
  if (args.contains("command_line")) {
    if (!args["command_line"].is_string()) return InvalidArgument("command_line: must be a string");
    const std::string line = args["command_line"].get<std::string>();
    if (line.find("${") == std::string::npos) {
      if (auto parsed = parse_ccmsetup_command_line(line); !parsed.ok())
        return InvalidArgument("command_line: " + parsed.status().message());
    }
  }
  return Status::Ok();
}

Status check_strings(const json& args, const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (args.contains(k) && !args[k].is_string()) return InvalidArgument(k + ": must be a string");
  return Status::Ok();
}

}  // namespace

void add_client_actions(ClientState* s, ActionRegistry& registry) {
  using Op = std::function<ActionOutcome(ClientState&, MachineSlot&, const json&, ActionContext&)>;
  auto def = [&](std::string name, std::string summary, std::vector<std::string> required,
                 std::vector<std::string> optional, Op op, ArgsValidator validate) {
    if (s == nullptr && registry.find(name) != nullptr) return;
    ActionDef d;
    d.name = std::move(name);
    d.summary = std::move(summary);
    d.required_args = std::move(required);
    d.optional_args = std::move(optional);
    d.validate = [validate = std::move(validate)](const json& args) {
      EMU_RETURN_IF_ERROR(check_strings(args, {"client"}));
      return validate ? validate(args) : Status::Ok();
    };
    if (s != nullptr)
      d.run = [s, op = std::move(op), check = d.validate](const json& args, ActionContext& ctx) {
        if (Status st = check(args); !st.ok()) return action_failed(st.message());
        auto slot = s->find(args["client"].get<std::string>());
        if (!slot.ok()) return action_failed(slot.status().message());
        std::lock_guard lock((*slot)->mu);
        ActionOutcome out = op(*s, **slot, args, ctx);
        // Saved before the step reports: an acknowledged change survives a crash.
        if (Status saved = s->save((*slot)->machine); !saved.ok())
          return action_failed("saving client " + (*slot)->machine.spec.name + ": " +
                               saved.message());
        return out;
      };
    registry.add(std::move(d));
  };

  {
    // client.add: not per machine (it makes one), so registered directly.
    ActionDef d;
    d.name = "client.add";
    d.summary =
        "Add a client machine to the running lab, as lab.clients does (outputs: name, fqdn)";
    d.required_args = {"name"};
    d.optional_args = {"join", "os", "domain", "time_zone_bias", "folders"};
    d.validate = [](const json& args) { return parse_machine_spec(args, "args").status(); };
    if (s != nullptr)
      d.run = [s](const json& args, ActionContext&) {
        auto spec = parse_machine_spec(args, "args");
        if (!spec.ok()) return action_failed(spec.status().message());
        if (Status st = s->add({s->make_slot(*spec, 0)}, true); !st.ok())
          return action_failed(st.message());
        return action_passed("client " + spec->name + " added",
                             {{"name", spec->name}, {"fqdn", spec->fqdn}});
      };
    if (s != nullptr || registry.find(d.name) == nullptr) registry.add(std::move(d));
  }

  def(
      "client.install_root_ca",
      "Import a root CA certificate (PEM or DER file; a bare name is in the lab PKI folder) into "
      "the client's Trusted Root store (outputs: thumbprint, subject)",
      {"client", "certificate"}, {"store"},
      [](ClientState& st, MachineSlot& slot, const json& args, ActionContext&) {
        const std::string name = args["certificate"].get<std::string>();
        auto bytes = read_cert_file(st, name);
        if (!bytes.ok()) return action_failed(bytes.status().message());
        auto cert = stored_cert(*bytes, name);
        if (!cert.ok()) return action_failed(cert.status().message());
        Machine& m = slot.machine;
        bool present = false;
        for (const auto& c : m.trusted_roots) present = present || c.thumbprint == cert->thumbprint;
        if (!present) m.trusted_roots.push_back(*cert);
        return action_passed(
            m.spec.name + " trusts " + cert->subject,
            {{"thumbprint", cert->thumbprint}, {"subject", cert->subject}, {"store", "Root"}});
      },
      [](const json& args) {
        EMU_RETURN_IF_ERROR(check_strings(args, {"certificate", "store"}));
        if (args.contains("store") && args["store"] != "Root")
          return InvalidArgument("store: only Root (LocalMachine\\Root) takes root CAs");
        return Status::Ok();
      });

  def(
      "client.aad_join",
      "Join the client to an Entra ID tenant (dsregcmd /join): a device key and certificate on "
      "the machine, a device object in the tenant; `user` (UPN) signs in on it, `password` "
      "default the lab's (outputs: device_id, tenant_id, thumbprint, user_id)",
      {"client"}, {"tenant", "user", "password"},
      [](ClientState& st, MachineSlot& slot, const json& args, ActionContext&) {
        Machine& m = slot.machine;
        if (m.aad.joined())
          return action_failed(m.spec.name + " is already joined to tenant " + m.aad.tenant_id +
                               " (device " + m.aad.device_id + ")");
        auto joined = join_entra(st, m, args.value("tenant", ""), args.value("user", ""),
                                 args.value("password", std::string(aad::kDefaultUserPassword)));
        if (!joined.ok()) return action_failed(joined.status().message());
        return action_passed(m.spec.name + " joined Entra ID tenant " + m.aad.tenant_id +
                                 " as device " + m.aad.device_id,
                             *joined);
      },
      [](const json& args) {
        return check_strings(args, {"tenant", "user", "password"});
      });

  def(
      "client.install_certificate",
      "Import a .pfx (certificate and key) into the client's Personal store: a PKI client "
      "authentication certificate (outputs: thumbprint, subject)",
      {"client", "pfx"}, {"password"},
      [](ClientState& st, MachineSlot& slot, const json& args, ActionContext&) {
        const std::string name = args["pfx"].get<std::string>();
        auto bytes = read_cert_file(st, name);
        if (!bytes.ok()) return action_failed(bytes.status().message());
        auto pfx = crypto::parse_pfx_der(*bytes);
        if (!pfx.ok()) {
          ERR_clear_error();
          return action_failed("pfx: '" + name + "' is not a PKCS #12 file");
        }
        auto opened = crypto::open_pfx(pfx->get(), args.value("password", "cmgemu"));
        if (!opened.ok() || !opened->cert || !opened->key) {
          ERR_clear_error();
          return action_failed("pfx: '" + name + "' does not open with that password");
        }
        StoredCert c;
        auto pem = crypto::cert_to_pem(opened->cert.get());
        auto key = crypto::key_to_pem(opened->key.get());
        auto thumb = crypto::thumbprint(opened->cert.get());
        if (!pem.ok() || !key.ok() || !thumb.ok()) return action_failed("pfx: cannot read it");
        c.cert_pem = *pem;
        for (const auto& extra : opened->chain)
          if (auto more = crypto::cert_to_pem(extra.get()); more.ok()) c.cert_pem += *more;
        c.key_pem = *key;
        c.thumbprint = *thumb;
        c.subject = crypto::name_rfc2253(X509_get_subject_name(opened->cert.get()));
        Machine& m = slot.machine;
        bool present = false;
        for (const auto& have : m.personal) present = present || have.thumbprint == c.thumbprint;
        if (!present) m.personal.push_back(c);
        return action_passed(
            m.spec.name + " has " + c.subject + " in Personal",
            {{"thumbprint", c.thumbprint}, {"subject", c.subject}, {"store", "My"}});
      },
      [](const json& args) {
        return check_strings(args, {"pfx", "password"});
      });

  def(
      "client.remove_certificate",
      "Remove a certificate (by thumbprint) from the client's Trusted Root or Personal store",
      {"client", "thumbprint"}, {"store"},
      [](ClientState&, MachineSlot& slot, const json& args, ActionContext&) {
        const std::string thumb = to_upper(args["thumbprint"].get<std::string>());
        const std::string store = args.value("store", "");
        Machine& m = slot.machine;
        size_t removed = 0;
        auto drop = [&](std::vector<StoredCert>& v) {
          const size_t before = v.size();
          std::erase_if(v, [&](const StoredCert& c) { return c.thumbprint == thumb; });
          removed += before - v.size();
        };
        if (store.empty() || store == "Root") drop(m.trusted_roots);
        if (store.empty() || store == "My") drop(m.personal);
        if (removed == 0)
          return action_failed("no certificate " + thumb + " in " + m.spec.name + "'s stores");
        return action_passed(std::to_string(removed) + " certificate(s) removed",
                             {{"removed", removed}});
      },
      [](const json& args) {
        EMU_RETURN_IF_ERROR(check_strings(args, {"thumbprint", "store"}));
        if (args.contains("store") && args["store"] != "Root" && args["store"] != "My")
          return InvalidArgument("store: Root or My");
        return Status::Ok();
      });

  def(
      "client.ccmsetup",
      "Run ccmsetup.exe on the client with a command line, then the client agent (outputs: "
      "exit_code, client_id, approval_status, registered, policies, error)",
      {"client", "command_line"}, {"wait_for"},
      [](ClientState& st, MachineSlot& slot, const json& args, ActionContext&) {
        Machine& m = slot.machine;
        // A machine declared Entra joined (lab.clients join "entra") is registered in the lab's
        // tenant the first time ccmsetup runs on it.
        if (m.spec.join == "entra" && !m.aad.joined()) {
          auto joined = join_entra(st, m, "", "", "");
          if (!joined.ok()) return action_failed(joined.status().message());
        }
        const CcmsetupOutcome r =
            run_ccmsetup(m, st.env(), args["command_line"].get<std::string>());
        json out = {{"exit_code", r.exit_code},
                    {"client_id", m.client_id},
                    {"approval_status", m.approval_status},
                    {"registered", !m.client_id.empty()},
                    {"policies", m.policies.size()},
                    {"error", r.error}};
        const std::string wait = args.value("wait_for", "exit");
        std::string unmet;
        if (wait == "installed" && !m.installed) unmet = "the client was not installed";
        if (wait == "registered" && m.client_id.empty()) unmet = "the client did not register";
        if (wait == "policy" && m.policies.empty()) unmet = "the client received no policy";
        if (!unmet.empty())
          return action_failed(unmet + " (ccmsetup exit code " + std::to_string(r.exit_code) +
                                   (r.error.empty() ? "" : ": " + r.error) + ")",
                               out);
        return action_passed("ccmsetup exit code " + std::to_string(r.exit_code) +
                                 (m.client_id.empty() ? "" : ", " + m.client_id) +
                                 (r.error.empty() ? "" : " (" + r.error + ")"),
                             out);
      },
      check_ccmsetup_args);

  def(
      "client.policy_cycle",
      "Run the client's machine policy retrieval cycle now (renewing its CCM token when it "
      "expires within an hour) (outputs: policies, ccm_token_expires)",
      {"client"}, {},
      [](ClientState& st, MachineSlot& slot, const json&, ActionContext&) {
        Machine& m = slot.machine;
        Status r = run_policy_cycle(m, st.env());
        json out = state_of(m);
        if (!r.ok()) return action_failed(r.message(), out);
        return action_passed(std::to_string(m.policies.size()) + " policies", out);
      },
      nullptr);

  def(
      "client.state",
      "The client's state (outputs: installed, registered, client_id, approval_status, "
      "internet_mp, ccm_token_expires, unique_token_expires, registry, stores)",
      {"client"}, {},
      [](ClientState&, MachineSlot& slot, const json&, ActionContext&) {
        const Machine& m = slot.machine;
        return action_passed(
            m.spec.name + (m.client_id.empty() ? ": not registered" : ": " + m.client_id),
            state_of(m));
      },
      nullptr);

  def(
      "client.logs.expect",
      "Check that a client log has records matching the patterns, in order, optionally only "
      "those of the last `within` of virtual time (outputs: matched, records)",
      {"client", "log", "patterns"}, {"within"},
      [](ClientState& st, MachineSlot& slot, const json& args, ActionContext&) {
        const std::string log = args["log"].get<std::string>();
        std::optional<TimePoint> since;
        if (args.contains("within"))
          since = st.ctx.clock.now() - *parse_duration(args["within"].get<std::string>());
        return expect_ordered(log, slot.machine.logs->lines(log), args["patterns"], since);
      },
      check_expect_args);
}

}  // namespace emu::client::internal
