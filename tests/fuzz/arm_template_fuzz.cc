// Fuzz target: the ARM template engine as a deployment reaches it. The input is a template and
// its parameters, split at the first NUL byte (no NUL: the parameters are "{}"); both texts are
// pasted raw into a deployment body, so the bytes go through the same path as
// PUT .../providers/Microsoft.Resources/deployments/{name}: the lenient, bounded body parse,
// request checks, preflight (expansion, type rules), scheduling, outputs, then the views
// (GET deployment and operations, after virtual time passed) and POST validate. The engine is
// also called directly, answering reference() for every resource, to reach late resource
// bodies and outputs that a preflight refuses earlier.
// Must hold: no crash, no 5xx answer. Deterministic: a fresh in-memory ARM party, a manual
// virtual clock and a seeded ID source per input; no network, no real clock.
#include "certs/pki.h"
#include "emulator/aad/public/principals.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/arm/arm_service.h"
#include "emulator/arm/templates/template.h"
#include "emulator/core/clock.h"
#include "emulator/core/http/message.h"
#include "emulator/core/ids.h"
#include "emulator/core/store/database.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace {

using nlohmann::json;

constexpr char kSub[] = "11111111-1111-4111-8111-111111111111";
constexpr char kTenant[] = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr char kOwner[] = "00000000-0000-4000-8000-0000000000a1";

// Every token is the subscription's owner.
class OwnerValidator final : public emu::aad::TokenValidator {
 public:
  emu::aad::TokenCheck validate(std::string_view,
                                const emu::aad::ValidationPolicy&) const override {
    emu::aad::TokenCheck c;
    c.principal.object_id = kOwner;
    c.principal.upn = "admin@contoso.com";
    c.principal.tenant_id = kTenant;
    c.principal.issuer = std::string("https://sts.windows.net/") + kTenant + "/";
    c.principal.audience = "https://management.azure.com/";
    return c;
  }
};

class OwnerLookup final : public emu::aad::PrincipalLookup {
 public:
  emu::Result<std::string> tenant_id(std::string_view) const override {
    return std::string(kTenant);
  }
  emu::Result<emu::aad::PrincipalRef> find_principal(std::string_view tenant,
                                                     std::string_view name) const override {
    if (name != "admin@contoso.com" && name != kOwner) return emu::NotFound("no principal");
    return emu::aad::PrincipalRef{kOwner, std::string(tenant), "User", "admin", ""};
  }
};

json lab() {
  return {{"subscription",
           {{"id", kSub},
            {"name", "Fuzz"},
            {"co_administrators", {"admin@contoso.com"}},
            {"providers",
             {{"Microsoft.Compute", "Registered"},
              {"Microsoft.Network", "Registered"},
              {"Microsoft.Storage", "Registered"},
              {"Microsoft.KeyVault", "Registered"}}},
            {"resource_groups", {{{"name", "rg1"}, {"location", "japaneast"}}}}}}};
}

emu::http::Response send(emu::arm::ArmService& arm, emu::IdSource& ids, const std::string& method,
                         const std::string& path, std::string body = "") {
  emu::http::Request req;
  req.method = method;
  req.query_string = "api-version=2021-04-01";
  req.target = path + "?" + req.query_string;
  req.path = path;
  req.query = emu::http::parse_form(req.query_string);
  req.listener = "arm";
  req.host = "management.azure.com";
  req.headers.set("Host", "management.azure.com");
  req.headers.set("Authorization", "Bearer owner");
  if (!body.empty()) {
    req.headers.set("Content-Type", "application/json");
    req.body = std::move(body);
  }
  req.request_id = ids.guid();
  emu::http::Response res = arm.listeners().front().router->dispatch(req);
  if (res.status >= 500) __builtin_trap();  // a client's input is never a server error
  return res;
}

// The engine alone: expansion, every resource body evaluated late, outputs.
void run_engine(std::string_view tmpl_text, std::string_view params_text) {
  emu::Result<json> tmpl = emu::arm::parse_lenient_json(tmpl_text);
  if (!tmpl.ok()) return;
  emu::Result<json> params = emu::arm::parse_lenient_json(params_text);
  const json given = params.ok() ? params.value() : json::object();
  emu::arm::TemplateScope scope{kSub, "Fuzz", kTenant, "rg1", "japaneast", "fuzz"};
  emu::arm::ReferenceFn reference = [](const std::string& id, bool full) -> std::optional<json> {
    json view = {{"id", id}, {"properties", {{"provisioningState", "Succeeded"}}}};
    return full ? view : view["properties"];
  };
  emu::arm::EvalBudget budget;
  auto expanded = emu::arm::expand_template(tmpl.value(), given, scope, reference, &budget);
  if (!expanded.ok()) return;
  for (const auto& r : expanded->resources)
    (void)emu::arm::evaluate_resource_body(tmpl.value(), expanded.value(), r, scope, reference,
                                           &budget);
  (void)emu::arm::evaluate_outputs(tmpl.value(), expanded.value(), scope, reference, &budget);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const emu::pki::LabPki pki;
  static const OwnerValidator validator;
  static const OwnerLookup lookup;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view tmpl_text = input.substr(0, nul);
  const std::string_view params_text =
      nul == std::string_view::npos ? std::string_view("{}") : input.substr(nul + 1);
  const std::string body = R"({"properties":{"mode":"Incremental","template":)" +
                           std::string(tmpl_text) + R"(,"parameters":)" + std::string(params_text) +
                           "}}";

  emu::VirtualClock clock(emu::VirtualClock::Mode::kManual,
                          emu::parse_iso8601("2026-01-01T00:00:00Z").value());
  emu::IdSource ids(7);
  emu::store::StateDir state("");
  emu::ServiceContext ctx{clock, ids, state, pki, "", nullptr, nullptr};
  auto arm = emu::arm::ArmService::create(
      ctx, emu::arm::ArmDeps{validator, lookup, [](const std::string&) { return std::string(); }});
  if (!arm.ok() || !(*arm)->seed(lab()).ok()) __builtin_trap();

  const std::string deployments = std::string("/subscriptions/") + kSub +
                                  "/resourcegroups/rg1/providers/Microsoft.Resources/"
                                  "deployments/fuzz";
  send(**arm, ids, "POST", deployments + "/validate", body);
  emu::http::Response put = send(**arm, ids, "PUT", deployments, body);
  if (put.status == 200 || put.status == 201) {
    clock.advance(std::chrono::hours(1));
    send(**arm, ids, "GET", deployments);
    send(**arm, ids, "GET", deployments + "/operations");
    send(**arm, ids, "GET",
         std::string("/subscriptions/") + kSub + "/resourcegroups/rg1/resources");
  }
  run_engine(tmpl_text, params_text);
  return 0;
}
