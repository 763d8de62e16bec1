// ArmStore: subscriptions, providers, groups, resources, deployments, operations.
#include "emulator/arm/store/store.h"

#include "emulator/arm/store/internal.h"
#include "emulator/core/text.h"

#include <algorithm>

namespace emu::arm {

using namespace internal;

namespace internal {
json json_from_column(const std::string& text, json fallback) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? std::move(fallback) : j;
}
}  // namespace internal

std::string ResourceGroup::id() const {
  return "/subscriptions/" + subscription_id + "/resourceGroups/" + name;
}

json Resource::view() const {
  json j = body;
  if (!j.is_object()) j = json::object();
  if (!j.contains("properties") || !j["properties"].is_object()) j["properties"] = json::object();
  j["properties"]["provisioningState"] = state;
  return j;
}

std::string Operation::status_at(TimePoint now) const {
  if (now >= settles_at) return final_status;
  return kind == "deployment" ? "Running" : "InProgress";
}

Result<std::unique_ptr<ArmStore>> ArmStore::open(store::Database& db) {
  EMU_RETURN_IF_ERROR(store::migrate(db, arm_migrations()));
  return std::unique_ptr<ArmStore>(new ArmStore(db));
}

ArmStore::ArmStore(store::Database& db) : db_(db) {}
ArmStore::~ArmStore() = default;

Status ArmStore::clear() {
  next_due_ = TimePoint{};  // settle() re-reads what is pending
  return in_transaction(db_, [&]() -> Status {
    for (const char* table :
         {"subscriptions", "providers", "resource_groups", "resources", "deployments", "operations",
          "role_assignments", "names", "deleted_vaults", "settings"})
      EMU_RETURN_IF_ERROR(db_.exec(std::string("DELETE FROM ") + table));
    return Status::Ok();
  });
}

// --- Subscriptions ---

namespace {
Subscription read_subscription(const Row& s) {
  return {s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3)};
}
constexpr std::string_view kSubCols =
    "SELECT id, display_name, tenant_id, state FROM subscriptions";
}  // namespace

Status ArmStore::put_subscription(const Subscription& s) {
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO subscriptions(id_key, id, display_name, tenant_id, state)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)",
                  to_lower(s.id), s.id, s.display_name, s.tenant_id, s.state);
}

Result<Subscription> ArmStore::find_subscription(std::string_view id) const {
  return query_one<Subscription>(db_, std::string(kSubCols) + " WHERE id_key = ?1",
                                 read_subscription, "subscription '" + std::string(id) + "'",
                                 to_lower(id));
}

std::vector<Subscription> ArmStore::subscriptions() const {
  return or_empty(
      query_rows<Subscription>(db_, std::string(kSubCols) + " ORDER BY id_key", read_subscription));
}

// --- Providers ---

namespace {
ProviderRegistration read_provider(const Row& s) {
  return {s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
          time_from_column(s.column_int64(4))};
}
constexpr std::string_view kProviderCols =
    "SELECT p.sub_key, p.ns, p.state, p.pending_state, p.settles_at FROM providers p";
}  // namespace

Status ArmStore::put_provider(const ProviderRegistration& p) {
  next_due_ = TimePoint{};  // settle() re-reads what is pending
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO providers(sub_key, ns_key, ns, state, pending_state, "
                  "settles_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  to_lower(p.subscription_id), to_lower(p.ns), p.ns, p.state, p.pending_state,
                  time_to_column(p.settles_at));
}

Result<ProviderRegistration> ArmStore::find_provider(std::string_view subscription_id,
                                                     std::string_view ns) const {
  auto row = query_one<ProviderRegistration>(
      db_, std::string(kProviderCols) + " WHERE p.sub_key = ?1 AND p.ns_key = ?2", read_provider,
      "provider '" + std::string(ns) + "'", to_lower(subscription_id), to_lower(ns));
  if (row.ok()) row->subscription_id = std::string(subscription_id);
  return row;
}

std::vector<ProviderRegistration> ArmStore::providers(std::string_view subscription_id) const {
  auto rows = or_empty(query_rows<ProviderRegistration>(
      db_, std::string(kProviderCols) + " WHERE p.sub_key = ?1 ORDER BY p.ns_key", read_provider,
      to_lower(subscription_id)));
  for (auto& r : rows) r.subscription_id = std::string(subscription_id);
  return rows;
}

// --- Resource groups ---

namespace {
ResourceGroup read_group(const Row& s) {
  ResourceGroup g;
  g.subscription_id = s.column_text(0);
  g.name = s.column_text(1);
  g.location = s.column_text(2);
  g.tags = json_from_column(s.column_text(3), json::object());
  g.managed_by = s.column_text(4);
  g.state = s.column_text(5);
  g.deleted_at = time_from_column(s.column_int64(6));
  return g;
}
constexpr std::string_view kGroupCols =
    "SELECT subscription_id, name, location, tags, managed_by, state, deleted_at "
    "FROM resource_groups";
}  // namespace

Status ArmStore::put_group(const ResourceGroup& g) {
  next_due_ = TimePoint{};  // settle() re-reads what is pending
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO resource_groups(sub_key, name_key, subscription_id, name,"
                  " location, tags, managed_by, state, deleted_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  to_lower(g.subscription_id), to_lower(g.name), g.subscription_id, g.name,
                  g.location, json_to_column(g.tags), g.managed_by, g.state,
                  time_to_column(g.deleted_at));
}

Result<ResourceGroup> ArmStore::find_group(std::string_view subscription_id,
                                           std::string_view name) const {
  return query_one<ResourceGroup>(
      db_, std::string(kGroupCols) + " WHERE sub_key = ?1 AND name_key = ?2", read_group,
      "resource group '" + std::string(name) + "'", to_lower(subscription_id), to_lower(name));
}

std::vector<ResourceGroup> ArmStore::groups(std::string_view subscription_id) const {
  return or_empty(query_rows<ResourceGroup>(
      db_, std::string(kGroupCols) + " WHERE sub_key = ?1 ORDER BY name_key", read_group,
      to_lower(subscription_id)));
}

Status ArmStore::delete_group(std::string_view subscription_id, std::string_view name) {
  const std::string sub = to_lower(subscription_id), rg = to_lower(name);
  const std::string scope = "/subscriptions/" + sub + "/resourcegroups/" + rg;
  return in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(exec_sql(db_,
                                 "DELETE FROM names WHERE owner_key IN (SELECT id_key FROM "
                                 "resources WHERE sub_key = ?1 AND rg_key = ?2)",
                                 sub, rg));
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM resources WHERE sub_key = ?1 AND rg_key = ?2", sub, rg));
    EMU_RETURN_IF_ERROR(
        exec_sql(db_, "DELETE FROM deployments WHERE sub_key = ?1 AND rg_key = ?2", sub, rg));
    EMU_RETURN_IF_ERROR(exec_sql(
        db_, "DELETE FROM role_assignments WHERE scope_key = ?1 OR scope_key LIKE ?2 ESCAPE '\\'",
        scope, scope + "/%"));
    return exec_sql(db_, "DELETE FROM resource_groups WHERE sub_key = ?1 AND name_key = ?2", sub,
                    rg);
  });
}

// --- Resources ---

namespace {
Resource read_resource(const Row& s) {
  Resource r;
  r.id = s.column_text(0);
  r.subscription_id = s.column_text(1);
  r.resource_group = s.column_text(2);
  r.type = s.column_text(3);
  r.name = s.column_text(4);
  r.location = s.column_text(5);
  r.body = json_from_column(s.column_text(6), json::object());
  r.state = s.column_text(7);
  r.final_state = s.column_text(8);
  r.settles_at = time_from_column(s.column_int64(9));
  r.delete_when_settled = s.column_int64(10) != 0;
  r.created_at = time_from_column(s.column_int64(11));
  r.changed_at = time_from_column(s.column_int64(12));
  r.deployment = s.column_text(13);
  return r;
}
constexpr std::string_view kResourceCols =
    "SELECT id, subscription_id, resource_group, type, name, location, body, state, final_state,"
    " settles_at, delete_when_settled, created_at, changed_at, deployment FROM resources";
}  // namespace

Status ArmStore::put_resource(const Resource& r) {
  next_due_ = TimePoint{};  // settle() re-reads what is pending
  return exec_sql(
      db_,
      "INSERT OR REPLACE INTO resources(id_key, id, sub_key, rg_key, subscription_id, "
      "resource_group, type_key, type, name, location, body, state, final_state, settles_at, "
      "delete_when_settled, created_at, changed_at, deployment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
      to_lower(r.id), r.id, to_lower(r.subscription_id), to_lower(r.resource_group),
      r.subscription_id, r.resource_group, to_lower(r.type), r.type, r.name, r.location,
      json_to_column(r.body), r.state, r.final_state, time_to_column(r.settles_at),
      r.delete_when_settled ? 1 : 0, time_to_column(r.created_at), time_to_column(r.changed_at),
      r.deployment);
}

Result<Resource> ArmStore::find_resource(std::string_view id) const {
  return query_one<Resource>(db_, std::string(kResourceCols) + " WHERE id_key = ?1", read_resource,
                             "resource '" + std::string(id) + "'", to_lower(id));
}

std::vector<Resource> ArmStore::resources(std::string_view subscription_id, std::string_view group,
                                          std::string_view type) const {
  return or_empty(query_rows<Resource>(
      db_,
      std::string(kResourceCols) +
          " WHERE (?1 = '' OR sub_key = ?1) AND (?2 = '' OR rg_key = ?2) AND "
          "(?3 = '' OR type_key = ?3) ORDER BY id_key",
      read_resource, to_lower(subscription_id), to_lower(group), to_lower(type)));
}

Status ArmStore::delete_resource(std::string_view id) {
  return in_transaction(db_, [&]() -> Status {
    EMU_RETURN_IF_ERROR(release_names_of(id));
    return exec_sql(db_, "DELETE FROM resources WHERE id_key = ?1", to_lower(id));
  });
}

// --- Deployments ---

namespace {
Deployment read_deployment(const Row& s) {
  Deployment d;
  d.id = s.column_text(0);
  d.subscription_id = s.column_text(1);
  d.resource_group = s.column_text(2);
  d.name = s.column_text(3);
  d.properties = json_from_column(s.column_text(4), json::object());
  d.operations = json_from_column(s.column_text(5), json::array());
  d.state = s.column_text(6);
  d.final_state = s.column_text(7);
  d.created_at = time_from_column(s.column_int64(8));
  d.settles_at = time_from_column(s.column_int64(9));
  d.error = json_from_column(s.column_text(10), json());
  return d;
}
constexpr std::string_view kDeploymentCols =
    "SELECT id, subscription_id, resource_group, name, properties, operations, state, "
    "final_state, created_at, settles_at, error FROM deployments";
}  // namespace

Status ArmStore::put_deployment(const Deployment& d) {
  next_due_ = TimePoint{};  // settle() re-reads what is pending
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO deployments(id_key, id, sub_key, rg_key, subscription_id,"
                  " resource_group, name, properties, operations, state, final_state, created_at,"
                  " settles_at, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                  " ?13, ?14)",
                  to_lower(d.id), d.id, to_lower(d.subscription_id), to_lower(d.resource_group),
                  d.subscription_id, d.resource_group, d.name, json_to_column(d.properties),
                  json_to_column(d.operations), d.state, d.final_state,
                  time_to_column(d.created_at), time_to_column(d.settles_at),
                  json_to_column(d.error));
}

Result<Deployment> ArmStore::find_deployment(std::string_view subscription_id,
                                             std::string_view group, std::string_view name) const {
  const std::string id = "/subscriptions/" + std::string(subscription_id) + "/resourceGroups/" +
                         std::string(group) + "/providers/Microsoft.Resources/deployments/" +
                         std::string(name);
  return query_one<Deployment>(db_, std::string(kDeploymentCols) + " WHERE id_key = ?1",
                               read_deployment, "deployment '" + std::string(name) + "'",
                               to_lower(id));
}

std::vector<Deployment> ArmStore::deployments(std::string_view subscription_id,
                                              std::string_view group) const {
  return or_empty(query_rows<Deployment>(
      db_, std::string(kDeploymentCols) + " WHERE sub_key = ?1 AND rg_key = ?2 ORDER BY created_at",
      read_deployment, to_lower(subscription_id), to_lower(group)));
}

Status ArmStore::delete_deployment(std::string_view id) {
  return exec_sql(db_, "DELETE FROM deployments WHERE id_key = ?1", to_lower(id));
}

// --- Operations ---

Status ArmStore::put_operation(const Operation& op) {
  return exec_sql(db_,
                  "INSERT OR REPLACE INTO operations(id_key, id, subscription_id, kind, target, "
                  "location, started_at, settles_at, final_status, error) VALUES (?1, ?2, ?3, ?4,"
                  " ?5, ?6, ?7, ?8, ?9, ?10)",
                  to_lower(op.id), op.id, op.subscription_id, op.kind, op.target, op.location,
                  time_to_column(op.started_at), time_to_column(op.settles_at), op.final_status,
                  json_to_column(op.error));
}

Result<Operation> ArmStore::find_operation(std::string_view id) const {
  return query_one<Operation>(
      db_,
      "SELECT id, subscription_id, kind, target, location, started_at, settles_at, final_status,"
      " error FROM operations WHERE id_key = ?1",
      [](const Row& s) {
        Operation op;
        op.id = s.column_text(0);
        op.subscription_id = s.column_text(1);
        op.kind = s.column_text(2);
        op.target = s.column_text(3);
        op.location = s.column_text(4);
        op.started_at = time_from_column(s.column_int64(5));
        op.settles_at = time_from_column(s.column_int64(6));
        op.final_status = s.column_text(7);
        op.error = json_from_column(s.column_text(8), json());
        return op;
      },
      "operation '" + std::string(id) + "'", to_lower(id));
}

// --- Settings ---

Result<json> ArmStore::setting(std::string_view key) const {
  EMU_ASSIGN_OR_RETURN(std::string text,
                       query_one<std::string>(
                           db_, "SELECT value FROM settings WHERE key = ?1",
                           [](const Row& s) { return s.column_text(0); },
                           "setting '" + std::string(key) + "'", std::string(key)));
  return json_from_column(text, json());
}

Status ArmStore::put_setting(std::string_view key, const json& value) {
  return exec_sql(db_, "INSERT OR REPLACE INTO settings(key, value) VALUES (?1, ?2)",
                  std::string(key), json_to_column(value));
}

}  // namespace emu::arm
