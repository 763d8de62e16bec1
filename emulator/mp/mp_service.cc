// PLACEHOLDER (issue 12 skeleton): replaced by the management point implementation.
#include "emulator/mp/mp_service.h"

namespace emu::mp {

struct MpService::Impl {
  http::Router router;
};

MpService::MpService() = default;
MpService::~MpService() = default;

Result<std::unique_ptr<MpService>> MpService::create(const ServiceContext& ctx, MpDeps deps) {
  (void)ctx;
  (void)deps;
  std::unique_ptr<MpService> s(new MpService());
  s->impl_ = std::make_unique<Impl>();
  return s;
}
std::vector<ListenerSpec> MpService::listeners() {
  return {{"mp", "mp.intranet", false, http::ClientCertMode::kNone, &impl_->router}};
}
void MpService::register_actions(ActionRegistry& registry) { (void)registry; }
Status MpService::reset() { return Status::Ok(); }
Status MpService::seed(const nlohmann::json& lab) {
  (void)lab;
  return Status::Ok();
}
void declare_mp_actions(ActionRegistry& registry) { (void)registry; }

}  // namespace emu::mp
