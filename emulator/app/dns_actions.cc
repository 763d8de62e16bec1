#include "emulator/app/dns_actions.h"

namespace emu::app {
namespace {

using nlohmann::json;

ActionOutcome outcome(const Status& st, std::string message, json output) {
  ActionOutcome o;
  if (!st.ok()) {
    o.kind = ActionOutcome::Kind::kFailed;
    o.message = st.message();
    return o;
  }
  o.message = std::move(message);
  o.output = std::move(output);
  return o;
}

json answer_json(const DnsAnswer& a) {
  json chain = json::array();
  for (const auto& r : a.chain)
    chain.push_back({{"name", r.name}, {"type", r.type}, {"value", r.value}});
  return {{"address", a.address}, {"chain", chain}};
}

using ZoneFn = std::function<ActionOutcome(DnsZone&, const json&)>;

// Names and addresses are strings; "ttl" is seconds (a non-negative integer, or a "${...}"
// reference). Checked at load time and again on the resolved args before each run.
Status check_dns_args(const json& args) {
  for (const auto& [key, value] : args.items()) {
    if (key == "expect") continue;
    if (key == "ttl") {
      if (value.is_string() || (value.is_number_integer() && value >= 0)) continue;
      return InvalidArgument("ttl: must be a non-negative integer (seconds)");
    }
    if (!value.is_string()) return InvalidArgument(key + ": must be a string");
  }
  return Status::Ok();
}

// With `zone` null, declarations only (no run), and names already registered are kept.
void add_dns_actions(DnsZone* zone, ActionRegistry& registry) {
  auto def = [&](const char* name, const char* summary, std::vector<std::string> required,
                 std::vector<std::string> optional, ZoneFn fn) {
    if (zone == nullptr && registry.find(name) != nullptr) return;
    optional.push_back("expect");
    ActionFn run;
    if (zone != nullptr)
      run = [zone, fn = std::move(fn)](const json& args, ActionContext&) {
        if (Status s = check_dns_args(args); !s.ok()) return outcome(s, "", nullptr);
        return fn(*zone, args);
      };
    registry.add(
        {name, summary, std::move(required), std::move(optional), std::move(run), check_dns_args});
  };
  def("lab.dns.cname", "Add a CNAME record to the lab DNS (outputs: name, target)",
      {"name", "target"}, {"ttl"}, [](DnsZone& z, const json& args) {
        const std::string name = args["name"].get<std::string>();
        const std::string target = args["target"].get<std::string>();
        return outcome(z.set_cname(name, target), name + " CNAME " + target,
                       {{"name", dns_normalize(name)}, {"target", dns_normalize(target)}});
      });
  def("lab.dns.a", "Add an A record to the lab DNS (outputs: name, address)", {"name", "address"},
      {"ttl"}, [](DnsZone& z, const json& args) {
        const std::string name = args["name"].get<std::string>();
        const std::string address = args["address"].get<std::string>();
        return outcome(z.set_a(name, address), name + " A " + address,
                       {{"name", dns_normalize(name)}, {"address", address}});
      });
  def("lab.dns.remove", "Remove a record from the lab DNS", {"name"}, {},
      [](DnsZone& z, const json& args) {
        const std::string name = args["name"].get<std::string>();
        return outcome(z.remove(name), name + " removed", {{"name", dns_normalize(name)}});
      });
  def("lab.dns.resolve",
      "Resolve a name through the lab DNS, following CNAMEs (outputs: address, chain)", {"name"},
      {}, [](DnsZone& z, const json& args) {
        const std::string name = args["name"].get<std::string>();
        auto a = z.resolve(name);
        if (!a.ok()) return outcome(a.status(), "", nullptr);
        return outcome(Status::Ok(), name + " -> " + a->address, answer_json(*a));
      });
}

}  // namespace

void register_dns_actions(DnsZone& zone, ActionRegistry& registry) {
  add_dns_actions(&zone, registry);
}

void declare_dns_actions(ActionRegistry& registry) { add_dns_actions(nullptr, registry); }

}  // namespace emu::app
