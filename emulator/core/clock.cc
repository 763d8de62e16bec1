#include "emulator/core/clock.h"

#include "emulator/core/text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace emu {
namespace {

bool parse_int(std::string_view s, int& out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

VirtualClock::VirtualClock(Mode mode, TimePoint start)
    : mode_(mode), base_(start), steady_base_(std::chrono::steady_clock::now()) {}

TimePoint VirtualClock::now() const {
  std::lock_guard lock(mu_);
  if (mode_ == Mode::kManual) return base_;
  return base_ +
         std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - steady_base_);
}

void VirtualClock::advance(Duration d) {
  if (d.count() <= 0) return;
  {
    std::lock_guard lock(mu_);
    base_ += d;
  }
  if (observer_) observer_(now());
}

void VirtualClock::set(TimePoint t) {
  {
    std::lock_guard lock(mu_);
    base_ = t;
    steady_base_ = std::chrono::steady_clock::now();
  }
  if (observer_) observer_(now());
}

void VirtualClock::set_observer(Observer observer) { observer_ = std::move(observer); }

TimePoint system_now() {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

CivilTime civil_time(TimePoint at, int bias_minutes) {
  using namespace std::chrono;
  const auto local = floor<milliseconds>(at - minutes(bias_minutes));
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{local - day};
  return {int(ymd.year()),
          unsigned(ymd.month()),
          unsigned(ymd.day()),
          long(hms.hours().count()),
          long(hms.minutes().count()),
          long(hms.seconds().count()),
          long(hms.subseconds().count())};
}

std::string format_iso8601(TimePoint t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<Duration> hms{t - day};
  char buf[64];
  auto ms = duration_cast<milliseconds>(hms.subseconds()).count();
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                  long(hms.minutes().count()), static_cast<long long>(hms.seconds().count()),
                  static_cast<long long>(ms));
  }
  return buf;
}

Result<TimePoint> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] {
    return InvalidArgument("not an ISO 8601 UTC time: '" + std::string(text) + "'");
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return bad();
  int y, mo, d, h, mi, s;
  if (!parse_int(text.substr(0, 4), y) || !parse_int(text.substr(5, 2), mo) ||
      !parse_int(text.substr(8, 2), d) || !parse_int(text.substr(11, 2), h) ||
      !parse_int(text.substr(14, 2), mi) || !parse_int(text.substr(17, 2), s))
    return bad();
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return bad();
  size_t pos = 19;
  Duration frac{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100000, us = 0;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (scale > 0) us += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return bad();
    frac = Duration(us);
  }
  Duration offset{0};
  std::string_view rest = text.substr(pos);
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh, om;
    if (!parse_int(rest.substr(1, 2), oh) || !parse_int(rest.substr(4, 2), om)) return bad();
    offset = duration_cast<Duration>(hours(oh) + minutes(om));
    if (rest[0] == '-') offset = -offset;
  } else {
    return bad();
  }
  return TimePoint(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) + frac - offset;
}

Result<Duration> parse_duration(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] {
    return InvalidArgument("not a duration: '" + std::string(text) +
                           "' (use ISO 8601 like PT12M, or 90s, 12m, 2h, 3d, 250ms)");
  };
  if (text.empty()) return bad();
  // A Duration holds int64 microseconds; a larger value has no Duration (and casting it
  // would be undefined behaviour).
  auto micros = [&](double us) -> Result<Duration> {
    if (!std::isfinite(us) || std::fabs(us) >= 9.2e18)
      return InvalidArgument("duration out of range: '" + std::string(text) + "'");
    return Duration(static_cast<int64_t>(us));
  };
  // Reads a decimal number at `p`; returns microseconds-scaled value via unit multiplier.
  auto read_number = [&](size_t& p, double& out) {
    size_t start = p;
    while (p < text.size() && ((text[p] >= '0' && text[p] <= '9') || text[p] == '.')) ++p;
    if (p == start) return false;
    std::string num(text.substr(start, p - start));
    char* end = nullptr;
    out = std::strtod(num.c_str(), &end);
    return end && *end == '\0';
  };
  if (text[0] == 'P' || text[0] == 'p') {
    double total_us = 0;
    bool in_time = false, any = false;
    size_t p = 1;
    while (p < text.size()) {
      if (text[p] == 'T' || text[p] == 't') {
        in_time = true;
        ++p;
        continue;
      }
      double v;
      if (!read_number(p, v) || p >= text.size()) return bad();
      char unit = ascii_upper(text[p++]);
      double mult;
      if (!in_time && unit == 'D')
        mult = 86400e6;
      else if (!in_time && unit == 'W')
        mult = 7 * 86400e6;
      else if (in_time && unit == 'H')
        mult = 3600e6;
      else if (in_time && unit == 'M')
        mult = 60e6;
      else if (in_time && unit == 'S')
        mult = 1e6;
      else
        return bad();
      total_us += v * mult;
      any = true;
    }
    if (!any) return bad();
    return micros(total_us);
  }
  size_t p = 0;
  double v;
  if (!read_number(p, v)) return bad();
  std::string_view unit = text.substr(p);
  double mult;
  if (unit == "ms")
    mult = 1e3;
  else if (unit == "s" || unit.empty())
    mult = 1e6;
  else if (unit == "m" || unit == "min")
    mult = 60e6;
  else if (unit == "h")
    mult = 3600e6;
  else if (unit == "d")
    mult = 86400e6;
  else
    return bad();
  return micros(v * mult);
}

}  // namespace emu
