// An ActionContext for tests and benchmarks that run a Lab's actions from their own thread:
// the actions' I/O work goes to the lab's I/O thread; they cannot make HTTP calls (use the
// harness runner for scenarios that need them). Header-only (links nothing beyond emu::app).
#pragma once

#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "emulator/core/faults.h"
#include "emulator/core/journal.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace emu::test {

class LabIoActionContext final : public ActionContext {
 public:
  explicit LabIoActionContext(app::Lab& lab) : lab_(lab) {}
  Clock& clock() override { return lab_.clock(); }
  IdSource& ids() override { return lab_.ids(); }
  Result<HttpExchange> http(const HttpCall&) override {
    return Unimplemented("LabIoActionContext makes no HTTP calls");
  }
  const nlohmann::json& lab() const override { return section_; }
  nlohmann::json& vars() override { return vars_; }
  std::string ca_path() const override { return lab_.ca_path(); }
  std::string out_dir() const override { return ""; }
  void run_on_io(const std::function<void()>& fn) override { lab_.run_on_io(fn); }
  FaultPlan& faults() override { return lab_.faults(); }
  Journal& journal() override { return lab_.journal(); }

 private:
  app::Lab& lab_;
  nlohmann::json section_ = nlohmann::json::object();
  nlohmann::json vars_ = nlohmann::json::object();
};

}  // namespace emu::test
