// GoogleTest integration for cmgemu::Lab (link `cmgemu::gtest`): fixtures that give a test
// suite (or each test) its own lab, and gMock matchers over the lab's journal and scenario
// results.
//
//   class CmgToolingTest : public cmgemu::testing::LabTest<CmgToolingTest> {
//    public:
//     static std::unique_ptr<cmgemu::Lab> start_lab() {      // optional; default: Lab::start()
//       return cmgemu::Lab::start_from_scenario("cmg-lab.json");
//     }
//   };
//   TEST_F(CmgToolingTest, ListsProviders) {
//     ... call the code under test against lab().endpoint("arm").url() ...
//     EXPECT_THAT(lab().journal(), cmgemu::testing::HasRequest("GET",
//     "/subscriptions/*/providers"));
//   }
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cmgemu/lab.h"
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace cmgemu::testing {

// One Lab per test suite, started before its first test and stopped after its last; tests
// share it (and its state). `Derived` may define `static std::unique_ptr<Lab> start_lab()`.
template <class Derived>
class LabTest : public ::testing::Test {
 public:
  static std::unique_ptr<Lab> start_lab() { return Lab::start(); }
  static void SetUpTestSuite() { lab_ = Derived::start_lab(); }
  static void TearDownTestSuite() { lab_.reset(); }

 protected:
  static Lab& lab() { return *lab_; }

 private:
  static inline std::unique_ptr<Lab> lab_;
};

// A fresh Lab for every test. `Derived` may define `static std::unique_ptr<Lab> start_lab()`.
template <class Derived>
class LabPerTest : public ::testing::Test {
 public:
  static std::unique_ptr<Lab> start_lab() { return Lab::start(); }

 protected:
  void SetUp() override { lab_ = Derived::start_lab(); }
  void TearDown() override { lab_.reset(); }
  Lab& lab() { return *lab_; }

 private:
  std::unique_ptr<Lab> lab_;
};

// True when `text` matches `pattern`, where '*' matches any run of characters and '?' one
// character; ASCII case-insensitive (ARM paths are).
inline bool glob_match(std::string_view pattern, std::string_view text) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// The path of a request target ("/a/b?x=1" -> "/a/b").
inline std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// A journal Request with this method (case-insensitive) whose path matches `path_glob`.
MATCHER_P2(RequestTo, method, path_glob,
           std::string(negation ? "isn't " : "is ") + "a " + std::string(method) + " request to " +
               std::string(path_glob)) {
  return glob_match(std::string(method), arg.method) &&
         glob_match(std::string(path_glob), target_path(arg.target));
}

// The journal (std::vector<Request>) holds at least one such request.
inline auto HasRequest(const std::string& method, const std::string& path_glob) {
  return ::testing::Contains(RequestTo(method, path_glob));
}

// A Request answered with `status`.
MATCHER_P(AnsweredWith, status, "answered with HTTP " + ::testing::PrintToString(status)) {
  return arg.status == status;
}

// A ScenarioResult whose steps all passed; on failure it lists the steps that did not.
MATCHER(ScenarioPassed, std::string(negation ? "did not pass" : "passed every step")) {
  if (arg.passed) return true;
  for (const auto& step : arg.steps)
    if (step.status != "passed")
      *result_listener << "\n  step " << step.id << " (" << step.action << "): " << step.status
                       << (step.message.empty() ? "" : ": " + step.message);
  return false;
}

}  // namespace cmgemu::testing

// gMock prints values it explains; these keep failure messages readable.
namespace cmgemu {
inline void PrintTo(const Request& r, std::ostream* os) {
  *os << r.method << " " << r.target << " -> " << r.status << " (" << r.listener << ")";
}
inline void PrintTo(const StepResult& s, std::ostream* os) {
  *os << s.id << " " << s.action << ": " << s.status;
}
inline void PrintTo(const ScenarioResult& r, std::ostream* os) {
  *os << r.count("passed") << " passed, " << r.count("failed") << " failed, " << r.count("pending")
      << " pending, " << r.count("skipped") << " skipped";
}
}  // namespace cmgemu
