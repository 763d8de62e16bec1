// The ARM party: database, router, the request pipeline every route goes through, reset.
#include "emulator/arm/arm_service.h"

#include "emulator/aad/public/principals.h"
#include "emulator/aad/public/token_validator.h"
#include "emulator/arm/actions/actions.h"
#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/handlers/common.h"
#include "emulator/arm/seed.h"
#include "emulator/core/text.h"

#include <algorithm>
#include <unordered_map>

namespace emu::arm {

using nlohmann::json;
using namespace internal;

namespace {

// Audiences ARM accepts (its "allowed audiences" list in 401 replies; inferred), plus the ARM
// application's ID, which v2 tokens carry as aud.
const std::vector<std::string> kArmAudiences = {
    "https://management.core.windows.net/", "https://management.core.windows.net",
    "https://management.azure.com/",        "https://management.azure.com",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
};

// What ARM names in WWW-Authenticate (README Sources [S8]).
constexpr const char* kAuthority = "https://login.windows.net/";

// The token's audience as ARM's refusal names it: the aud string, or an array aud's values
// joined by ',' (inferred: no recorded ARM reply for an array aud).
std::string audience_text(const std::vector<std::string>& audiences) {
  std::string out;
  for (const std::string& a : audiences) out += (out.empty() ? "" : ",") + a;
  return out;
}

ArmError token_refusal(const aad::TokenCheck& check, TimePoint now) {
  switch (check.error) {
    case aad::TokenError::kMissing:
      return errors::authentication_missing(kAuthority);
    case aad::TokenError::kExpired:
      return errors::expired_token(kAuthority, arm_time(check.expires_at), arm_time(now));
    case aad::TokenError::kBadAudience:
      return errors::wrong_audience(kAuthority, audience_text(check.token_audiences));
    default:
      return errors::invalid_token(kAuthority, check.message);
  }
}

// Remaining-budget headers: a token bucket per kind on the virtual clock (2024 limits,
// README Sources [S3]: reads 250 refilling 25/s, writes 200 refilling 10/s).
struct Bucket {
  double capacity, refill_per_second, level;
  TimePoint last{};
  int64_t take(TimePoint now) {
    const double secs = std::chrono::duration<double>(now - last).count();
    if (secs > 0) level = std::min(capacity, level + secs * refill_per_second);
    last = now;
    level = std::max(0.0, level - 1);
    return static_cast<int64_t>(level);
  }
};

// Tokens that passed validation, so a client's repeated requests skip the RS256 verification.
// A hit still requires now within [nbf - skew, exp + skew]; otherwise the full validator runs
// (and answers ExpiredAuthenticationToken). Bounded: cleared when full. Tokens stay accepted
// until they expire even if their signing key is rolled out meanwhile (inferred: ARM caches
// validated tokens too).
class TokenCache {
 public:
  const aad::Principal* find(const std::string& authorization, TimePoint now) const {
    auto it = entries_.find(authorization);
    if (it == entries_.end()) return nullptr;
    const int64_t t = unix_seconds(now);
    const json& c = it->second.claims;
    if (!c.contains("exp") || !c["exp"].is_number() || t > c["exp"].get<int64_t>() + kSkew ||
        (c.contains("nbf") && c["nbf"].is_number() && t < c["nbf"].get<int64_t>() - kSkew))
      return nullptr;
    return &it->second;
  }
  void add(const std::string& authorization, const aad::Principal& p) {
    if (entries_.size() >= kCapacity) entries_.clear();
    entries_[authorization] = p;
  }
  void clear() { entries_.clear(); }

 private:
  static constexpr size_t kCapacity = 4096;
  static constexpr int64_t kSkew = 300;  // the validator's default skew (5 minutes)
  std::unordered_map<std::string, aad::Principal> entries_;
};

}  // namespace

struct ArmService::Impl {
  Clock& clock;
  IdSource& ids;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<ArmStore> store;
  std::unique_ptr<ArmEnv> env;
  http::Router router;
  json last_seed = {{"subscriptions", json::array()}};
  Bucket reads{250, 25, 250}, writes{200, 10, 200};
  TokenCache tokens;

  Impl(Clock& c, IdSource& i, ArmDeps deps)
      : clock(c), ids(i), router(router_options()), deps_(std::move(deps)) {}
  ArmDeps deps_;

  static http::Router::Options router_options() {
    http::Router::Options o;
    o.case_insensitive = true;
    o.not_found = [](http::Request& req, bool path_matched) {
      return error_reply(path_matched ? errors::method_not_allowed(req.method)
                                      : errors::path_not_found(req.path));
    };
    return o;
  }

  http::Response run(http::Request& req, const ArmHandler& handler, const RouteOptions& o) {
    Call call{req, *env, clock.now(), "", "", {}, {}};
    call.base_url = "https://" + req.headers.get_or("Host", req.host);
    // One transaction per request: one SQLite lock instead of one per statement.
    store::Transaction tx(*db);
    http::Response res = pipeline(call, handler, o);
    if (tx.begin_status().ok() && !tx.commit().ok()) (void)tx.rollback();
    res.headers.set("x-ms-request-id", req.request_id);
    std::string correlation = req.headers.get_or("x-ms-correlation-request-id", "");
    res.headers.set("x-ms-correlation-request-id",
                    correlation.empty() ? req.request_id : correlation);
    if (auto client = req.headers.get("x-ms-client-request-id"))
      res.headers.set("x-ms-client-request-id", std::string(*client));
    res.headers.set("x-ms-routing-request-id",
                    "JAPANEAST:" + format_iso8601(call.now) + ":" + req.request_id);
    res.headers.set("Cache-Control", "no-cache");
    res.headers.set("Pragma", "no-cache");
    res.headers.set("Expires", "-1");
    res.headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (req.method == "GET" || req.method == "HEAD") {
      res.headers.set("x-ms-ratelimit-remaining-subscription-reads",
                      std::to_string(reads.take(call.now)));
    } else {
      res.headers.set("x-ms-ratelimit-remaining-subscription-writes",
                      std::to_string(writes.take(call.now)));
    }
    if (req.method == "HEAD") res.body.clear();
    return res;
  }

  http::Response pipeline(Call& call, const ArmHandler& handler, const RouteOptions& o) {
    http::Request& req = call.req;
    if (o.api_version) {
      auto version = req.query_param_ci("api-version");
      if (!version || version->empty()) return error_reply(errors::missing_api_version());
      if (!well_formed_api_version(*version))
        return error_reply(errors::invalid_api_version(*version, {"2022-12-01", "2021-04-01"}));
      call.api_version = *version;
    }
    if (o.authenticate) {
      const std::string authorization = req.headers.get_or("Authorization", "");
      if (const aad::Principal* cached = tokens.find(authorization, call.now)) {
        call.principal = *cached;
      } else {
        aad::ValidationPolicy policy;
        policy.audiences = kArmAudiences;
        aad::TokenCheck check = env->deps.validator.validate_header(authorization, policy);
        if (!check.ok()) return error_reply(token_refusal(check, call.now));
        tokens.add(authorization, check.principal);
        call.principal = std::move(check.principal);
      }
    }
    if (Status s = env->store.settle(call.now); !s.ok())
      return error_reply(errors::internal_error(s));
    if (o.subscription) {
      const std::string id = req.param("subscriptionId");
      auto sub = env->store.find_subscription(id);
      if (!sub.ok()) return error_reply(errors::subscription_not_found(id));
      if (o.authenticate && !call.principal.tenant_id.empty() &&
          to_lower(call.principal.tenant_id) != to_lower(sub->tenant_id))
        return error_reply(errors::wrong_tenant(call.principal.issuer, sub->tenant_id));
      call.subscription = std::move(sub).value();
    }
    return handler(call);
  }
};

ArmService::ArmService() = default;
ArmService::~ArmService() = default;

Result<std::unique_ptr<ArmService>> ArmService::create(const ServiceContext& ctx, ArmDeps deps) {
  std::unique_ptr<ArmService> svc(new ArmService());
  svc->impl_ = std::make_unique<Impl>(ctx.clock, ctx.ids, std::move(deps));
  Impl& m = *svc->impl_;
  EMU_ASSIGN_OR_RETURN(m.db, ctx.state.open("arm"));
  EMU_ASSIGN_OR_RETURN(m.store, ArmStore::open(*m.db));
  m.env = std::make_unique<ArmEnv>(ArmEnv{*m.store, ctx.clock, ctx.ids, m.deps_});
  Wrap wrap = [&m](ArmHandler h, RouteOptions o) -> http::Handler {
    return [&m, h = std::move(h), o](http::Request& req) { return m.run(req, h, o); };
  };
  add_metadata_routes(m.router, wrap);
  add_subscription_routes(m.router, wrap);
  add_operation_routes(m.router, wrap);
  add_provider_routes(m.router, wrap);
  add_role_routes(m.router, wrap);
  add_deployment_routes(m.router, wrap);
  add_group_routes(m.router, wrap);
  add_resource_routes(m.router, wrap);
  return svc;
}

std::vector<ListenerSpec> ArmService::listeners() {
  return {{"arm", "management.azure.com", true, http::ClientCertMode::kNone, &impl_->router}};
}

Status ArmService::reset() {
  impl_->last_seed = {{"subscriptions", json::array()}};
  impl_->tokens.clear();
  return impl_->store->clear();
}

const json& ArmService::last_seed() const { return impl_->last_seed; }

Status ArmService::seed(const json& lab) {
  Impl& m = *impl_;
  EMU_ASSIGN_OR_RETURN(json summary,
                       seed_lab(lab, SeedDeps{*m.store, m.deps_.principals, m.ids, m.clock.now()}));
  m.last_seed = std::move(summary);
  return Status::Ok();
}

void ArmService::register_actions(ActionRegistry& registry) {
  register_arm_actions(registry, ActionDeps{*impl_->store});
}

}  // namespace emu::arm
