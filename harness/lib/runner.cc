#include "harness/lib/runner.h"

#include "emulator/app/lab.h"
#include "emulator/core/faults.h"
#include "emulator/core/journal.h"
#include "harness/lib/expectations.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/http_client.h"
#include "harness/lib/interpolate.h"
#include "harness/lib/planned_actions.h"

#include <filesystem>

namespace emu::harness {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

int64_t to_ms(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// The ActionContext of one run: the lab's seams plus the scenario's lab section and outputs.
class RunContext final : public ActionContext {
 public:
  RunContext(app::Lab& lab, const json& lab_section, std::string out_dir)
      : lab_(lab), lab_section_(lab_section), out_dir_(std::move(out_dir)) {}

  Clock& clock() override { return lab_.clock(); }
  IdSource& ids() override { return lab_.ids(); }
  Result<HttpExchange> http(const HttpCall& call) override {
    EMU_ASSIGN_OR_RETURN(app::Endpoint endpoint, lab_.endpoint(call.endpoint));
    HttpClientOptions options;
    options.ca_file = lab_.ca_path();
    options.verify_time = lab_.clock().now();
    if (call.endpoint == "admin" && !lab_.admin_token().empty() &&
        !call.headers.has("Authorization")) {
      HttpCall with_token = call;  // the lab's own admin token, unless the step sets one
      with_token.headers.set("Authorization", "Bearer " + lab_.admin_token());
      return send_http(endpoint, with_token, options);
    }
    return send_http(endpoint, call, options);
  }
  const json& lab() const override { return lab_section_; }
  json& vars() override { return vars_; }
  std::string ca_path() const override { return lab_.ca_path(); }
  std::string out_dir() const override { return out_dir_; }
  FaultPlan& faults() override { return lab_.faults(); }
  Journal& journal() override { return lab_.journal(); }
  void run_on_io(const std::function<void()>& fn) override { lab_.run_on_io(fn); }

 private:
  app::Lab& lab_;
  const json& lab_section_;
  std::string out_dir_;
  json vars_ = json::object();
};

// Runs the action of `step` and fills status, message, details and output of `r`.
void run_action(const Step& step, const ActionDef& def, RunContext& ctx, StepReport& r) {
  if (!def.run) {
    r.status = StepStatus::kPending;
    r.message = "planned action '" + def.name + "' is not implemented yet";
    return;
  }
  auto args = interpolate(step.args, ctx.vars(), ctx.lab());
  auto expect = interpolate(step.expect, ctx.vars(), ctx.lab());
  if (!args.ok() || !expect.ok()) {
    r.status = StepStatus::kFailed;
    r.message =
        (args.ok() ? "expect: " + expect.status().message() : "args: " + args.status().message());
    return;
  }
  ActionOutcome outcome;
  try {
    outcome = def.run(*args, ctx);
  } catch (const std::exception& e) {
    outcome.kind = ActionOutcome::Kind::kFailed;
    outcome.message = "action '" + def.name + "' threw: " + e.what();
  }
  r.message = outcome.message;
  r.details = outcome.details;
  r.output = outcome.output;
  if (expect->is_object() && expect->contains("failure") &&
      outcome.kind != ActionOutcome::Kind::kPending) {
    // The step passes only if the action fails as expected (and the rest of expect holds).
    std::vector<std::string> unmet;
    if (outcome.kind == ActionOutcome::Kind::kPassed) {
      unmet.push_back("expected the action to fail, but it passed");
    } else if (std::string miss = evaluate_failure((*expect)["failure"], outcome.message);
               !miss.empty()) {
      unmet.push_back(miss);
    }
    auto rest = evaluate_expect(*expect, r.output);
    unmet.insert(unmet.end(), rest.begin(), rest.end());
    r.status = unmet.empty() ? StepStatus::kPassed : StepStatus::kFailed;
    if (unmet.empty()) {
      r.message = "failed as expected: " + outcome.message;
    } else {
      r.details.insert(r.details.end(), unmet.begin(), unmet.end());
    }
    return;
  }
  switch (outcome.kind) {
    case ActionOutcome::Kind::kFailed:
      r.status = StepStatus::kFailed;
      return;
    case ActionOutcome::Kind::kPending:
      r.status = StepStatus::kPending;
      return;
    case ActionOutcome::Kind::kPassed:
      break;
  }
  std::vector<std::string> unmet = evaluate_expect(*expect, r.output);
  if (unmet.empty()) {
    r.status = StepStatus::kPassed;
    return;
  }
  r.status = StepStatus::kFailed;
  r.message +=
      (r.message.empty() ? "" : "; ") + std::to_string(unmet.size()) + " expectation(s) not met";
  r.details.insert(r.details.end(), unmet.begin(), unmet.end());
}

class Run {
 public:
  Run(const Scenario& scenario, const RunOptions& options, app::Lab& lab)
      : scenario_(scenario),
        options_(options),
        lab_(lab),
        ctx_(lab, scenario.lab, options.out_dir) {}

  RunReport run(uint64_t seed) {
    RunReport report;
    report.file = scenario_.file;
    report.name = scenario_.name;
    report.description = scenario_.description;
    report.seed = seed;
    report.allow_pending = options_.allow_pending;
    const TimePoint start = lab_.clock().now();
    report.start = format_iso8601(start);
    const Step* stopped_by = nullptr;
    for (const Step& step : scenario_.steps) {
      StepReport r = run_step(step, start, stopped_by);
      if (r.status == StepStatus::kFailed && !step.continue_on_failure && stopped_by == nullptr)
        stopped_by = &step;
      report.steps.push_back(std::move(r));
      if (options_.on_step) options_.on_step(report.steps.back(), report);
    }
    report.end = format_iso8601(lab_.clock().now());
    return report;
  }

 private:
  StepReport run_step(const Step& step, TimePoint run_start, const Step* stopped_by) {
    StepReport r;
    r.index = step.index;
    r.id = step.id;
    r.name = step.name;
    r.action = step.action;
    const TimePoint t0 = lab_.clock().now();
    r.start = format_iso8601(t0);
    r.offset_ms = to_ms(t0 - run_start);
    if (stopped_by != nullptr) {
      r.status = StepStatus::kSkipped;
      r.message = "not run: step " + std::to_string(stopped_by->index) + " (\"" + stopped_by->id +
                  "\") failed";
      return r;
    }
    const uint64_t seq_before = lab_.journal().total_recorded();
    if (const ActionDef* def = lab_.actions().find(step.action)) {
      run_action(step, *def, ctx_, r);
    } else {
      r.status = StepStatus::kFailed;
      r.message = "unknown action '" + step.action + "'";
    }
    if (!r.output.is_null()) ctx_.vars()[step.id] = r.output;
    lab_.run_on_io([] {});  // everything the I/O thread did for this step is recorded now
    JournalQuery q;
    q.after_seq = seq_before;
    for (const auto& entry : lab_.journal().query(q)) r.journal.push_back(to_json(entry));
    r.duration_ms = to_ms(lab_.clock().now() - t0);
    return r;
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  app::Lab& lab_;
  RunContext ctx_;
};

Result<RunReport> run_impl(const Scenario& scenario, const RunOptions& options) {
  const uint64_t seed = options.seed.value_or(scenario.seed);
  std::string pki_dir = options.pki_dir;
  if (pki_dir.empty() && !options.out_dir.empty()) pki_dir = options.out_dir + "/pki";
  if (pki_dir.empty()) return InvalidArgument("run: a PKI folder or an output folder is required");
  if (!options.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec)
      return InvalidArgument("cannot create output folder '" + options.out_dir +
                             "': " + ec.message());
  }
  app::LabOptions lab_options;
  lab_options.seed = seed;
  lab_options.realtime_clock = false;
  lab_options.start_time = scenario.start;
  lab_options.state_dir = options.state_dir;
  if (!options.out_dir.empty()) lab_options.logs_dir = options.out_dir + "/logs";
  lab_options.pki_dir = pki_dir;
  lab_options.cmg_names = scenario_cmg_names(scenario.lab);
  EMU_ASSIGN_OR_RETURN(std::unique_ptr<app::Lab> lab, app::Lab::create(lab_options));
  declare_planned_actions(lab->actions());
  register_generic_actions(lab->actions());
  for (size_t i = 0; i < scenario.faults.size(); ++i) {
    auto id = lab->faults().add_json(scenario.faults[i]);
    if (!id.ok())
      return id.status().with_context(scenario.file + ": fault rule " + std::to_string(i + 1));
  }
  EMU_RETURN_IF_ERROR(lab->start());
  if (options.seed_lab)
    EMU_RETURN_IF_ERROR(lab->seed(scenario.lab));  // e.g. "aad: lab.tenant.domain: required"
  RunReport report = Run(scenario, options, *lab).run(seed);
  lab->stop();
  return report;
}

}  // namespace

Result<RunReport> run_scenario_on(app::Lab& lab, const Scenario& scenario,
                                  const RunOptions& options) {
  for (size_t i = 0; i < scenario.faults.size(); ++i) {
    auto id = lab.faults().add_json(scenario.faults[i]);
    if (!id.ok())
      return id.status().with_context(scenario.file + ": fault rule " + std::to_string(i + 1));
  }
  if (options.seed_lab) EMU_RETURN_IF_ERROR(lab.seed(scenario.lab));
  return Run(scenario, options, lab).run(options.seed.value_or(scenario.seed));
}

std::unique_ptr<ActionContext> make_action_context(app::Lab& lab, const json& lab_section,
                                                   std::string out_dir) {
  return std::make_unique<RunContext>(lab, lab_section, std::move(out_dir));
}

namespace {

ordered_json step_json(const StepReport& s) {
  ordered_json j;
  j["index"] = s.index;
  j["id"] = s.id;
  j["name"] = s.name;
  j["action"] = s.action;
  j["status"] = step_status_name(s.status);
  j["message"] = s.message;
  j["details"] = s.details;
  j["start"] = s.start;
  j["offset_ms"] = s.offset_ms;
  j["duration_ms"] = s.duration_ms;
  j["journal"] = ordered_json(s.journal);
  j["output"] = ordered_json(s.output);
  return j;
}

}  // namespace

std::string_view step_status_name(StepStatus status) {
  switch (status) {
    case StepStatus::kPassed:
      return "passed";
    case StepStatus::kFailed:
      return "failed";
    case StepStatus::kPending:
      return "pending";
    case StepStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

size_t RunReport::count(StepStatus status) const {
  size_t n = 0;
  for (const auto& s : steps) n += s.status == status;
  return n;
}

bool RunReport::passed() const {
  return count(StepStatus::kFailed) == 0 && (allow_pending || count(StepStatus::kPending) == 0);
}

Result<RunReport> run_scenario(const Scenario& scenario, const RunOptions& options) {
  try {
    return run_impl(scenario, options);
  } catch (const std::exception& e) {
    return Internal("run of " + scenario.file + " failed: " + e.what());
  }
}

ordered_json report_json(const RunReport& report) {
  ordered_json j;
  j["format"] = "cmgemu/report@1";
  j["scenario"] = {
      {"file", report.file}, {"name", report.name}, {"description", report.description}};
  j["seed"] = report.seed;
  j["start"] = report.start;
  j["end"] = report.end;
  j["allow_pending"] = report.allow_pending;
  j["result"] = report.passed() ? "passed" : "failed";
  j["summary"] = {{"steps", report.steps.size()},
                  {"passed", report.count(StepStatus::kPassed)},
                  {"failed", report.count(StepStatus::kFailed)},
                  {"pending", report.count(StepStatus::kPending)},
                  {"skipped", report.count(StepStatus::kSkipped)}};
  j["steps"] = ordered_json::array();
  for (const auto& s : report.steps) j["steps"].push_back(step_json(s));
  return j;
}

std::string transcript(const RunReport& report) {
  return report_json(report).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace emu::harness
