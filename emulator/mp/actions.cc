// mp.* scenario actions: state, faults (MP down, STS broken) and log expectations.
#include "emulator/core/json_args.h"
#include "emulator/mp/internal.h"

namespace emu::mp::internal {
namespace {

using nlohmann::json;

json state_of(MpState& s) {
  json out = {{"mp_server", s.mp_server},         {"down", s.down},
              {"sts_broken", s.sts_broken},       {"served_hosts", s.served_hosts},
              {"requests", s.requests},           {"registrations", s.registrations},
              {"tokens_issued", s.tokens_issued}, {"registered_clients", 0},
              {"clients", json::array()}};
  if (sitedb::SiteDb* db = s.db()) {
    const auto clients = db->clients();
    out["registered_clients"] = clients.size();
    for (const auto& c : clients)
      out["clients"].push_back({{"client_id", c.client_id},
                                {"name", c.name},
                                {"approval", c.approval},
                                {"authentication", c.authentication},
                                {"registered", c.registered}});
  }
  return out;
}

ActionOutcome expect_logs(MpState& s, const json& args, ActionContext& ctx) {
  const std::string log = args["log"].get<std::string>();
  const auto lines = on_io(ctx, [&] { return s.logs->lines(log); });
  return expect_log_patterns(log, lines, args["patterns"]);
}

}  // namespace

void add_mp_actions(MpState* s, ActionRegistry& registry) {
  auto def = [&](std::string name, std::string summary, std::vector<std::string> required,
                 std::vector<std::string> optional,
                 std::function<ActionOutcome(MpState&, const json&, ActionContext&)> op,
                 ArgsValidator validate = nullptr) {
    if (s == nullptr && registry.find(name) != nullptr) return;  // keep an implementation
    ActionDef d;
    d.name = std::move(name);
    d.summary = std::move(summary);
    d.required_args = std::move(required);
    d.optional_args = std::move(optional);
    d.validate = std::move(validate);
    if (s != nullptr)
      d.run = [s, op = std::move(op)](const json& args, ActionContext& ctx) {
        return op(*s, args, ctx);
      };
    registry.add(std::move(d));
  };
  def("mp.state",
      "The management point's state (outputs: mp_server, down, sts_broken, registered_clients, "
      "clients, requests, registrations, tokens_issued)",
      {}, {}, [](MpState& st, const json&, ActionContext& ctx) {
        json out = on_io(ctx, [&] { return state_of(st); });
        return action_passed(std::to_string(out["registered_clients"].get<size_t>()) +
                                 " registered client(s)" +
                                 (out["down"].get<bool>() ? ", MP down" : ""),
                             out);
      });
  def("mp.down",
      "Stop the management point: its listener (and intranet requests from the CMG connection "
      "point) drop the connection",
      {}, {}, [](MpState& st, const json&, ActionContext& ctx) {
        on_io(ctx, [&] { st.down = true; });
        return action_passed("management point down", {{"down", true}});
      });
  def("mp.up", "Start the management point again", {}, {},
      [](MpState& st, const json&, ActionContext& ctx) {
        on_io(ctx, [&] { st.down = false; });
        return action_passed("management point up", {{"down", false}});
      });
  def(
      "mp.sts_broken",
      "Break (on: true) or repair CCM_STS: it answers 500 and logs the "
      "System.IdentityModel.Tokens.Jwt FileLoadException",
      {"on"}, {},
      [](MpState& st, const json& a, ActionContext& ctx) {
        const bool on = a["on"].get<bool>();
        on_io(ctx, [&] { st.sts_broken = on; });
        return action_passed(on ? "CCM_STS broken" : "CCM_STS repaired", {{"sts_broken", on}});
      },
      [](const json& a) {
        return a.contains("on") && !a["on"].is_boolean()
                   ? InvalidArgument("on: must be true or false")
                   : Status::Ok();
      });
  def("mp.logs.expect",
      "Check that an MP log (CCM_STS.log, MP_RegistrationManager.log, MP_Location.log, "
      "MP_GetAuth.log, MP_Policy.log, MP_GetPolicy.log) has lines matching each pattern",
      {"log", "patterns"}, {}, expect_logs, check_log_expect_args);
}

}  // namespace emu::mp::internal
