// Beast <-> emu::http conversions and the Date header (see session_impl.h).
#include "emulator/core/http/message.h"
#include "emulator/core/http/session_impl.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <chrono>
#include <cstdio>

namespace emu::http::internal {
namespace {

namespace bhttp = boost::beast::http;

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

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
  if (bhttp::int_to_status(static_cast<unsigned>(status)) == bhttp::status::unknown) {
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
