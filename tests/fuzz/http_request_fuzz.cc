// Fuzz target: raw client bytes through the server's real request path, in process and without
// sockets — the RequestParser a connection runs (with a listener's Limits), then the pipeline
// (fault plan -> router -> handler), then the wire response — for every pipelined request in
// the input, as a keep-alive connection would. Refusals (4xx/505) must come from the parser, a
// handler's answer must serialise, and nothing may crash or hang.
#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/http/message.h"
#include "emulator/core/http/router.h"
#include "emulator/core/http/session_impl.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

namespace {

using namespace emu;
using namespace emu::http;

// Handlers in the shapes the parties use: ARM-like JSON PUT with path parameters, a form token
// request, a custom CCM verb, a catch-all path, query access, an echo.
Router make_router() {
  Router r({.case_insensitive = true, .not_found = nullptr});
  r.put("/subscriptions/{sub}/resourcegroups/{rg}", [](Request& req) {
    auto body = parse_json_body(req);
    if (!body.ok()) return text_response(400, body.status().message());
    nlohmann::json out = {
        {"id", "/subscriptions/" + req.param("sub") + "/resourceGroups/" + req.param("rg")},
        {"api", req.query_param_ci("api-version").value_or("")}};
    return json_response(201, out);
  });
  r.post("/{tenant}/oauth2/v2.0/token", [](Request& req) {
    std::string grant;
    for (const auto& [k, v] : parse_form(req.body))
      if (k == "grant_type") grant = v;
    if (grant.empty()) return text_response(400, "AADSTS900144");
    return json_response(200, {{"token_type", "Bearer"}, {"grant", grant}});
  });
  r.add("CCM_POST", "*", "/ccm_system/request",
        [](Request& req) { return text_response(200, "ccm:" + std::to_string(req.body.size())); });
  r.get("/CCM_Proxy_ServerAuth/{role}/{rest...}",
        [](Request& req) { return text_response(200, req.param("rest")); });
  r.get("/_cmgemu/health", [](Request&) { return json_response(200, {{"status", "ok"}}); });
  r.post("/echo", [](Request& req) { return text_response(200, req.body); });
  return r;
}

Limits fuzz_limits() {
  Limits l;  // the production limits, smaller so that inputs reach them
  l.header_limit = 2048;
  l.header_count_limit = 20;
  l.target_limit = 512;
  l.body_limit = 4096;
  return l;
}

// Writes `resp` as the session does (to_beast_response, then Beast's serializer).
std::string serialize(Response& resp, unsigned version, bool keep_alive, bool head) {
  internal::BeastResponse out;
  internal::to_beast_response(resp, version, keep_alive, head, "Sun, 06 Nov 1994 08:49:37 GMT",
                              out);
  std::ostringstream wire;
  wire << out;
  return wire.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Router router = make_router();
  static const Limits limits = fuzz_limits();
  // Fresh seams per input: deterministic, nothing carried over between inputs.
  VirtualClock clock(VirtualClock::Mode::kManual, TimePoint(std::chrono::seconds(1'700'000'000)));
  IdSource ids(1);
  Journal journal(16);
  FaultPlan faults(1);
  FaultRule busy;  // one fault rule so that the fault branch runs too
  busy.id = "busy";
  busy.path = "/echo";
  busy.status = 503;
  busy.count = 1;
  (void)faults.add(busy);
  const ServerDeps deps{clock, ids, journal, faults};

  boost::beast::flat_buffer buffer;
  auto in = buffer.prepare(size);
  if (size > 0) std::memcpy(in.data(), data, size);
  buffer.commit(size);
  for (int served = 0; served < 16; ++served) {  // pipelined requests, as one connection
    internal::RequestParser parser(limits);
    internal::RequestParser::Step step;
    do {
      step = parser.parse(buffer);
    } while (step == internal::RequestParser::Step::kHead);
    if (step == internal::RequestParser::Step::kNeedMore) break;  // the client would send more
    Request req;
    Response resp;
    bool keep_alive = false, head = false;
    if (step == internal::RequestParser::Step::kError) {
      const int status = parser.error_status();
      if (status < 400 || (status >= 500 && status != 505)) std::abort();
      resp = internal::refusal_response(status);
    } else {
      keep_alive = parser.message().keep_alive();
      head = parser.message().method() == boost::beast::http::verb::head;
      internal::to_request(std::move(parser.message()), req);
      req.listener = "arm";
      req.request_id = ids.guid();
      internal::PipelineStep next = internal::run_pipeline(deps, router, req);
      if (next.kind == internal::PipelineStep::Kind::kReset) break;
      resp = std::move(next.response);  // manual clock: never kDelay
    }
    const std::string wire =
        serialize(resp, parser.answer_version(), keep_alive && !resp.close, head);
    if (wire.compare(0, 5, "HTTP/") != 0) std::abort();
    if (step == internal::RequestParser::Step::kError || !keep_alive) break;
  }
  return 0;
}
