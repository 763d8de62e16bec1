// The Create Cloud Management Gateway wizard (README Sources [S1]): the certificate page (service
// and deployment names from the .pfx CN), the Azure sign-in, the settings page checks, then the
// new Azure_CloudService record in state Provisioning, which the cloud service manager picks
// up ("CreateDeployment for service <name>"). Nothing is recorded when a page fails.
#include "emulator/core/clock.h"
#include "emulator/core/text.h"
#include "emulator/site/cloud_manager/internal.h"

#include <cctype>
#include <exception>
#include <fstream>
#include <sstream>

namespace emu::site {
namespace {

using cloud::WizardState;
using nlohmann::json;

// The certificate page: service name = CN, or for a wildcard CN the name the admin typed.
Status certificate_page(WizardState& w) {
  const json& c = w.args["certificate"];
  const std::string path = cloud::resolve_path(w.env.pki_dir, cloud::str_arg(c, "pfx"));
  EMU_ASSIGN_OR_RETURN(w.cert,
                       cloud::load_pfx(path, cloud::str_arg(c, "password", kLabPfxPassword)));
  const std::string typed = cloud::str_arg(w.args, "service_name");
  const std::string& cn = w.cert.common_name;
  if (cn.rfind("*.", 0) == 0) {
    if (typed.empty()) return service_prefix(cn).status();  // the wildcard message
    const std::string domain = cn.substr(1);                // ".contoso.com"
    if (typed.size() <= domain.size() ||
        !iequals(typed.substr(typed.size() - domain.size()), domain) ||
        typed.substr(0, typed.size() - domain.size()).find('.') != std::string::npos)
      return InvalidArgument("The service name " + typed + " does not match the certificate " + cn +
                             ".");  // inferred
    w.service_name = typed;
  } else {
    if (!typed.empty() && !iequals(typed, cn))
      return InvalidArgument("The service name " + typed + " does not match the certificate " +
                             "name " + cn + ".");  // inferred
    w.service_name = cn;
  }
  EMU_ASSIGN_OR_RETURN(w.prefix, service_prefix(w.service_name));
  return Status::Ok();
}

// The settings page values that need no Azure call, and the site's Azure configuration.
Status settings_page(WizardState& w) {
  EMU_ASSIGN_OR_RETURN(w.vm_size,
                       vm_size_sku(cloud::str_arg(w.args, "vm_size", "Standard (A2_v2)")));
  w.instances = w.args.value("instances", 1);
  const json& group = w.args["resource_group"];
  w.resource_group = cloud::str_arg(group, "name");
  w.create_group = group.value("create", false);
  if (cloud::str_arg(w.args, "environment", "AzurePublicCloud") != "AzurePublicCloud")
    return Unimplemented("environment: only AzurePublicCloud is emulated");
  auto existing = w.env.io([&] { return w.env.db.cloud_service(w.service_name); });
  if (existing.ok())  // inferred wording
    return AlreadyExists("A cloud management gateway named " + w.service_name + " already exists.");
  auto apps = w.env.io([&] { return w.env.db.applications(); });
  for (const sitedb::AadApplication& a : apps)
    if (a.kind == "web") {
      w.server_app = a;
      return Status::Ok();
    }
  // Inferred wording: the wizard needs the Azure service for Cloud Management first.
  return FailedPrecondition(
      "No Azure Active Directory tenant with a web (server) app is configured. Configure the "
      "Azure Services for Cloud Management first.");
}

Result<json> trusted_roots(WizardState& w) {
  json roots = json::array();
  for (const json& name : w.args.value("trusted_roots", json::array())) {
    const std::string path = cloud::resolve_path(w.env.pki_dir, name.get<std::string>());
    std::ifstream in(path);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in || pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos)
      return InvalidArgument("The certificate file " + path + " is not a PEM certificate.");
    roots.push_back(pem.str());
  }
  return roots;
}

Status sign_in(WizardState& w) {
  AzureClient client(w.env.ctx);
  w.admin_upn = cloud::str_arg(w.args, "signed_in_as");
  AzureResult<AzureToken> token = client.sign_in_interactive(
      w.env.config.console_client_id, w.env.config.console_redirect_uri, w.admin_upn,
      cloud::str_arg(w.args, "password", kLabUserPassword), cloud::kConsoleScope,
      w.server_app.tenant_id.empty() ? "organizations" : w.server_app.tenant_id);
  if (!token.ok()) return Unauthenticated("Sign in to Azure failed: " + token.error.text());
  w.admin_token = token.value.access_token;
  cloud::console_log(
      w.env, "Signed in to Azure as " + w.admin_upn + " (tenant " + token.value.tenant_id + ")");
  return Status::Ok();
}

Status azure_pages(WizardState& w) {
  EMU_RETURN_IF_ERROR(sign_in(w));
  cloud::ArmSession arm(w.env, w.admin_token, &cloud::console_log);
  EMU_RETURN_IF_ERROR(cloud::choose_subscription(w, arm));
  EMU_RETURN_IF_ERROR(cloud::check_region(w, arm));
  EMU_RETURN_IF_ERROR(cloud::check_vm_size(w, arm));
  EMU_RETURN_IF_ERROR(cloud::check_service_name(w, arm));
  EMU_RETURN_IF_ERROR(cloud::prepare_resource_group(w, arm));
  return cloud::assign_server_app_roles(w, arm);
}

sitedb::CloudService new_record(const WizardState& w, json roots) {
  const json& a = w.args;
  sitedb::CloudService s;
  s.name = w.service_name;
  s.deployment_name = deployment_name(w.prefix, w.region);
  s.region = w.region;
  s.vm_size = w.vm_size;
  s.instances = w.instances;
  s.resource_group = w.resource_group;
  s.subscription_id = w.subscription;
  s.tenant_id = w.server_app.tenant_id;
  s.description = cloud::str_arg(a, "description");
  s.certificate_thumbprint = w.cert.thumbprint;
  s.certificate_pem = w.cert.cert_pem;
  s.state = sitedb::CloudServiceState::kProvisioning;
  const std::string now = format_iso8601(w.env.ctx.clock().now());
  s.next_maintenance = now;  // the cloud service manager starts at once
  s.created = now;
  s.settings = {
      {"prefix", w.prefix},
      {"region_display", w.region_display},
      {"task", cloud::kTaskCreate},
      {"attempts", 0},
      {"trusted_roots", std::move(roots)},
      {"verify_revocation", a.value("verify_revocation", true)},
      {"enforce_tls12", a.value("enforce_tls12", true)},
      {"cloud_dp", a.value("cloud_dp", true)},
      {"alerts", a.value("alerts", json(false))},
      {"resource_group_created", w.group_created},
      // Where the .pfx was: the wizard uploads its certificate and key (env.uploads, never
      // this record), so the CMG service presents it once Ready (emulator/cmg/README.md).
      {"certificate_pfx",
       cloud::resolve_path(w.env.pki_dir, cloud::str_arg(a["certificate"], "pfx"))},
      {"server_app", w.server_app.client_id}};
  return s;
}

ActionOutcome refuse(WizardState& w, const Status& s) {
  cloud::console_log(w.env, "Create Cloud Management Gateway wizard: " + s.message(),
                     TraceSeverity::kError);
  return action_failed(s.message());
}

ActionOutcome create(SiteEnv& env, const json& args) {
  WizardState w(env, args);
  if (Status s = validate_create_cmg_args(args); !s.ok()) return action_failed(s.message());
  if (Status s = certificate_page(w); !s.ok()) return refuse(w, s);
  if (Status s = settings_page(w); !s.ok()) return refuse(w, s);
  auto roots = trusted_roots(w);
  if (!roots.ok()) return refuse(w, roots.status());
  if (Status s = azure_pages(w); !s.ok()) return refuse(w, s);
  auto added = env.io([&] { return env.db.add_cloud_service(new_record(w, *roots)); });
  if (!added.ok()) return refuse(w, added.status());
  if (Status s = env.uploads.put(added->name, {w.cert.cert_pem, w.cert.key_pem}); !s.ok())
    return refuse(w, s);
  cloud::console_log(env, "Created cloud management gateway " + added->name + " (deployment " +
                              added->deployment_name + ", " + w.region_display + ")");
  // Inferred wording: the manager notices the new service in the site control data.
  cloud::cloud_log(env, "Found new service " + added->name + " of type " + added->service_type +
                            " in region " + added->region + ". Scheduling task [" +
                            cloud::task_name(cloud::kTaskCreate, added->name) + "].~~");
  const std::string want = cloud::str_arg(args, "wait_for", "Provisioning");
  if (want == "Provisioning") {
    return action_passed("cloud management gateway " + added->name + " is Provisioning",
                         cloud::service_output(*added));
  }
  cloud::WaitOutcome waited = cloud::wait_for_status(env, added->name, want);
  json out = cloud::service_output(waited.service);
  out["attempts"] = waited.attempts;
  if (!waited.status.ok()) {
    ActionOutcome o = action_failed(waited.status.message());
    o.output = std::move(out);
    return o;
  }
  return action_passed("cloud management gateway " + added->name + " is " + want, out);
}

}  // namespace

ActionOutcome create_cmg(SiteEnv& env, const json& args) {
  try {
    return create(env, args);
  } catch (const std::exception& e) {  // a value of an unexpected JSON type
    return action_failed(std::string("site.cmg.create: ") + e.what());
  }
}

}  // namespace emu::site
