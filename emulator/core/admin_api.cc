#include "emulator/core/admin_api.h"

#include <charconv>
#include <memory>

namespace emu {
namespace {

using nlohmann::json;

http::Response admin_error(int status, std::string_view code, std::string message) {
  return http::json_response(status,
                             {{"error", {{"code", code}, {"message", std::move(message)}}}});
}

http::Response bad_request(const Status& s) { return admin_error(400, "BadRequest", s.message()); }

json clock_json(const Clock& clock) {
  auto now = clock.now();
  return {{"now", format_iso8601(now)},
          {"unix", unix_seconds(now)},
          {"mode", clock.realtime() ? "realtime" : "manual"}};
}

// A value from the JSON body's `key`, or from the query parameter of the same name.
Result<std::string> body_or_query(const http::Request& req, const std::string& key) {
  if (auto q = req.query_param(key)) return *q;
  if (req.body.empty()) return InvalidArgument("missing '" + key + "' (JSON body or query)");
  EMU_ASSIGN_OR_RETURN(json body, http::parse_json_body(req));
  if (!body.is_object() || !body.contains(key) || !body[key].is_string())
    return InvalidArgument("body must be an object with string '" + key + "'");
  return body[key].get<std::string>();
}

bool parse_u64(const std::string& s, uint64_t& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Result<JournalQuery> journal_query(const http::Request& req) {
  JournalQuery q;
  q.listener = req.query_param("listener").value_or("");
  q.method = req.query_param("method").value_or("");
  q.path = req.query_param("path").value_or("");
  uint64_t n = 0;
  if (auto s = req.query_param("status")) {
    if (!parse_u64(*s, n) || n > 999) return InvalidArgument("status must be an HTTP status code");
    q.status = static_cast<int>(n);
  }
  if (auto s = req.query_param("after")) {
    if (!parse_u64(*s, n)) return InvalidArgument("after must be a sequence number");
    q.after_seq = n;
  }
  if (auto s = req.query_param("limit")) {
    if (!parse_u64(*s, n)) return InvalidArgument("limit must be a non-negative integer");
    q.limit = static_cast<size_t>(n);
  }
  return q;
}

}  // namespace

http::Router make_admin_router(AdminDeps deps_in) {
  auto deps = std::make_shared<AdminDeps>(std::move(deps_in));
  http::Router::Options options;
  options.not_found = [](http::Request& req, bool path_matched) {
    if (path_matched)
      return admin_error(405, "MethodNotAllowed", req.method + " is not allowed here");
    return admin_error(404, "NotFound", "no admin route " + req.path);
  };
  http::Router r(options);
  const std::string p(kAdminPrefix);

  r.get(p + "/health", [deps](http::Request&) {
    return http::json_response(200, {{"status", "ok"},
                                     {"version", deps->version},
                                     {"time", format_iso8601(deps->clock.now())},
                                     {"clock", deps->clock.realtime() ? "realtime" : "manual"}});
  });
  r.get(p + "/endpoints", [deps](http::Request&) {
    return http::json_response(200, deps->endpoints ? deps->endpoints() : json::object());
  });
  r.get(p + "/journal", [deps](http::Request& req) {
    auto q = journal_query(req);
    if (!q.ok()) return bad_request(q.status());
    json entries = json::array();
    for (const auto& e : deps->journal.query(*q)) entries.push_back(to_json(e));
    return http::json_response(200, {{"total_recorded", deps->journal.total_recorded()},
                                     {"capacity", deps->journal.capacity()},
                                     {"entries", std::move(entries)}});
  });
  r.get(p + "/clock",
        [deps](http::Request&) { return http::json_response(200, clock_json(deps->clock)); });
  r.post(p + "/clock/advance", [deps](http::Request& req) {
    auto by = body_or_query(req, "by");
    if (!by.ok()) return bad_request(by.status());
    auto d = parse_duration(*by);
    if (!d.ok()) return bad_request(d.status());
    if (d->count() < 0) return bad_request(InvalidArgument("the clock only moves forward"));
    deps->clock.advance(*d);
    return http::json_response(200, clock_json(deps->clock));
  });
  r.post(p + "/clock/set", [deps](http::Request& req) {
    auto to = body_or_query(req, "to");
    if (!to.ok()) return bad_request(to.status());
    auto t = parse_iso8601(*to);
    if (!t.ok()) return bad_request(t.status());
    deps->clock.set(*t);
    return http::json_response(200, clock_json(deps->clock));
  });
  r.get(p + "/faults", [deps](http::Request&) {
    return http::json_response(200, {{"rules", deps->faults.to_json()}});
  });
  r.post(p + "/faults", [deps](http::Request& req) {
    auto body = http::parse_json_body(req);
    if (!body.ok()) return bad_request(body.status());
    auto id = deps->faults.add_json(*body);
    if (!id.ok()) return bad_request(id.status());
    return http::json_response(201, {{"id", *id}});
  });
  r.del(p + "/faults", [deps](http::Request&) {
    deps->faults.clear();
    http::Response res;
    res.status = 204;
    return res;
  });
  r.del(p + "/faults/{id}", [deps](http::Request& req) {
    if (!deps->faults.remove(req.param("id")))
      return admin_error(404, "NotFound", "no fault rule '" + req.param("id") + "'");
    http::Response res;
    res.status = 204;
    return res;
  });
  r.post(p + "/actions/{name}", [deps](http::Request& req) {
    json args = json::object();
    if (!req.body.empty()) {
      auto body = http::parse_json_body(req);
      if (!body.ok()) return bad_request(body.status());
      if (!body->is_object())
        return bad_request(InvalidArgument("the body must be an object of args"));
      args = std::move(body).value();
    }
    if (!deps->run_action) return admin_error(501, "NotImplemented", "actions are not available");
    auto outcome = deps->run_action(req.param("name"), args);
    if (!outcome.ok()) {
      switch (outcome.status().code()) {
        case StatusCode::kNotFound:
          return admin_error(404, "NotFound", outcome.status().message());
        case StatusCode::kInvalidArgument:
          return bad_request(outcome.status());
        case StatusCode::kUnimplemented:
          return admin_error(501, "NotImplemented", outcome.status().message());
        default:
          return admin_error(500, "InternalError", outcome.status().message());
      }
    }
    bool passed = outcome->kind == ActionOutcome::Kind::kPassed;
    return http::json_response(passed ? 200 : 409, {{"status", passed ? "passed" : "failed"},
                                                    {"message", outcome->message},
                                                    {"output", outcome->output},
                                                    {"details", outcome->details}});
  });
  r.post(p + "/reset", [deps](http::Request&) {
    Status s = deps->reset ? deps->reset() : Status::Ok();
    if (!s.ok()) return admin_error(500, "InternalError", s.message());
    return http::json_response(200, {{"status", "reset"}});
  });
  return r;
}

}  // namespace emu
