#include "harness/lib/report.h"

#include <cinttypes>
#include <cstdio>

namespace emu::harness {
namespace {

constexpr const char* kGreen = "\033[32m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kGrey = "\033[90m";
constexpr const char* kReset = "\033[0m";

std::string paint(const std::string& text, const char* colour, bool color) {
  return color ? colour + text + kReset : text;
}

// "hh:mm:ss" of a virtual offset in milliseconds (hours may exceed 99).
std::string clock_text(int64_t ms) {
  int64_t s = ms / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600, (s / 60) % 60,
                s % 60);
  return buf;
}

std::string seconds_text(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void testcase_xml(const RunReport& report, const StepReport& s, std::string& out) {
  out += "    <testcase classname=\"" + xml_escape(report.name) + "\" name=\"" +
         xml_escape(s.id + " " + s.name) + "\" time=\"" + seconds_text(s.duration_ms) + "\"";
  switch (s.status) {
    case StepStatus::kPassed:
      out += "/>\n";
      return;
    case StepStatus::kPending:
      out += ">\n      <skipped message=\"" + xml_escape("pending: " + s.message) + "\"/>\n";
      break;
    case StepStatus::kSkipped:
      out += ">\n      <skipped message=\"" + xml_escape("skipped: " + s.message) + "\"/>\n";
      break;
    case StepStatus::kFailed: {
      std::string body;
      for (const auto& d : s.details) body += (body.empty() ? "" : "\n") + d;
      out += ">\n      <failure message=\"" + xml_escape(s.message) + "\" type=\"" +
             xml_escape(s.action) + "\">" + xml_escape(body) + "</failure>\n";
      break;
    }
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string console_step_line(const StepReport& step, size_t total_steps, bool color) {
  const std::string total = std::to_string(total_steps);
  std::string index = std::to_string(step.index);
  if (index.size() < total.size()) index.insert(0, total.size() - index.size(), ' ');
  const char* colour = kGreen;
  std::string word = "PASS";
  switch (step.status) {
    case StepStatus::kPassed:
      break;
    case StepStatus::kFailed:
      word = "FAIL";
      colour = kRed;
      break;
    case StepStatus::kPending:
      word = "PENDING";
      colour = kYellow;
      break;
    case StepStatus::kSkipped:
      word = "SKIP";
      colour = kGrey;
      break;
  }
  std::string line = "[" + index + "/" + total + "] " + paint(pad(word, 8), colour, color) + " " +
                     step.id + "  " + step.name + "  (t+" +
                     clock_text(step.offset_ms + step.duration_ms) + ")\n";
  if (step.status == StepStatus::kFailed) {
    const std::string indent(total.size() * 2 + 4, ' ');
    if (!step.message.empty()) line += indent + step.message + "\n";
    for (const auto& d : step.details) line += indent + "  " + d + "\n";
  }
  return line;
}

std::string console_summary(const RunReport& report, bool color) {
  std::string out = std::to_string(report.steps.size()) +
                    " steps: " + std::to_string(report.count(StepStatus::kPassed)) + " passed, " +
                    std::to_string(report.count(StepStatus::kFailed)) + " failed, " +
                    std::to_string(report.count(StepStatus::kPending)) + " pending, " +
                    std::to_string(report.count(StepStatus::kSkipped)) + " skipped\n";
  const bool ok = report.passed();
  return out + "RESULT: " + paint(ok ? "PASS" : "FAIL", ok ? kGreen : kRed, color) + "\n";
}

std::string junit_xml(const std::vector<RunReport>& reports) {
  size_t tests = 0, failures = 0, skipped = 0;
  int64_t total_ms = 0;
  std::string suites;
  for (const auto& r : reports) {
    int64_t ms = 0;
    for (const auto& s : r.steps) ms += s.duration_ms;
    const size_t skip = r.count(StepStatus::kPending) + r.count(StepStatus::kSkipped);
    suites += "  <testsuite name=\"" + xml_escape(r.name) + "\" tests=\"" +
              std::to_string(r.steps.size()) + "\" failures=\"" +
              std::to_string(r.count(StepStatus::kFailed)) + "\" errors=\"0\" skipped=\"" +
              std::to_string(skip) + "\" time=\"" + seconds_text(ms) + "\" timestamp=\"" +
              xml_escape(r.start) + "\" file=\"" + xml_escape(r.file) + "\">\n";
    suites += "    <properties>\n      <property name=\"seed\" value=\"" + std::to_string(r.seed) +
              "\"/>\n    </properties>\n";
    for (const auto& s : r.steps) testcase_xml(r, s, suites);
    suites += "  </testsuite>\n";
    tests += r.steps.size();
    failures += r.count(StepStatus::kFailed);
    skipped += skip;
    total_ms += ms;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cmgemu\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
         seconds_text(total_ms) + "\">\n" + suites + "</testsuites>\n";
}

}  // namespace emu::harness
