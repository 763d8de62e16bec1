// Micro-benchmarks of the per-request core path: routing, IDs, journal recording, faults.
// Targets (DEVELOPERS.md): <= 30 us CPU for a whole small keep-alive request; these parts
// must stay a small fraction of that.
#include "emulator/core/faults.h"
#include "emulator/core/http/router.h"
#include "emulator/core/ids.h"
#include "emulator/core/journal.h"

#include <benchmark/benchmark.h>

namespace {

emu::http::Router make_arm_like_router() {
  emu::http::Router r({.case_insensitive = true, .not_found = nullptr});
  const char* patterns[] = {
      "/subscriptions",
      "/subscriptions/{sub}",
      "/subscriptions/{sub}/providers",
      "/subscriptions/{sub}/providers/{ns}",
      "/subscriptions/{sub}/providers/{ns}/register",
      "/subscriptions/{sub}/resourcegroups",
      "/subscriptions/{sub}/resourcegroups/{rg}",
      "/subscriptions/{sub}/resourcegroups/{rg}/providers/{ns}/{type}/{name}",
      "/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Resources/deployments/{name}",
      "/tenants",
      "/metadata/endpoints",
  };
  for (const char* p : patterns)
    r.get(p, [](emu::http::Request&) { return emu::http::text_response(200, "{}"); });
  return r;
}

void BM_RouterDispatch(benchmark::State& state) {
  auto router = make_arm_like_router();
  emu::http::Request req;
  req.method = "GET";
  req.host = "management.azure.com";
  req.path =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/"
      "Microsoft.Network/publicIPAddresses/cmg";
  for (auto _ : state) benchmark::DoNotOptimize(router.dispatch(req));
}
BENCHMARK(BM_RouterDispatch);

void BM_Guid(benchmark::State& state) {
  emu::IdSource ids(1);
  for (auto _ : state) benchmark::DoNotOptimize(ids.guid());
}
BENCHMARK(BM_Guid);

void BM_JournalRecord(benchmark::State& state) {
  emu::Journal journal(10000);
  emu::JournalEntry e;
  e.listener = "arm";
  e.method = "GET";
  e.target = "/subscriptions/1/resourcegroups/rg1?api-version=2022-09-01";
  e.status = 200;
  e.request_headers.set("Authorization", "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.x.y");
  e.request_headers.set("Host", "management.azure.com");
  e.response_headers.set("Content-Type", "application/json");
  for (auto _ : state) journal.record(e);
  state.counters["size"] = static_cast<double>(journal.size());
}
BENCHMARK(BM_JournalRecord);

void BM_FaultPlanMiss(benchmark::State& state) {
  emu::FaultPlan plan(1);
  emu::FaultRule rule;
  rule.listener = "aad";
  rule.path = "/*/oauth2/v2.0/token";
  (void)plan.add(rule);
  for (auto _ : state) benchmark::DoNotOptimize(plan.apply("arm", "GET", "/subscriptions/1"));
}
BENCHMARK(BM_FaultPlanMiss);

}  // namespace
