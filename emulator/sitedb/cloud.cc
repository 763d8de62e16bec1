// SiteDb: cloud services (Azure_CloudService; the CMG rows feed vProxy_Roles).
#include "emulator/core/store/statements.h"
#include "emulator/sitedb/site_db.h"

namespace emu::sitedb {
namespace {

using store::Statement;

constexpr const char* kServiceColumns =
    "SELECT ID, Name, ServiceCName, ServiceType, AzureEnvironment, Region, VMSize, "
    "NumberOfInstances, ResourceGroup, SubscriptionID, TenantID, Description, ServiceThumbprint, "
    "Certificate, State, StatusDescription, NextMaintenanceTime, Settings, CreatedTime "
    "FROM dbo.Azure_CloudService ";

CloudService service_from(const Statement& s) {
  CloudService c;
  c.id = s.column_int64(0);
  c.name = s.column_text(1);
  c.deployment_name = s.column_text(2);
  c.service_type = s.column_text(3);
  c.environment = s.column_text(4);
  c.region = s.column_text(5);
  c.vm_size = s.column_text(6);
  c.instances = static_cast<int>(s.column_int64(7));
  c.resource_group = s.column_text(8);
  c.subscription_id = s.column_text(9);
  c.tenant_id = s.column_text(10);
  c.description = s.column_text(11);
  c.certificate_thumbprint = s.column_text(12);
  c.certificate_pem = s.column_text(13);
  c.state = static_cast<CloudServiceState>(s.column_int64(14));
  c.status_description = s.column_text(15);
  c.next_maintenance = s.column_text(16);
  c.settings = internal::parse_json(s.column_text(17));
  c.created = s.column_text(18);
  return c;
}

// Binds the 18 value columns as ?2..?19 in kServiceColumns order (after ID) and runs.
Status write_service(store::Database& db, std::string_view sql, const CloudService& c) {
  return store::exec_sql(db, sql, c.id, c.name, c.deployment_name, c.service_type, c.environment,
                         c.region, c.vm_size, c.instances, c.resource_group, c.subscription_id,
                         c.tenant_id, c.description, c.certificate_thumbprint, c.certificate_pem,
                         static_cast<int>(c.state), c.status_description, c.next_maintenance,
                         internal::json_text(c.settings), c.created);
}

constexpr const char* kInsertService =
    "INSERT INTO dbo.Azure_CloudService(ID, Name, ServiceCName, ServiceType, AzureEnvironment, "
    "Region, VMSize, NumberOfInstances, ResourceGroup, SubscriptionID, TenantID, Description, "
    "ServiceThumbprint, Certificate, State, StatusDescription, NextMaintenanceTime, Settings, "
    "CreatedTime) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
    "?17, ?18, ?19)";

constexpr const char* kUpdateService =
    "UPDATE dbo.Azure_CloudService SET Name = ?2, ServiceCName = ?3, ServiceType = ?4, "
    "AzureEnvironment = ?5, Region = ?6, VMSize = ?7, NumberOfInstances = ?8, "
    "ResourceGroup = ?9, SubscriptionID = ?10, TenantID = ?11, Description = ?12, "
    "ServiceThumbprint = ?13, Certificate = ?14, State = ?15, StatusDescription = ?16, "
    "NextMaintenanceTime = ?17, Settings = ?18, CreatedTime = ?19 WHERE ID = ?1";

}  // namespace

Result<CloudService> SiteDb::add_cloud_service(CloudService service) {
  if (service.name.empty()) return InvalidArgument("a cloud service needs a name");
  Status status = store::in_transaction(*db_, [&]() -> Status {
    if (cloud_service(service.name).ok()) {
      return AlreadyExists("cloud service '" + service.name + "' already exists");
    }
    EMU_ASSIGN_OR_RETURN(
        std::vector<int64_t> top,
        store::query_rows<int64_t>(*db_, "SELECT coalesce(max(ID), 0) FROM dbo.Azure_CloudService",
                                   [](const Statement& s) { return s.column_int64(0); }));
    EMU_ASSIGN_OR_RETURN(service.id, next_id("Azure_CloudService", top.empty() ? 0 : top.front()));
    return write_service(*db_, kInsertService, service);
  });
  if (!status.ok()) return status;
  return service;
}

Status SiteDb::update_cloud_service(const CloudService& service) {
  EMU_RETURN_IF_ERROR(write_service(*db_, kUpdateService, service));
  if (db_->changes() == 0) {
    return NotFound("cloud service " + std::to_string(service.id) + " not found");
  }
  return Status::Ok();
}

Status SiteDb::remove_cloud_service(int64_t id) {
  EMU_RETURN_IF_ERROR(
      store::exec_sql(*db_, "DELETE FROM dbo.Azure_CloudService WHERE ID = ?1", id));
  if (db_->changes() == 0) return NotFound("cloud service " + std::to_string(id) + " not found");
  return Status::Ok();
}

Result<CloudService> SiteDb::cloud_service(const std::string& name) const {
  return store::query_one<CloudService>(*db_, std::string(kServiceColumns) + "WHERE Name = ?1",
                                        service_from, "cloud service '" + name + "' not found",
                                        name);
}

std::vector<CloudService> SiteDb::cloud_services() const {
  return store::or_empty(store::query_rows<CloudService>(
      *db_, std::string(kServiceColumns) + "ORDER BY ID", service_from));
}

}  // namespace emu::sitedb
