// Fixture for the resource-type rule tests: an in-memory ArmStore, a seeded IdSource and
// helpers that build a TypeContext, plan a PUT and write the plan as the lead's handler would.
#pragma once

#include "emulator/arm/catalog/catalog.h"
#include "emulator/arm/store/store.h"
#include "emulator/arm/types/types.h"
#include "emulator/core/clock.h"
#include "emulator/core/ids.h"
#include "emulator/core/store/database.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace emu::arm::types_testing {

inline constexpr const char* kSub = "11111111-2222-3333-4444-555555555555";
inline constexpr const char* kOtherSub = "99999999-2222-3333-4444-555555555555";
inline constexpr const char* kTenant = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

class TypesTest : public ::testing::Test {
 public:
  static std::string id_of(const std::string& type, const std::string& name,
                           const std::string& rg = "rg1", const std::string& sub = kSub) {
    return "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + type + "/" + name;
  }

 protected:
  void SetUp() override {
    auto db = store::Database::open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    db_ = std::move(db).value();
    auto s = ArmStore::open(*db_);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    store_ = std::move(s).value();
    auto t = parse_iso8601("2026-01-01T00:00:00Z");
    ASSERT_TRUE(t.ok());
    now_ = *t;
  }

  // A context for writing `type`/`name` in `rg`; `existing` is looked up in the store.
  TypeContext ctx(const std::string& type, const std::string& name, const std::string& rg = "rg1",
                  const std::string& sub = kSub) {
    existing_.reset();
    const std::string id = id_of(type, name, rg, sub);
    auto found = store_->find_resource(id);
    if (found.ok()) existing_ = std::make_unique<Resource>(*found);
    return TypeContext{*store_,     now_, ids_, sub,          kTenant,         rg,
                       "japaneast", id,   name, "2022-09-01", existing_.get(), false};
  }

  Result<PutPlan, ArmError> plan(const std::string& type, const std::string& name,
                                 const nlohmann::json& body, const std::string& rg = "rg1",
                                 const std::string& sub = kSub) {
    const ResourceTypeRules* rules = find_type_rules(type);
    TypeContext c = ctx(type, name, rg, sub);
    if (rules == nullptr) return plan_generic_put(type, body, c);
    return rules->plan_put(body, c);
  }

  // Stores the plan's resource (Succeeded) and claims its names, as the handler does.
  void write(const PutPlan& p) {
    Resource r = p.resource;
    r.state = "Succeeded";
    r.created_at = r.changed_at = now_;
    ASSERT_TRUE(store_->put_resource(r).ok());
    for (const NameClaim& c : p.claims) ASSERT_TRUE(store_->claim_name(c).ok()) << c.key;
  }

  // Plans and writes; the plan must succeed.
  PutPlan create(const std::string& type, const std::string& name, const nlohmann::json& body,
                 const std::string& rg = "rg1", const std::string& sub = kSub) {
    Result<PutPlan, ArmError> p = plan(type, name, body, rg, sub);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().code + ": " + p.error().message);
    if (!p.ok()) return PutPlan{};
    write(p.value());
    return p.value();
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ArmStore> store_;
  IdSource ids_{42};
  TimePoint now_{};
  std::unique_ptr<Resource> existing_;
};

// Expects `p` to have failed with `status` and `code`.
#define EXPECT_ARM_ERROR(p, status, code_)                                     \
  do {                                                                         \
    const auto& emu_p_ = (p);                                                  \
    ASSERT_FALSE(emu_p_.ok()) << "expected " << (code_);                       \
    EXPECT_EQ(emu_p_.error().http_status, (status)) << emu_p_.error().message; \
    EXPECT_EQ(emu_p_.error().code, (code_)) << emu_p_.error().message;         \
  } while (0)

}  // namespace emu::arm::types_testing
