// PLACEHOLDER (issue 12 skeleton): replaced by the CMG service implementation.
#include "emulator/cmg/cmg_service.h"

namespace emu::cmg {

struct CmgService::Impl {};

CmgService::CmgService() = default;
CmgService::~CmgService() = default;

Result<std::unique_ptr<CmgService>> CmgService::create(const ServiceContext& ctx, CmgDeps deps) {
  (void)ctx;
  (void)deps;
  std::unique_ptr<CmgService> s(new CmgService());
  s->impl_ = std::make_unique<Impl>();
  return s;
}
void CmgService::register_actions(ActionRegistry& registry) { (void)registry; }
Status CmgService::reset() { return Status::Ok(); }
Status CmgService::deployment_ready(const Deployment& d) {
  (void)d;
  return Unimplemented("cmg");
}
void CmgService::deployment_down(const std::string& service_name) { (void)service_name; }
Status CmgService::connect(const std::string& s, const std::string& cp, Channel* c) {
  (void)s, (void)cp, (void)c;
  return Unimplemented("cmg");
}
void CmgService::disconnect(const std::string& s, const std::string& cp) { (void)s, (void)cp; }
Status CmgService::publish(const std::string& s, const Publication& p) {
  (void)s, (void)p;
  return Unimplemented("cmg");
}
void declare_cmg_actions(ActionRegistry& registry) { (void)registry; }

}  // namespace emu::cmg
