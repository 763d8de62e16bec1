#include "emulator/core/admin_api.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

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

struct JournalRequest {
  JournalQuery query;
  size_t page_size = kJournalPageEntries;
};

Result<JournalRequest> journal_request(const http::Request& req) {
  JournalRequest out;
  JournalQuery& q = out.query;
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
  if (auto s = req.query_param("until")) {
    if (!parse_u64(*s, n)) return InvalidArgument("until must be a sequence number");
    q.until_seq = n;
  }
  if (auto s = req.query_param("limit")) {
    if (!parse_u64(*s, n)) return InvalidArgument("limit must be a non-negative integer");
    q.limit = static_cast<size_t>(n);
  }
  if (auto s = req.query_param("page_size")) {
    if (!parse_u64(*s, n) || n < 1 || n > kJournalPageEntries)
      return InvalidArgument("page_size must be between 1 and " +
                             std::to_string(kJournalPageEntries));
    out.page_size = static_cast<size_t>(n);
  }
  return out;
}

// The target of the page after the one that ended at `last`: the caller's filters, `after`
// moved on and, for a `limit` selection, `until` fixed at the newest seq it could include.
std::string next_page(const http::Request& req, const JournalRequest& r, uint64_t last,
                      uint64_t last_seq) {
  std::string target = std::string(kAdminPrefix) + "/journal?";
  for (const char* key : {"listener", "method", "path", "status", "page_size"}) {
    if (auto v = req.query_param(key))
      target += std::string(key) + "=" + http::url_encode(*v) + "&";
  }
  target += "after=" + std::to_string(last);
  uint64_t until = r.query.until_seq;
  if (r.query.limit != 0) until = until == 0 ? last_seq : std::min(until, last_seq);
  if (until != 0) target += "&until=" + std::to_string(until);
  return target;
}

http::Response journal_page(const Journal& journal, const http::Request& req) {
  auto r = journal_request(req);
  if (!r.ok()) return bad_request(r.status());
  JournalPage page = journal.page(r->query, r->page_size, kJournalPageBytes);
  // Built as text, entry by entry, so the page is cut at kJournalPageBytes of output; the
  // keys are in the order json::dump() gives them (existing callers see the same bytes).
  std::string entries;
  uint64_t last = 0;
  bool more = page.more;
  for (const JournalEntry& e : page.entries) {
    std::string item = to_json(e).dump(-1, ' ', false, json::error_handler_t::replace);
    if (last != 0 && entries.size() + 1 + item.size() > kJournalPageBytes) {
      more = true;
      break;
    }
    if (last != 0) entries += ',';
    entries += item;
    last = e.seq;
  }
  http::Response res;
  res.headers.set("Content-Type", "application/json; charset=utf-8");
  res.body = "{\"capacity\":" + std::to_string(journal.capacity()) + ",\"entries\":[";
  res.body += entries;
  res.body += "]";
  if (more) res.body += ",\"next\":" + json(next_page(req, *r, last, page.last_seq)).dump();
  res.body += ",\"total_recorded\":" + std::to_string(page.last_seq) + "}";
  return res;
}

// The clock stays where format_iso8601 and parse_iso8601 agree (4-digit years), so a saved
// clock can always be read back.
TimePoint clock_min() { return parse_iso8601("0000-01-01T00:00:00Z").value(); }
TimePoint clock_max() { return parse_iso8601("9999-12-31T23:59:59Z").value(); }

// ---- access checks ----

struct HostPort {
  std::string name;  // lower case; IPv6 without brackets
  std::string port;  // digits, or "" when absent
};

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "name", "name:port", "[v6]" or "[v6]:port" (RFC 9110 §7.2 uri-host [":" port]).
std::optional<HostPort> parse_host_port(std::string_view v) {
  HostPort out;
  std::string_view rest;
  if (!v.empty() && v.front() == '[') {
    size_t close = v.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    out.name = to_lower(v.substr(1, close - 1));
    rest = v.substr(close + 1);
  } else {
    size_t colon = v.find(':');
    out.name = to_lower(v.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : v.substr(colon);
  }
  if (out.name.empty()) return std::nullopt;
  for (char c : out.name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == ':' || c == '_';
    if (!ok) return std::nullopt;
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || !all_digits(rest.substr(1))) return std::nullopt;
    out.port = std::string(rest.substr(1));
  }
  return out;
}

size_t header_count(const http::Headers& headers, std::string_view name) {
  return std::count_if(headers.items().begin(), headers.items().end(),
                       [&](const auto& item) { return iequals(item.first, name); });
}

bool is_write(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string media_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  return to_lower(media);
}

// The refusal for a request the admin API must not serve, or nullopt.
std::optional<http::Response> refuse(const AdminAccess& access, const http::Request& req) {
  // 1. Host.
  auto host_header = req.headers.get("Host");
  if (!host_header || header_count(req.headers, "Host") != 1)
    return admin_error(400, "BadRequest", "a request needs exactly one Host header");
  auto host = parse_host_port(*host_header);
  if (!host) return admin_error(400, "BadRequest", "invalid Host header");
  const bool known = host->name == "localhost" || host->name == "127.0.0.1" ||
                     host->name == "::1" ||
                     std::any_of(access.host_names.begin(), access.host_names.end(),
                                 [&](const std::string& n) { return iequals(n, host->name); });
  if (!known)
    return admin_error(421, "MisdirectedRequest",
                       "the admin API answers only for localhost, 127.0.0.1 and [::1]" +
                           std::string(access.host_names.empty() ? ""
                                                                 : " and its configured "
                                                                   "host names"));
  // 2. Origin.
  if (auto origin = req.headers.get("Origin")) {
    const std::string scheme = req.tls ? "https" : "http";
    const std::string default_port = req.tls ? "443" : "80";
    const std::string prefix = scheme + "://";
    std::optional<HostPort> from;
    if (header_count(req.headers, "Origin") == 1 && origin->size() > prefix.size() &&
        iequals(origin->substr(0, prefix.size()), prefix))
      from = parse_host_port(origin->substr(prefix.size()));
    auto port = [&](const HostPort& h) { return h.port.empty() ? default_port : h.port; };
    if (!from || from->name != host->name || port(*from) != port(*host))
      return admin_error(403, "Forbidden",
                         "cross-origin requests are refused (Origin " + std::string(*origin) + ")");
  }
  // 3. Bearer token.
  if (!access.token.empty()) {
    std::string_view auth = req.headers.get("Authorization").value_or("");
    constexpr std::string_view kBearer = "bearer ";
    const bool bearer = auth.size() > kBearer.size() && iequals(auth.substr(0, 7), kBearer);
    std::string_view presented = bearer ? auth.substr(kBearer.size()) : std::string_view();
    while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
    if (!bearer || header_count(req.headers, "Authorization") != 1 ||
        !constant_time_equals(presented, access.token)) {
      http::Response res = admin_error(
          401, "Unauthorized", "this lab's admin API needs \"Authorization: Bearer <token>\"");
      res.headers.set("WWW-Authenticate", bearer ? R"(Bearer realm="cmgemu", error="invalid_token")"
                                                 : R"(Bearer realm="cmgemu")");
      return res;
    }
  }
  // 4. JSON writes only.
  if (is_write(req.method)) {
    auto content_type = req.headers.get("Content-Type");
    if ((content_type || !req.body.empty()) &&
        media_type(content_type.value_or("")) != "application/json")
      return admin_error(415, "UnsupportedMediaType",
                         "admin requests with a body must be Content-Type: application/json");
  }
  return std::nullopt;
}

// A router whose every route (and not-found answer) first passes refuse().
class GuardedRouter {
 public:
  explicit GuardedRouter(AdminAccess access)
      : access_(std::make_shared<const AdminAccess>(std::move(access))), router_(options()) {}
  void get(std::string path, http::Handler h) { add("GET", std::move(path), std::move(h)); }
  void post(std::string path, http::Handler h) { add("POST", std::move(path), std::move(h)); }
  void del(std::string path, http::Handler h) { add("DELETE", std::move(path), std::move(h)); }
  http::Router take() { return std::move(router_); }

 private:
  http::Router::Options options() const {
    http::Router::Options o;
    o.not_found = [access = access_](http::Request& req, bool path_matched) {
      if (auto refused = refuse(*access, req)) return *refused;
      if (path_matched)
        return admin_error(405, "MethodNotAllowed", req.method + " is not allowed here");
      return admin_error(404, "NotFound", "no admin route " + req.path);
    };
    return o;
  }
  void add(std::string method, std::string path, http::Handler h) {
    router_.add(std::move(method), "*", std::move(path),
                [access = access_, h = std::move(h)](http::Request& req) {
                  if (auto refused = refuse(*access, req)) return *refused;
                  return h(req);
                });
  }

  std::shared_ptr<const AdminAccess> access_;
  http::Router router_;
};

}  // namespace

bool constant_time_equals(std::string_view a, std::string_view b) {
  const size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

http::Router make_admin_router(AdminDeps deps_in, AdminAccess access) {
  auto deps = std::make_shared<AdminDeps>(std::move(deps_in));
  GuardedRouter r(std::move(access));
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
  r.get(p + "/journal", [deps](http::Request& req) { return journal_page(deps->journal, req); });
  r.get(p + "/clock",
        [deps](http::Request&) { return http::json_response(200, clock_json(deps->clock)); });
  r.post(p + "/clock/advance", [deps](http::Request& req) {
    auto by = body_or_query(req, "by");
    if (!by.ok()) return bad_request(by.status());
    auto d = parse_duration(*by);
    if (!d.ok()) return bad_request(d.status());
    if (d->count() < 0) return bad_request(InvalidArgument("the clock only moves forward"));
    const TimePoint now = deps->clock.now();
    if (now > clock_max() || *d > clock_max() - now)
      return bad_request(InvalidArgument("the clock cannot pass " + format_iso8601(clock_max())));
    deps->clock.advance(*d);
    return http::json_response(200, clock_json(deps->clock));
  });
  r.post(p + "/clock/set", [deps](http::Request& req) {
    auto to = body_or_query(req, "to");
    if (!to.ok()) return bad_request(to.status());
    auto t = parse_iso8601(*to);
    if (!t.ok()) return bad_request(t.status());
    if (*t < clock_min() || *t > clock_max())
      return bad_request(InvalidArgument("the clock must stay between " +
                                         format_iso8601(clock_min()) + " and " +
                                         format_iso8601(clock_max())));
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
  return r.take();
}

}  // namespace emu
