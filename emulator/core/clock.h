// Virtual time. Every timestamp the emulator issues (tokens, journal, certificates, LRO progress)
// comes from a Clock injected at construction; nothing reads the system clock directly.
#pragma once

#include "emulator/core/status.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace emu {

using Duration = std::chrono::microseconds;
using TimePoint = std::chrono::sys_time<Duration>;

// Thread-safe: all methods may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Moves virtual time forward by `d` (d >= 0; negative values are ignored).
  virtual void advance(Duration d) = 0;
  // Jumps virtual time to `t` (may move backwards; callers decide whether that is sensible).
  virtual void set(TimePoint t) = 0;
  // True when virtual time also flows with the real steady clock.
  virtual bool realtime() const = 0;
};

// The emulator's clock. In manual mode time moves only through advance()/set(), so a scenario
// is deterministic. In real-time mode it flows with std::chrono::steady_clock from `start`,
// plus every advance() (so `serve` can still fast-forward long operations).
class VirtualClock final : public Clock {
 public:
  enum class Mode { kManual, kRealtime };
  // Called after every advance() that moved the clock and every set(), on the caller's thread
  // and before that call returns, with the time just reached. It runs outside the clock's lock
  // (it may call now(); it must not call advance() or set()); calls from several threads may
  // overlap, so an observer that stores the time re-reads now() under its own lock.
  using Observer = std::function<void(TimePoint)>;

  VirtualClock(Mode mode, TimePoint start);

  TimePoint now() const override;
  void advance(Duration d) override;
  void set(TimePoint t) override;
  bool realtime() const override { return mode_ == Mode::kRealtime; }

  // Installs the observer (empty = none). Call it before the clock is shared between threads.
  void set_observer(Observer observer);

 private:
  const Mode mode_;
  mutable std::mutex mu_;
  TimePoint base_;                                     // guarded by mu_
  std::chrono::steady_clock::time_point steady_base_;  // guarded by mu_
  Observer observer_;                                  // set before sharing, then read-only
};

// Default start of a scenario's virtual time when it names none.
inline constexpr std::string_view kDefaultVirtualStart = "2026-01-01T00:00:00Z";

// Current real wall-clock time, for `serve` start-up only.
TimePoint system_now();

// Calendar fields of `at` in local time, where local = UTC - `bias_minutes` (the Windows bias
// convention; 0 = UTC), without locale or time-zone database; milliseconds truncated.
struct CivilTime {
  int year;
  unsigned month, day;
  long hour, minute, second, millisecond;
};
CivilTime civil_time(TimePoint at, int bias_minutes = 0);

// "2026-01-01T00:00:00Z" (whole seconds) or "2026-01-01T00:00:00.250Z" (with fraction, ms).
std::string format_iso8601(TimePoint t);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM)"; InvalidArgument otherwise.
Result<TimePoint> parse_iso8601(std::string_view text);
// Parses a duration: ISO 8601 ("PT12M", "P1DT2H", "PT1.5S") or a number with a unit
// ("90s", "12m", "2h", "3d", "250ms"). InvalidArgument otherwise.
Result<Duration> parse_duration(std::string_view text);
// Seconds since the Unix epoch (for JWT claims and the like).
inline int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace emu
