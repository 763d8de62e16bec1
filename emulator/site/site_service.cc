#include "emulator/site/site_service.h"

#include "certs/pki.h"
#include "emulator/site/internal.h"

#include <filesystem>

namespace emu::site {

using nlohmann::json;

namespace internal {

Status SiteState::load_signers(const std::string& site_code) {
  const TimePoint now = clock.now();
  EMU_ASSIGN_OR_RETURN(token_signer,
                       SiteSigningCert::ensure(pki_dir, site_code, "token-signing", now));
  EMU_ASSIGN_OR_RETURN(site_signer,
                       SiteSigningCert::ensure(pki_dir, site_code, "site-signing", now));
  for (const auto& [type, signer] :
       {std::pair{"TokenSigning", token_signer}, std::pair{"SiteSigning", site_signer}}) {
    sitedb::SiteCertificate c;
    c.thumbprint = signer->thumbprint();
    c.type = type;
    c.subject = signer->subject();
    c.issuer = signer->subject();
    c.valid_from = format_iso8601(signer->not_before());
    c.valid_to = format_iso8601(signer->not_after());
    c.certificate_pem = signer->cert_pem();
    EMU_RETURN_IF_ERROR(db->put_certificate(c));
  }
  return Status::Ok();
}

}  // namespace internal

struct SiteService::Impl {
  internal::SiteState s;
};

SiteService::SiteService() = default;
SiteService::~SiteService() = default;

Result<std::unique_ptr<SiteService>> SiteService::create(const ServiceContext& ctx, DnsZone& dns,
                                                         cmg::CmgControl* cmg) {
  std::unique_ptr<SiteService> service(new SiteService());
  service->impl_.reset(new Impl{internal::SiteState{
      ctx.clock, ctx.ids, ctx.state, ctx.pki.dir, dns, SiteConfig{}, nullptr, nullptr, nullptr,
      nullptr, nullptr, nullptr, nullptr, &ctx.pki, ConnectionPoints{}, nullptr}});
  internal::SiteState& s = service->impl_->s;
  s.cmg = cmg;
  s.intranet = ctx.intranet;
  TraceLogs::Options log_options;
  // The site server's Logs folder (real: <ConfigMgr install>\Logs).
  if (!ctx.logs_dir.empty()) log_options.dir = ctx.logs_dir + "/site";
  log_options.bias_minutes = s.config.bias_minutes;
  s.logs = std::make_unique<TraceLogs>(ctx.clock, log_options);
  s.uploads = std::make_unique<UploadedCertificates>(ctx.state.persistent() ? ctx.state.dir() : "");
  if (ctx.state.persistent()) {
    // A state folder holds at most one site database: CM_<code>.db.
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(ctx.state.dir(), ec)) {
      const std::string file = entry.path().filename().string();
      if (file.size() == 9 && file.rfind("CM_", 0) == 0 && file.substr(6) == ".db") {
        EMU_ASSIGN_OR_RETURN(s.db, sitedb::SiteDb::open(ctx.state, file.substr(3, 3)));
        if (s.db->site().ok()) EMU_RETURN_IF_ERROR(s.load_signers(file.substr(3, 3)));
        // A resumed lab: every Ready CMG answers again and its connection points reconnect.
        internal::reconcile_cmg(s);
        break;
      }
    }
  }
  return service;
}

void SiteService::register_actions(ActionRegistry& registry) {
  internal::register_site_actions(impl_->s, registry);
}

Status SiteService::reset() {
  internal::SiteState& s = impl_->s;
  s.logs->clear();
  s.last_seed = nullptr;
  s.cmg_links.clear();  // the CMG service resets itself (its listeners close)
  s.uploads->clear();
  if (s.db) EMU_RETURN_IF_ERROR(s.db->clear());
  return Status::Ok();
}

Status SiteService::seed(const nlohmann::json& lab) {
  if (!lab.is_object() || !lab.contains("site")) return Status::Ok();
  json summary;
  EMU_RETURN_IF_ERROR(internal::seed_site(impl_->s, lab["site"], summary));
  impl_->s.last_seed = std::move(summary);
  internal::reconcile_cmg(impl_->s);
  return Status::Ok();
}

const nlohmann::json& SiteService::last_seed() const { return impl_->s.last_seed; }

sitedb::SiteDb* SiteService::database() { return impl_->s.db.get(); }

Result<std::shared_ptr<const SiteSigningCert>> SiteService::token_signer() {
  internal::SiteState& s = impl_->s;
  if (!s.db) return FailedPrecondition("the site is not seeded");
  if (!s.token_signer) {
    EMU_ASSIGN_OR_RETURN(sitedb::Site site, s.db->site());
    EMU_RETURN_IF_ERROR(s.load_signers(site.code));
  }
  return s.token_signer;
}

}  // namespace emu::site
