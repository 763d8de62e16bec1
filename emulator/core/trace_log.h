// Trace logs in the two CMTrace formats ConfigMgr writes (top-level README Sources [S1]):
// the legacy SMS format of site-server components (CloudMgr.log, SMS_AZUREAD_DISCOVERY_AGENT.log,
// SMS_CLOUD_PROXYCONNECTOR.log) and the CCM format of clients and MPs. Timestamps come from the
// injected (virtual) clock, so transcripts are deterministic.
#pragma once

#include "emulator/core/clock.h"
#include "emulator/core/status.h"

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace emu {

enum class TraceFormat {
  kSms,  // "{msg}~  $$<{component}><{MM-dd-yyyy HH:mm:ss.fff}{+bias}><thread={tid} (0x{TID})>"
  kCcm,  // "<![LOG[{msg}]LOG]!><time=\"HH:mm:ss.fff+bias\" date=\"MM-dd-yyyy\" component=..."
};

enum class TraceSeverity { kInfo = 1, kWarning = 2, kError = 3 };

struct TraceRecord {
  std::string component;
  std::string message;  // may contain "~~" (SMS embedded line breaks) or real newlines (CCM)
  TraceSeverity severity = TraceSeverity::kInfo;
  int thread = 0;    // decimal thread id written in the record
  std::string file;  // CCM only: "source.cpp:line" or ""
};

// One formatted record, without the trailing "\r\n". `bias_minutes` is the Windows bias
// (minutes to add to local time to get UTC; 0 for UTC, -540 for Japan); the written clock time
// is `at` - bias (local time), milliseconds truncated. The bias is written as a sign and
// decimal minutes, zero-padded [inferred: the rule that reproduces every example]:
//   SMS: at least 2 digits ("+00", "-60", "+420", "-540"; published site-server logs show
//        "+420", "-60", "+00"); CCM: at least 3 digits ("+000", "-060", "+420"; the smsts.log
//        excerpt of top-level README Sources [S1] shows "+420").
// SMS: real line breaks in the message ("\r\n" or "\n") are written as "~~", the format's
// embedded line break, so a record stays one line. CCM: the message is written as given.
// Thread id: decimal, and for SMS also "0x" + upper-case hex without padding (2868 -> 0xB34).
std::string format_trace(TraceFormat format, const TraceRecord& record, TimePoint at,
                         int bias_minutes);

// "CloudMgr.lo_" for "CloudMgr.log": the history file name (the last extension, if any,
// replaced by ".lo_"; "name" -> "name.lo_").
std::string trace_history_name(std::string_view log);

// A folder of named logs ("CloudMgr.log", ...). Every log keeps its last `memory_lines`
// records in memory (for scenario expectations and tests); when `dir` is non-empty the
// records are also appended to "<dir>/<log>" (the folder is created on first write) with CRLF
// line ends (every line break of a record, embedded CCM ones included), and a non-empty file
// that would grow past `max_bytes` is first renamed to trace_history_name(log), replacing the
// previous one (history of one, as ConfigMgr's default). Thread-safe: records of concurrent
// writers are never interleaved and appear in memory and on disk in the same order.
class TraceLogs {
 public:
  struct Options {
    std::string dir;  // "" = memory only
    TraceFormat format = TraceFormat::kSms;
    int bias_minutes = 0;
    size_t max_bytes = 250000;   // ConfigMgr's default log size [C: about-log-files.md]
    size_t memory_lines = 4000;  // per log
  };
  TraceLogs(const Clock& clock, Options options);

  // Appends one record to `log` (e.g. "CloudMgr.log"), stamped with the clock's now().
  // InvalidArgument (and nothing kept) for a log name that is empty, ".", ".." or contains '/',
  // '\' or NUL. File errors are Internal("<path>: <reason>"), never thrown; the in-memory copy
  // is kept even when the file write fails.
  Status write(std::string_view log, const TraceRecord& record);
  // The formatted records of `log` still in memory, oldest first; empty for an unknown log.
  std::vector<std::string> lines(std::string_view log) const;
  // The logs written so far (sorted).
  std::vector<std::string> names() const;
  // Forgets the in-memory records and deletes the files (and their ".lo_" history) of the logs
  // written through this object (lab reset); other files in `dir` are left alone.
  void clear();
  const Options& options() const { return options_; }

 private:
  // Both REQUIRE mu_ held.
  void keep_locked(std::deque<std::string>& lines, std::string line) const;
  Status append_locked(const std::string& log, const std::string& line) const;

  const Clock& clock_;
  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<std::string>, std::less<>> lines_;
};

}  // namespace emu
