// The shared set-up of integration tests that drive a whole lab: a Lab on loopback with the
// shared test PKI, started and seeded with a lab section, an action context on its I/O thread,
// and act() to run a scenario action.
#pragma once

#include "emulator/app/lab.h"
#include "emulator/core/actions.h"
#include "tests/testlib/lab_io_action_context.h"
#include "tests/testlib/test_pki.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace emu::test {

class SeededLabTest : public ::testing::Test {
 protected:
  // Creates, starts and seeds the lab (server certificates issued for `cmg_names`); a fatal
  // failure when any step fails (callers check HasFatalFailure()).
  void StartLab(const nlohmann::json& section, std::vector<std::string> cmg_names = {},
                nlohmann::json* summary = nullptr) {
    app::LabOptions options;
    options.pki_dir = shared_pki().dir;
    options.cmg_names = std::move(cmg_names);
    auto lab = app::Lab::create(options);
    ASSERT_TRUE(lab.ok()) << lab.status().to_string();
    lab_ = std::move(lab).value();
    ASSERT_TRUE(lab_->start().ok());
    Status seeded = lab_->seed(section, summary);
    ASSERT_TRUE(seeded.ok()) << seeded.to_string();
    ctx_ = std::make_unique<LabIoActionContext>(*lab_);
  }

  void TearDown() override {
    if (lab_) lab_->stop();
  }

  // Runs action `name`; a failed outcome naming it when the lab has no such action.
  ActionOutcome act(const std::string& name, const nlohmann::json& args) {
    const ActionDef* def = lab_->actions().find(name);
    if (def == nullptr || !def->run) return action_failed("no action " + name);
    return def->run(args, *ctx_);
  }

  std::unique_ptr<app::Lab> lab_;
  std::unique_ptr<LabIoActionContext> ctx_;
};

}  // namespace emu::test
