// Run reports for people and CI: console lines as steps finish, a summary, and JUnit XML.
// (The JSON transcript is runner.h's transcript().)
#pragma once

#include "emulator/core/text.h"
#include "harness/lib/runner.h"

#include <string>
#include <vector>

namespace emu::harness {

// "[ 3/12] PASS     providers  Register resource providers  (t+00:12:00)\n" where t+ is the
// virtual time at the end of the step relative to the run's start. A failed step adds its
// message and detail lines, each indented. With `color`, the status word is wrapped in ANSI
// colours (PASS green, FAIL red, PENDING yellow, SKIP grey); pass color only for a TTY.
std::string console_step_line(const StepReport& step, size_t total_steps, bool color);

// "12 steps: 3 passed, 0 failed, 9 pending, 0 skipped\nRESULT: PASS\n" (FAIL when
// !report.passed()), the result word coloured when `color`.
std::string console_summary(const RunReport& report, bool color);

// JUnit XML for one or more runs: <testsuites> with one <testsuite> per run and one
// <testcase> per step; failed steps carry <failure message=...>details</failure>, pending ones
// <skipped message="pending: ..."/>, skipped ones <skipped message="skipped: ..."/>. Times are
// virtual durations in seconds. All text is XML-escaped; characters XML 1.0 forbids become U+FFFD.
std::string junit_xml(const std::vector<RunReport>& reports);

// Escapes &, <, >, " and ' and replaces characters XML 1.0 forbids (controls other than tab,
// newline and carriage return) with U+FFFD (emulator/core/text.h).
using emu::xml_escape;

}  // namespace emu::harness
