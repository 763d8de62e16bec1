// Directory devices: Entra-joined machines and the certificates that authenticate them.
#include "emulator/aad/directory/directory_internal.h"
#include "emulator/core/crypto/digest.h"

namespace emu::aad {
namespace {

using internal::exec_sql;
using internal::query_one;
using internal::query_rows;

constexpr std::string_view kDeviceColumns =
    "id, device_id, tenant_id, display_name, trust_type, operating_system, enabled, cert_der, "
    "thumbprint, registered";

Device read_device(const store::Statement& s) {
  Device d;
  d.id = s.column_text(0);
  d.device_id = s.column_text(1);
  d.tenant_id = s.column_text(2);
  d.display_name = s.column_text(3);
  d.trust_type = s.column_text(4);
  d.operating_system = s.column_text(5);
  d.enabled = s.column_int64(6) != 0;
  d.cert_der = s.column_blob(7);
  d.thumbprint = s.column_text(8);
  d.registered = internal::time_from_column(s.column_text(9));
  return d;
}

std::string device_select(std::string_view where) {
  return "SELECT " + std::string(kDeviceColumns) + " FROM devices " + std::string(where);
}

}  // namespace

Result<Device> Directory::create_device(Device d) {
  if (d.cert_der.empty()) return InvalidArgument("a device needs its certificate");
  EMU_ASSIGN_OR_RETURN(Tenant tenant, find_tenant(d.tenant_id));
  EMU_ASSIGN_OR_RETURN(d.thumbprint, crypto::thumbprint_of_der(d.cert_der));
  d.tenant_id = tenant.id;
  if (d.id.empty()) d.id = ids_.guid();
  if (d.device_id.empty()) d.device_id = ids_.guid();
  if (d.registered == TimePoint{}) d.registered = clock_.now();
  Status status = exec_sql(db_,
                           "INSERT INTO devices (" + std::string(kDeviceColumns) +
                               ", seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                               "(SELECT COALESCE(MAX(seq), 0) + 1 FROM devices))",
                           d.id, d.device_id, d.tenant_id, d.display_name, d.trust_type,
                           d.operating_system, d.enabled, internal::Blob{d.cert_der}, d.thumbprint,
                           internal::time_to_column(d.registered));
  if (status.code() == StatusCode::kAlreadyExists)
    return AlreadyExists("device '" + d.device_id + "' or its certificate " + d.thumbprint +
                         " is already registered");
  if (!status.ok()) return status;
  return d;
}

Result<Device> Directory::find_device(std::string_view tenant_id, std::string_view key) const {
  static const std::string kSql =
      device_select("WHERE tenant_id = ?1 AND (id = ?2 OR device_id = ?2)");
  return query_one<Device>(db_, kSql, read_device, "device '" + std::string(key) + "' not found",
                           tenant_id, key);
}

Result<Device> Directory::find_device_by_thumbprint(std::string_view thumbprint) const {
  static const std::string kSql = device_select("WHERE thumbprint = ?1");
  return query_one<Device>(db_, kSql, read_device,
                           "no device holds certificate " + std::string(thumbprint), thumbprint);
}

Status Directory::update_device(const Device& d) {
  EMU_RETURN_IF_ERROR(exec_sql(
      db_, "UPDATE devices SET display_name = ?2, trust_type = ?3, enabled = ?4 WHERE id = ?1",
      d.id, d.display_name, d.trust_type, d.enabled));
  if (db_.changes() == 0) return NotFound("device '" + d.id + "' not found");
  return Status::Ok();
}

std::vector<Device> Directory::list_devices(std::string_view tenant_id) const {
  static const std::string kSql = device_select("WHERE tenant_id = ?1 ORDER BY seq");
  return internal::or_empty(query_rows<Device>(db_, kSql, read_device, tenant_id));
}

}  // namespace emu::aad
