// Fuzz target: the OAuth parameter handling of the Entra ID token service
// (read_oauth_params: duplicates, field and size bounds) and, behind it, the real handlers:
// bytes → a request to the token router (v2/v1 token, devicecode, authorize GET/POST,
// deviceauth, openid-configuration) of a directory with one tenant, user and confidential
// app, signing with the fuzz key (generated per process) on a manual clock. Every reply must be a status below
// 500 (a client's mistake is never a server error), and nothing may throw or crash.
#include "emulator/aad/directory/directory.h"
#include "emulator/aad/seed.h"
#include "emulator/aad/token/token_service.h"
#include "emulator/core/http/message.h"
#include "tests/fuzz/fuzz_aad_keys.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace emu;

// Fixed identifiers so seeds can name them.
constexpr const char* kAppId = "11111111-2222-3333-4444-555555555555";
constexpr const char* kSecret = "fuzz-secret";

struct Env {
  VirtualClock clock{VirtualClock::Mode::kManual, parse_iso8601(fuzz::kFuzzNow).value()};
  IdSource ids{42};
  std::unique_ptr<store::Database> db = fuzz::open_fuzz_db();
  std::unique_ptr<aad::Directory> dir;
  std::unique_ptr<aad::SigningKeySet> keys;
  std::unique_ptr<http::Router> router;

  Env() {
    auto d = aad::Directory::open(*db, clock, ids);
    if (!d.ok()) std::abort();
    dir = std::move(d).value();
    keys = fuzz::open_fuzz_keys(*db, clock);
    aad::Tenant t;
    t.id = fuzz::kFuzzTenant;
    t.domain = "contoso.onmicrosoft.com";
    t.display_name = "Contoso";
    auto tenant = dir->create_tenant(t);
    if (!tenant.ok()) std::abort();
    aad::User u;
    u.tenant_id = tenant->id;
    u.upn = "alice@contoso.onmicrosoft.com";
    u.display_name = "Alice";
    u.password = "P@ssw0rd!";
    if (!dir->create_user(u).ok()) std::abort();
    aad::Application a;
    a.tenant_id = tenant->id;
    a.app_id = kAppId;
    a.display_name = "Fuzz App";
    a.identifier_uris = {"api://fuzz"};
    a.web_redirect_uris = {"https://app.contoso.test/callback"};
    a.is_fallback_public_client = true;
    a.password_credentials = {aad::make_password_credential(
        kSecret, "main", clock.now(), clock.now() + std::chrono::hours(24), ids)};
    auto app = dir->create_application(a);
    if (!app.ok()) std::abort();
    aad::ServicePrincipal sp;
    sp.app_id = app->app_id;
    sp.tenant_id = tenant->id;
    sp.display_name = app->display_name;
    if (!dir->create_service_principal(sp).ok()) std::abort();
    router = std::make_unique<http::Router>(aad::make_token_router(
        aad::TokenServiceDeps{*dir, *keys, clock, ids, aad::TokenLifetimes{}}));
  }
};

struct Target {
  const char* method;
  const char* path;
};
constexpr Target kTargets[] = {
    {"POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token"},
    {"POST", "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token"},
    {"POST", "/organizations/oauth2/v2.0/devicecode"},
    {"GET", "/contoso.onmicrosoft.com/oauth2/v2.0/authorize"},
    {"POST", "/contoso.onmicrosoft.com/oauth2/v2.0/authorize"},
    {"GET", "/common/oauth2/deviceauth"},
    {"POST", "/common/oauth2/deviceauth"},
    {"GET", "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Rebuilt now and then so the directory (codes, refresh tokens) stays small in long runs.
  static std::unique_ptr<Env> env;
  static unsigned runs = 0;
  if (!env || ++runs % 5000 == 0) env = std::make_unique<Env>();
  if (size == 0) return 0;
  env->ids.reseed(42);  // the same input gives the same identifiers
  const Target& t = kTargets[data[0] % std::size(kTargets)];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  http::Request req;
  req.method = t.method;
  req.path = t.path;
  req.target = t.path;
  req.host = "login.microsoftonline.com";
  req.headers.set("Host", "login.microsoftonline.com");
  req.listener = "aad";
  req.request_id = "fuzz";
  if (req.method == "POST") {
    req.headers.set("Content-Type", "application/x-www-form-urlencoded");
    req.body = std::string(rest);
  } else {
    req.query_string = std::string(rest);
    req.query = http::parse_form(req.query_string);
    req.target += "?" + req.query_string;
  }
  http::Response r = env->router->dispatch(req);
  if (r.status < 200 || r.status >= 500) __builtin_trap();
  return 0;
}
