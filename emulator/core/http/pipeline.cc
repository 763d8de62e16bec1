// The request path without I/O (see session_impl.h): the request parser with the listener's
// limits, the fault -> router pipeline, Beast <-> emu::http conversions and the Date header.
#include "emulator/core/http/message.h"
#include "emulator/core/http/session_impl.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iterator>
#include <limits>

namespace emu::http::internal {
namespace {

namespace bhttp = boost::beast::http;

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

size_t field_count(const BeastRequest& msg) {
  return static_cast<size_t>(std::distance(msg.begin(), msg.end()));
}

// A head larger than header_limit whose request line is not even complete, and that starts
// like one ("TOKEN SP"), is refused for its target (414) rather than its head (431).
bool request_line_too_long(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  if (bytes.find('\n') != std::string_view::npos) return false;
  const size_t space = bytes.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  return std::all_of(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(space),
                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '_' || c == '-'; });
}

// Beast accepts only HTTP/1.0 and HTTP/1.1; a request line that ends in another well-formed
// version ("HTTP/2.0") is answered 505 (RFC 9110 §15.6.6), anything else malformed 400.
bool well_formed_other_version(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  std::string_view line(static_cast<const char*>(data.data()), data.size());
  const size_t eol = line.find("\r\n");
  if (eol == std::string_view::npos) return false;
  line = line.substr(0, eol);
  const size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view v = line.substr(space + 1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" && digit(v[5]) && v[6] == '.' && digit(v[7]);
}

}  // namespace

RequestParser::RequestParser(const Limits& limits) : limits_(limits) {
  parser_.header_limit(static_cast<uint32_t>(
      std::min<size_t>(limits.header_limit, std::numeric_limits<uint32_t>::max())));
  parser_.body_limit(static_cast<uint64_t>(limits.body_limit));
}

RequestParser::Step RequestParser::fail(int status) {
  error_status_ = status;
  return Step::kError;
}

RequestParser::Step RequestParser::check_head() {
  const BeastRequest& msg = parser_.get();
  if (msg.target().size() > limits_.target_limit) return fail(414);
  if (field_count(msg) > limits_.header_count_limit) return fail(431);
  return Step::kHead;
}

RequestParser::Step RequestParser::parse(boost::beast::flat_buffer& buffer) {
  namespace bhttp = boost::beast::http;
  if (error_status_ != 0) return Step::kError;
  for (;;) {
    if (parser_.is_header_done() && !head_reported_) {
      head_reported_ = true;
      if (check_head() == Step::kError) return Step::kError;
      parser_.eager(true);
      if (!parser_.is_done()) return Step::kHead;
    }
    if (parser_.is_done()) {
      // Trailer fields of a chunked body join the head's fields.
      if (field_count(parser_.get()) > limits_.header_count_limit) return fail(431);
      return Step::kDone;
    }
    if (buffer.size() == 0) return Step::kNeedMore;
    boost::beast::error_code ec;
    const size_t used = parser_.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == bhttp::error::need_more || (!ec && used == 0)) {
      if (used == 0) return Step::kNeedMore;
      continue;
    }
    if (ec == bhttp::error::header_limit) return fail(request_line_too_long(buffer) ? 414 : 431);
    if (ec == bhttp::error::body_limit) return fail(413);
    if (ec == bhttp::error::bad_version) return fail(well_formed_other_version(buffer) ? 505 : 400);
    if (ec) return fail(400);
  }
}

unsigned RequestParser::answer_version() const {
  return parser_.is_header_done() && parser_.get().version() == 10 ? 10 : 11;
}

void record_exchange(Journal& journal, TimePoint received, Request& req, int status,
                     Headers response_headers, size_t response_bytes, const std::string& fault_id) {
  JournalEntry e;
  e.time = received;
  e.listener = std::move(req.listener);
  e.method = std::move(req.method);
  e.target = std::move(req.target);
  e.host = std::move(req.host);
  e.request_id = std::move(req.request_id);
  e.status = status;
  e.request_headers = std::move(req.headers);
  e.request_body = std::move(req.body);
  e.response_headers = std::move(response_headers);
  e.response_bytes = response_bytes;
  e.fault_id = fault_id;
  try {
    journal.record(std::move(e));
  } catch (const std::exception&) {
    // Journal failure (allocation) must not fail the request.
  }
}

Response refusal_response(int status) {
  Response resp = text_response(status, std::string(reason_phrase(status)) + "\n");
  resp.close = true;
  return resp;
}

Response route(const Router& router, Request& req) {
  try {
    return router.dispatch(req);
  } catch (...) {  // the router catches handler exceptions; this is a second line
    return text_response(500, "Internal Server Error\n");
  }
}

PipelineStep run_pipeline(const ServerDeps& deps, const Router& router, Request& req) {
  PipelineStep step;
  std::optional<FaultDecision> fault;
  try {
    fault = deps.faults.apply(req.listener, req.method, req.path);
  } catch (const std::exception&) {
    fault.reset();  // a broken fault plan must not take the connection down
  }
  if (!fault) {
    step.response = route(router, req);
    return step;
  }
  step.fault_id = fault->rule_id;
  switch (fault->effect) {
    case FaultRule::Effect::kStatus:
    case FaultRule::Effect::kThrottle:
      step.response = std::move(fault->response);
      return step;
    case FaultRule::Effect::kReset:
      step.kind = PipelineStep::Kind::kReset;
      return step;
    case FaultRule::Effect::kDelay:
      if (!deps.clock.realtime()) {
        deps.clock.advance(fault->delay);
        step.response = route(router, req);
        return step;
      }
      step.kind = PipelineStep::Kind::kDelay;
      step.delay = fault->delay;
      return step;
  }
  step.response = route(router, req);
  return step;
}

std::string format_http_date(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<Duration> hms{floor<seconds>(t) - day};
  const weekday wd{day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[wd.c_encoding()],
                unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1], int(ymd.year()),
                int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

const std::string& ServerCore::http_date() {
  const int64_t second = unix_seconds(deps.clock.now());
  if (second != date_second) {
    date_text = format_http_date(TimePoint(std::chrono::seconds(second)));
    date_second = second;
  }
  return date_text;
}

std::string host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {  // IPv6 literal: "[::1]:8443"
    size_t close = host.find(']');
    host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':');
             colon != std::string_view::npos && host.find(':') == colon) {
    host = host.substr(0, colon);  // exactly one ':' is a port separator
  }
  return to_lower(host);
}

void to_request(BeastRequest&& msg, Request& out) {
  out.method.assign(msg.method_string().data(), msg.method_string().size());
  out.target.assign(msg.target().data(), msg.target().size());
  const size_t q = out.target.find('?');
  if (q == std::string::npos) {
    out.path = out.target;
    out.query_string.clear();
    out.query.clear();
  } else {
    out.path.assign(out.target, 0, q);
    out.query_string.assign(out.target, q + 1);
    out.query = parse_form(out.query_string);
  }
  for (const auto& field : msg) {
    out.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  auto host = msg.find(bhttp::field::host);
  if (host != msg.end()) out.host = host_without_port(host->value());
  out.body = std::move(msg.body());
}

void to_beast_response(Response& resp, unsigned version, bool keep_alive, bool head,
                       const std::string& date, BeastResponse& out) {
  int status = resp.status;
  if (status < 100 || status > 999) status = 500;
  out.version(version);
  out.result(static_cast<unsigned>(status));
  if (std::string custom = resp.reason.empty() ? std::string() : sanitize_reason(resp.reason);
      !custom.empty()) {
    out.reason(custom);
  } else if (bhttp::int_to_status(static_cast<unsigned>(status)) == bhttp::status::unknown) {
    out.reason(reason_phrase(status));
  }
  for (const auto& [name, value] : resp.headers.items()) out.insert(name, value);
  if (out.find(bhttp::field::server) == out.end()) out.set(bhttp::field::server, "cmgemu");
  if (out.find(bhttp::field::date) == out.end()) out.set(bhttp::field::date, date);
  out.erase(bhttp::field::transfer_encoding);  // we always send a length
  const bool no_body = status < 200 || status == 204 || status == 304;
  if (no_body) {
    out.erase(bhttp::field::content_length);
  } else if (head) {
    if (out.find(bhttp::field::content_length) == out.end()) {
      out.content_length(resp.body.size());
    }
  } else {
    out.content_length(resp.body.size());
  }
  if (!no_body && !head) out.body() = std::move(resp.body);
  out.keep_alive(keep_alive);
}

}  // namespace emu::http::internal
