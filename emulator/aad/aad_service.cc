// The Entra ID party as a Lab service: its database, directory, signing keys, validator,
// routers and scenario actions (see aad_service.h).
#include "emulator/aad/aad_service.h"

#include "certs/pki.h"
#include "emulator/aad/actions.h"
#include "emulator/aad/directory/directory.h"
#include "emulator/aad/directory/principal_lookup.h"
#include "emulator/aad/graph/graph.h"
#include "emulator/aad/keys/jws_validator.h"
#include "emulator/aad/keys/signing_keys.h"
#include "emulator/aad/seed.h"
#include "emulator/aad/token/token_service.h"
#include "emulator/core/store/database.h"

namespace emu::aad {

namespace {
// Signing keys published from the start: one active, one more so that clients see a key set
// (Entra ID publishes several keys at a time).
constexpr int kInitialSigningKeys = 2;
}  // namespace

// Members are destroyed bottom-up: the routers and validator before what they reference.
struct AadService::Impl {
  Impl(Clock& c, IdSource& i, std::string client_pem)
      : clock(c), ids(i), client_cert_pem(std::move(client_pem)) {}

  Clock& clock;
  IdSource& ids;
  std::string client_cert_pem;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<Directory> directory;
  std::unique_ptr<SigningKeySet> keys;
  std::unique_ptr<TokenValidator> validator;
  std::unique_ptr<PrincipalLookup> principals;
  http::Router token_router;
  http::Router graph_router;
  nlohmann::json last_seed = {{"tenants", nlohmann::json::array()}};
};

AadService::AadService() = default;
AadService::~AadService() = default;

Result<std::unique_ptr<AadService>> AadService::create(const ServiceContext& ctx) {
  std::unique_ptr<AadService> service(new AadService());
  service->impl_ = std::make_unique<Impl>(ctx.clock, ctx.ids, ctx.pki.client.cert_pem);
  Impl& m = *service->impl_;
  EMU_ASSIGN_OR_RETURN(m.db, ctx.state.open("aad"));
  auto directory = Directory::open(*m.db, ctx.clock, ctx.ids);
  if (!directory.ok()) return directory.status().with_context("aad directory");
  m.directory = std::move(directory).value();
  auto keys = SigningKeySet::open(*m.db, ctx.pki.dir, kInitialSigningKeys, ctx.clock);
  if (!keys.ok()) return keys.status().with_context("aad signing keys");
  m.keys = std::move(keys).value();
  m.validator = make_token_validator(*m.keys, ctx.clock);
  m.principals = make_principal_lookup(*m.directory);
  m.token_router = make_token_router(
      TokenServiceDeps{*m.directory, *m.keys, ctx.clock, ctx.ids, TokenLifetimes{}});
  GraphDeps graph{*m.directory, *m.validator, ctx.clock, ctx.ids};
  m.graph_router = make_graph_router(graph);
  return service;
}

const TokenValidator& AadService::validator() const { return *impl_->validator; }
const PrincipalLookup& AadService::principals() const { return *impl_->principals; }

Result<JoinedDevice> AadService::join_device(const DeviceJoinRequest& request) {
  Device d;
  std::string key = request.tenant;
  if (key.empty()) {  // the lab's only tenant
    const std::vector<Tenant> all = impl_->directory->tenants();
    if (all.size() != 1)
      return FailedPrecondition("tenant: the lab has " + std::to_string(all.size()) +
                                " tenants; name one");
    key = all.front().id;
  }
  EMU_ASSIGN_OR_RETURN(Tenant tenant, impl_->directory->find_tenant(key));
  std::string user_id;
  if (!request.user.empty()) {
    EMU_ASSIGN_OR_RETURN(User user, impl_->directory->find_user(tenant.id, request.user));
    user_id = user.id;
  }
  d.tenant_id = tenant.id;
  d.display_name = request.display_name;
  d.trust_type = request.trust_type;
  d.cert_der = request.cert_der;
  EMU_ASSIGN_OR_RETURN(Device created, impl_->directory->create_device(std::move(d)));
  return JoinedDevice{created.tenant_id, created.device_id, created.id, user_id};
}

std::vector<ListenerSpec> AadService::listeners() {
  return {
      {"aad", "login.microsoftonline.com", true, http::ClientCertMode::kNone, &impl_->token_router},
      {"graph", "graph.microsoft.com", true, http::ClientCertMode::kNone, &impl_->graph_router},
  };
}

void AadService::register_actions(ActionRegistry& registry) {
  register_aad_actions(registry,
                       ActionDeps{*impl_->directory, *impl_->keys, impl_->client_cert_pem});
}

Status AadService::reset() {
  impl_->last_seed = {{"tenants", nlohmann::json::array()}};
  return impl_->directory->clear();
}

Status AadService::seed(const nlohmann::json& lab) {
  Impl& m = *impl_;
  auto summary = seed_lab(lab, SeedDeps{*m.directory, m.clock, m.ids});
  if (!summary.ok()) return summary.status();
  m.last_seed = std::move(summary).value();
  return Status::Ok();
}

const nlohmann::json& AadService::last_seed() const { return impl_->last_seed; }

}  // namespace emu::aad
