// cmgemu::Lab over emu::app::Lab and the scenario runner.
#include "cmgemu/lab.h"

#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/clock.h"
#include "emulator/core/faults.h"
#include "emulator/core/journal.h"
#include "emulator/core/json_args.h"
#include "emulator/core/json_limits.h"
#include "harness/lib/generic_actions.h"
#include "harness/lib/planned_actions.h"
#include "harness/lib/runner.h"
#include "harness/lib/scenario.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <random>

namespace cmgemu {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const emu::Status& status) { throw Error(status.message()); }

template <class T>
T value_or_throw(emu::Result<T> result) {
  if (!result.ok()) fail(result.status());
  return std::move(result).value();
}

void check(const emu::Status& status) {
  if (!status.ok()) fail(status);
}

json parse_json(std::string_view text, const std::string& what) {
  auto value =
      emu::parse_json_limited(text, emu::kDefaultJsonLimits, emu::JsonSyntax::kWithComments);
  if (!value.ok()) throw Error(what + ": not valid JSON (" + value.status().message() + ")");
  return std::move(value).value();
}

Endpoint to_public(const emu::app::Endpoint& e) {
  return Endpoint{e.name, e.scheme, e.host, e.address, e.port};
}

// A private folder under the system temp folder, removed by the destructor.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100 && path_.empty(); ++attempt) {
      auto candidate = std::filesystem::temp_directory_path() /
                       ("cmgemu-lab-" + std::to_string(rd()) + std::to_string(rd()));
      std::error_code ec;
      if (std::filesystem::create_directory(candidate, ec)) path_ = candidate.string();
    }
    if (path_.empty()) throw Error("cannot create a temporary folder for the lab PKI");
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::string Endpoint::url() const { return scheme + "://" + address + ":" + std::to_string(port); }

size_t ScenarioResult::count(std::string_view status) const {
  return static_cast<size_t>(std::count_if(
      steps.begin(), steps.end(), [&](const StepResult& s) { return s.status == status; }));
}

struct Lab::Impl {
  std::unique_ptr<ScratchDir> scratch;  // the PKI folder when the caller gave none
  std::unique_ptr<emu::app::Lab> lab;
  json lab_section = json::object();  // the last lab section applied (actions may read it)
  std::unique_ptr<emu::ActionContext> context;
};

Lab::Lab() : impl_(std::make_unique<Impl>()) {}

Lab::~Lab() {
  if (impl_ && impl_->lab) impl_->lab->stop();
}

std::unique_ptr<Lab> Lab::start(LabOptions options) {
  std::unique_ptr<Lab> self(new Lab());
  Impl& m = *self->impl_;
  emu::app::LabOptions o;
  o.seed = options.seed;
  o.start_time = options.start_time;
  o.state_dir = options.state_dir;
  o.logs_dir = options.logs_dir;
  o.cmg_names = options.cmg_names;
  o.admin_token = options.admin_token;
  if (options.pki_dir.empty()) {
    m.scratch = std::make_unique<ScratchDir>();
    o.pki_dir = m.scratch->path();
  } else {
    o.pki_dir = options.pki_dir;
  }
  m.lab = value_or_throw(emu::app::Lab::create(o));
  emu::harness::declare_planned_actions(m.lab->actions());
  emu::harness::register_generic_actions(m.lab->actions());
  check(m.lab->start());
  m.context = emu::harness::make_action_context(*m.lab, m.lab_section, "");
  return self;
}

std::unique_ptr<Lab> Lab::start_from_scenario(const std::string& path, LabOptions options) {
  auto scenario = value_or_throw(
      emu::harness::load_scenario_file(path, emu::harness::scenario_action_registry()));
  for (auto& name : emu::harness::scenario_cmg_names(scenario.lab))
    options.cmg_names.push_back(std::move(name));
  if (options.start_time.empty()) options.start_time = scenario.start;
  std::unique_ptr<Lab> lab = start(std::move(options));
  // A state_dir that holds a seeded lab resumes it (as `cmgemu serve --state --lab` does): the
  // scenario's lab section seeds only a new folder.
  if (!lab->impl_->lab->resumed()) check(lab->impl_->lab->seed(scenario.lab));
  lab->impl_->lab_section = scenario.lab;
  return lab;
}

void Lab::seed(std::string_view lab_json) {
  json section = parse_json(lab_json, "lab section");
  check(impl_->lab->seed(section));
  impl_->lab_section = std::move(section);
}

void Lab::seed_from_scenario(const std::string& path) {
  auto scenario = value_or_throw(
      emu::harness::load_scenario_file(path, emu::harness::scenario_action_registry()));
  check(impl_->lab->seed(scenario.lab));
  impl_->lab_section = scenario.lab;
}

ScenarioResult Lab::run_scenario(const std::string& path, bool allow_pending, bool seed_lab) {
  auto scenario = value_or_throw(
      emu::harness::load_scenario_file(path, emu::harness::scenario_action_registry()));
  emu::harness::RunOptions options;
  options.allow_pending = allow_pending;
  options.seed_lab = seed_lab;
  auto report = value_or_throw(emu::harness::run_scenario_on(*impl_->lab, scenario, options));
  if (seed_lab) impl_->lab_section = scenario.lab;
  ScenarioResult out;
  out.passed = report.passed();
  for (const auto& step : report.steps)
    out.steps.push_back({step.id, step.action,
                         std::string(emu::harness::step_status_name(step.status)), step.message});
  out.transcript = emu::harness::transcript(report);
  return out;
}

ActionResult Lab::run_action(std::string_view action, std::string_view args_json) {
  const emu::ActionDef* def = impl_->lab->actions().find(std::string(action));
  if (def == nullptr) {
    throw Error("unknown action '" + std::string(action) + "'" +
                emu::did_you_mean(action, impl_->lab->actions().names()));
  }
  json args = parse_json(args_json, std::string(action) + " args");
  if (!args.is_object()) throw Error(std::string(action) + ": args must be a JSON object");
  for (const auto& name : def->required_args)
    if (!args.contains(name)) throw Error(std::string(action) + ": " + name + ": required");
  if (def->validate) {
    emu::Status valid = def->validate(args);
    if (!valid.ok()) throw Error(std::string(action) + ": " + valid.message());
  }
  ActionResult out;
  if (!def->run) {
    out.pending = true;
    out.message = "pending: no party implements " + std::string(action) + " yet";
    out.output_json = "null";
    return out;
  }
  emu::ActionOutcome outcome = def->run(args, *impl_->context);
  out.passed = outcome.kind == emu::ActionOutcome::Kind::kPassed;
  out.pending = outcome.kind == emu::ActionOutcome::Kind::kPending;
  out.message = outcome.message;
  out.output_json = outcome.output.dump();
  return out;
}

std::vector<Endpoint> Lab::endpoints() const {
  std::vector<Endpoint> out;
  for (const auto& e : impl_->lab->endpoints()) out.push_back(to_public(e));
  return out;
}

Endpoint Lab::endpoint(std::string_view name) const {
  return to_public(value_or_throw(impl_->lab->endpoint(std::string(name))));
}

std::string Lab::ca_path() const { return impl_->lab->ca_path(); }
std::string Lab::admin_url() const { return impl_->lab->admin_url(); }
std::string Lab::admin_token() const { return impl_->lab->admin_token(); }
std::string Lab::state_dir() const { return impl_->lab->state_dir(); }

std::string Lab::app_token(const std::string& tenant, const std::string& client_id,
                           const std::string& client_secret, const std::string& scope) {
  json args = {{"grant", "client_credentials"},
               {"tenant", tenant},
               {"client_id", client_id},
               {"client_secret", client_secret},
               {"scope", scope}};
  ActionResult r = run_action("aad.token.acquire", args.dump());
  json output = json::parse(r.output_json, nullptr, false);
  if (r.passed && output.is_object() && output.contains("access_token") &&
      output["access_token"].is_string())
    return output["access_token"].get<std::string>();
  std::string why = r.message;
  if (output.is_object() && output.contains("error_description") &&
      output["error_description"].is_string())
    why += ": " + output["error_description"].get<std::string>();
  throw Error("app_token: " + why);
}

std::string Lab::now() const { return emu::format_iso8601(impl_->lab->clock().now()); }

void Lab::advance(std::chrono::seconds by) {
  if (by.count() < 0) throw Error("advance: virtual time only moves forward");
  impl_->lab->clock().advance(by);
  impl_->lab->run_on_io([] {});  // parties settle what fell due on their thread
}

std::string Lab::add_fault(std::string_view rule_json) {
  return value_or_throw(impl_->lab->faults().add_json(parse_json(rule_json, "fault rule")));
}

void Lab::clear_faults() { impl_->lab->faults().clear(); }

std::vector<Request> Lab::journal() const {
  impl_->lab->run_on_io([] {});  // requests the I/O thread finished are recorded now
  std::vector<Request> out;
  for (const auto& e : impl_->lab->journal().query(emu::JournalQuery{})) {
    out.push_back(Request{e.seq, emu::format_iso8601(e.time), e.listener, e.method, e.target,
                          e.host, e.status, e.request_body});
  }
  return out;
}

void Lab::clear_journal() { impl_->lab->journal().clear(); }

void Lab::reset() { check(impl_->lab->reset()); }

}  // namespace cmgemu
