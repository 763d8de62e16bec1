// The client party's machines: lab.clients checked as a scenario author needs, machines saved
// in a state folder and back after a restart, a saved machine's JSON round-trip.
#include "emulator/client/client_service.h"

#include "emulator/client/machine/machine_json.h"
#include "emulator/core/store/database.h"
#include "tests/testlib/temp_dir.h"
#include "tests/testlib/test_pki.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace emu::client {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ClientServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<ClientService> make(const store::StateDir& state) {
    ServiceContext ctx{clock_, ids_, state, test::shared_pki(), "", nullptr, nullptr};
    auto s = ClientService::create(ctx, ClientDeps{});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  Status seed(ClientService& s, json clients) { return s.seed({{"clients", std::move(clients)}}); }

  VirtualClock clock_{VirtualClock::Mode::kManual, parse_iso8601("2026-01-01T00:00:00Z").value()};
  IdSource ids_{7};
  store::StateDir memory_{""};
};

TEST_F(ClientServiceTest, SeedsMachinesWithTheirNamesAndDefaults) {
  auto s = make(memory_);
  ASSERT_TRUE(seed(*s, json::array({{{"name", "client01"}, {"time_zone_bias", -540}},
                                    {{"name", "pc-2"}, {"domain", "contoso.com"}}}))
                  .ok());
  auto one = s->state("CLIENT01");
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ((*one)["name"], "CLIENT01");
  EXPECT_EQ((*one)["fqdn"], "client01.workgroup.local");
  EXPECT_EQ((*one)["installed"], false);
  EXPECT_EQ((*one)["registered"], false);
  EXPECT_EQ(s->state("pc-2").value()["fqdn"], "pc-2.contoso.com");
  auto missing = s->state("nobody");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("client01, pc-2"));
  EXPECT_TRUE(s->logs("client01", "").value().empty());
}

TEST_F(ClientServiceTest, BadMachinesAreNamedInTheError) {
  auto s = make(memory_);
  struct Case {
    json clients;
    std::string message;
  };
  const std::vector<Case> cases = {
      {json::object(), "lab.clients: must be an array"},
      {json::array({{{"name", "a-name-far-too-long"}}}), "lab.clients[0].name: not a NetBIOS name"},
      {json::array({{{"name", "bad name"}}}), "not a NetBIOS name"},
      {json::array({{{"nam", "x"}}}), "lab.clients[0].nam: unknown key; did you mean 'name'?"},
      {json::array({{{"name", "x"}, {"join", "cloud"}}}),
       "join: must be workgroup, domain or entra"},
      {json::array({{{"name", "x"}, {"time_zone_bias", 900}}}), "time_zone_bias: minutes between"},
      {json::array({{{"name", "x"}, {"folders", "C:\\x"}}}), "folders: must be an array"},
      {json::array({{{"name", "x"}}, {{"name", "X"}}}), "lab.clients[1].name: 'X' twice"},
  };
  for (const auto& c : cases) {
    Status st = seed(*s, c.clients);
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.clients.dump();
    EXPECT_THAT(st.message(), HasSubstr(c.message)) << c.clients.dump();
  }
}

TEST_F(ClientServiceTest, MachinesComeBackFromTheStateFolderAndResetForgetsThem) {
  test::TempDir dir;
  const store::StateDir state(dir.path());
  {
    auto s = make(state);
    ASSERT_TRUE(
        seed(*s, json::array({{{"name", "client01"}, {"folders", {"C:\\ClientInstall"}}}})).ok());
  }
  auto again = make(state);
  auto one = again->state("client01");
  ASSERT_TRUE(one.ok()) << one.status().message();
  EXPECT_EQ((*one)["name"], "CLIENT01");
  ASSERT_TRUE(again->reset().ok());
  EXPECT_FALSE(make(state)->state("client01").ok());
}

TEST(MachineJson, RoundTripsTheAgentsState) {
  Machine m;
  m.spec.name = "CLIENT01";
  m.spec.fqdn = "client01.workgroup.local";
  m.spec.bias_minutes = -540;
  m.spec.folders = {"C:\\ClientInstall"};
  m.trusted_roots.push_back({"root-pem", "", "AB12", "CN=root"});
  m.registry["Security\\ClientAlwaysOnInternet"] = "1";
  m.installed = true;
  m.client_id = "GUID:99A92A05-A95C-451B-BC2E-B35FD0EA0046";
  m.approval_status = 1;
  m.signing_cert_der = std::string("\x30\x82\x00\xff", 4);
  m.unique_token = {"a.b.c", "ClientUnique", parse_iso8601("2026-04-01T00:00:00Z").value()};
  m.policies = {"{A}", "{B}"};
  m.sessions = 2;
  m.aad_auth = true;
  m.aad = {"tenant", "device", "cert-pem", "key-pem", "alice@contoso.onmicrosoft.com", "oid", "pw"};
  const json saved = machine_to_json(m);
  Machine back;
  ASSERT_TRUE(machine_from_json(saved, &back).ok());
  EXPECT_EQ(machine_to_json(back), saved);
  EXPECT_TRUE(back.aad.joined());
  EXPECT_TRUE(back.aad_auth);
  EXPECT_EQ(back.aad.user_upn, "alice@contoso.onmicrosoft.com");
  EXPECT_EQ(back.signing_cert_der, m.signing_cert_der);
  EXPECT_EQ(back.unique_token.expires, m.unique_token.expires);
  Machine bad;
  EXPECT_EQ(machine_from_json(json{{"spec", {{"name", 3}}}}, &bad).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(machine_from_json(json::array(), &bad).code(), StatusCode::kInvalidArgument);
  // Numbers out of range or not integers are refused, not cast (found by client_saved_state_fuzz).
  for (const json& bias : {json(-5.5e21), json(1e300), json(1.5), json(-841), json(721)}) {
    json edited = saved;
    edited["spec"]["bias_minutes"] = bias;
    EXPECT_EQ(machine_from_json(edited, &bad).code(), StatusCode::kInvalidArgument) << bias;
  }
  json edited = saved;
  edited["approval_status"] = 1e20;
  EXPECT_EQ(machine_from_json(edited, &bad).code(), StatusCode::kInvalidArgument);
  edited = saved;
  edited["sessions"] = -1;
  EXPECT_EQ(machine_from_json(edited, &bad).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace emu::client
