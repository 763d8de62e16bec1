#include "emulator/core/trace_log.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace emu {
namespace {

namespace fs = std::filesystem;

// "~~" for every "\r\n" or "\n" (SMS embedded line break).
std::string sms_message(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;
    if (message[i] == '\n') {
      out += "~~";
    } else {
      out += message[i];
    }
  }
  return out;
}

std::string format_sms(const TraceRecord& r, const CivilTime& f, int bias) {
  char stamp[96];
  std::snprintf(stamp, sizeof stamp, "%02u-%02u-%04d %02ld:%02ld:%02ld.%03ld%+03d", f.month, f.day,
                f.year, f.hour, f.minute, f.second, f.millisecond, bias);
  char thread[64];
  std::snprintf(thread, sizeof thread, "thread=%d (0x%X)", r.thread,
                static_cast<unsigned>(r.thread));
  // The "~" before the two spaces is optional (top-level README Sources [S1]): a message that
  // already ends in "~~" (an embedded line break, as CloudMgr.log's lines do) gets none.
  std::string message = sms_message(r.message);
  if (message.empty() || message.back() != '~') message += "~";
  return message + "  $$<" + r.component + "><" + stamp + "><" + thread + ">";
}

std::string format_ccm(const TraceRecord& r, const CivilTime& f, int bias) {
  char stamp[128];
  std::snprintf(stamp, sizeof stamp,
                "time=\"%02ld:%02ld:%02ld.%03ld%+04d\" date=\"%02u-%02u-%04d\"", f.hour, f.minute,
                f.second, f.millisecond, bias, f.month, f.day, f.year);
  return "<![LOG[" + r.message + "]LOG]!><" + stamp + " component=\"" + r.component +
         "\" context=\"\" type=\"" + std::to_string(static_cast<int>(r.severity)) + "\" thread=\"" +
         std::to_string(r.thread) + "\" file=\"" + r.file + "\">";
}

bool valid_log_name(std::string_view log) {
  return !log.empty() && log != "." && log != ".." &&
         log.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

// `text` with every line break written as "\r\n", plus a final "\r\n".
std::string crlf_line(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n') out += '\r';
    out += text[i];
  }
  out += "\r\n";
  return out;
}

Status io_error(const fs::path& path, const std::string& reason) {
  return Internal(path.string() + ": " + reason);
}

// Renames `path` to its history name when appending `extra` bytes would pass `max_bytes`.
Status roll_over_if_needed(const fs::path& path, const std::string& log, size_t extra,
                           size_t max_bytes) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec || size == 0 || size + extra <= max_bytes) return Status::Ok();
  fs::rename(path, path.parent_path() / trace_history_name(log), ec);
  if (ec) return io_error(path, "cannot roll over: " + ec.message());
  return Status::Ok();
}

Status append_to_file(const fs::path& path, const std::string& data) {
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) return io_error(path, std::strerror(errno));
  size_t written = std::fwrite(data.data(), 1, data.size(), file);
  int saved = errno;
  bool closed = std::fclose(file) == 0;
  if (written != data.size()) return io_error(path, std::strerror(saved));
  if (!closed) return io_error(path, std::strerror(errno));
  return Status::Ok();
}

}  // namespace

std::string format_trace(TraceFormat format, const TraceRecord& record, TimePoint at,
                         int bias_minutes) {
  CivilTime fields = civil_time(at, bias_minutes);
  return format == TraceFormat::kSms ? format_sms(record, fields, bias_minutes)
                                     : format_ccm(record, fields, bias_minutes);
}

std::string trace_history_name(std::string_view log) {
  size_t dot = log.rfind('.');
  std::string_view stem = dot == std::string_view::npos || dot == 0 ? log : log.substr(0, dot);
  return std::string(stem) + ".lo_";
}

TraceLogs::TraceLogs(const Clock& clock, Options options)
    : clock_(clock), options_(std::move(options)) {}

Status TraceLogs::write(std::string_view log, const TraceRecord& record) {
  if (!valid_log_name(log)) return InvalidArgument("bad log name: '" + std::string(log) + "'");
  std::lock_guard lock(mu_);
  std::string line = format_trace(options_.format, record, clock_.now(), options_.bias_minutes);
  auto it = lines_.find(log);
  if (it == lines_.end()) it = lines_.emplace(std::string(log), std::deque<std::string>()).first;
  if (!options_.dir.empty()) {
    Status s = append_locked(it->first, line);
    keep_locked(it->second, std::move(line));
    return s;
  }
  keep_locked(it->second, std::move(line));
  return Status::Ok();
}

void TraceLogs::keep_locked(std::deque<std::string>& lines, std::string line) const {
  if (options_.memory_lines == 0) return;
  lines.push_back(std::move(line));
  while (lines.size() > options_.memory_lines) lines.pop_front();
}

Status TraceLogs::append_locked(const std::string& log, const std::string& line) const {
  fs::path dir(options_.dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error(dir, "cannot create folder: " + ec.message());
  fs::path path = dir / log;
  std::string data = crlf_line(line);
  EMU_RETURN_IF_ERROR(roll_over_if_needed(path, log, data.size(), options_.max_bytes));
  return append_to_file(path, data);
}

std::vector<std::string> TraceLogs::lines(std::string_view log) const {
  std::lock_guard lock(mu_);
  auto it = lines_.find(log);
  if (it == lines_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::vector<std::string> TraceLogs::names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  out.reserve(lines_.size());
  for (const auto& [name, unused] : lines_) out.push_back(name);
  return out;
}

void TraceLogs::clear() {
  std::lock_guard lock(mu_);
  if (!options_.dir.empty()) {
    fs::path dir(options_.dir);
    for (const auto& [name, unused] : lines_) {
      std::error_code ec;
      fs::remove(dir / name, ec);
      fs::remove(dir / trace_history_name(name), ec);
    }
  }
  lines_.clear();
}

}  // namespace emu
