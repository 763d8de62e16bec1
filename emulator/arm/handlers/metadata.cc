// GET /metadata/endpoints: the cloud description az, the SDKs and Terraform read
// (README Sources [S4], [S6]). It points at the lab's own parties: ARM as the client
// addressed it, Entra ID at the lab's "aad" listener.
#include "emulator/arm/handlers/common.h"

namespace emu::arm::internal {
namespace {

using nlohmann::json;

json suffixes() {
  return {{"storage", "core.windows.net"},
          {"keyVaultDns", ".vault.azure.net"},
          {"acrLoginServer", ".azurecr.io"},
          {"sqlServerHostname", ".database.windows.net"},
          {"azureDataLakeStoreFileSystem", "azuredatalakestore.net"},
          {"azureDataLakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net"},
          {"mysqlServerEndpoint", ".mysql.database.azure.com"},
          {"postgresqlServerEndpoint", ".postgres.database.azure.com"},
          {"mariadbServerEndpoint", ".mariadb.database.azure.com"},
          {"synapseAnalytics", ".dev.azuresynapse.net"},
          {"attestationEndpoint", ".attest.azure.net"},
          {"storageSyncEndpointSuffix", "afs.azure.net"},
          {"mhsmDns", ".managedhsm.azure.net"}};
}

const json kAudiences = {"https://management.core.windows.net/", "https://management.azure.com/"};

// One cloud in the array form (2019-05-01 / 2020-06-01) and, with `tenant`, the 2022-09-01
// object. CLI 2.45 needs an /adfs login endpoint to skip instance discovery ([S4]).
json cloud(const Call& call, bool adfs_login) {
  const std::string aad = call.env.deps.endpoint_url ? call.env.deps.endpoint_url("aad") : "";
  const std::string graph = call.env.deps.endpoint_url ? call.env.deps.endpoint_url("graph") : "";
  const std::string arm = call.base_url + "/";
  json c = {{"name", "cmgemu"},
            {"portal", "https://portal.azure.com"},
            {"authentication",
             {{"loginEndpoint", aad + (adfs_login ? "/adfs" : "/")},
              {"audiences", kAudiences},
              {"tenant", "common"},
              {"identityProvider", "AAD"}}},
            {"media", "https://rest.media.azure.net"},
            {"graphAudience", "https://graph.windows.net/"},
            {"graph", graph + "/"},
            {"resourceManager", arm},
            {"microsoftGraphResourceId", "https://graph.microsoft.com/"},
            {"gallery", "https://gallery.azure.com/"},
            {"batch", "https://batch.core.windows.net/"},
            {"sqlManagement", "https://management.core.windows.net:8443/"},
            {"vmImageAliasDoc",
             "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/"
             "quickstart-templates/aliases.json"},
            {"activeDirectoryDataLake", "https://datalake.azure.net/"},
            {"suffixes", suffixes()}};
  return c;
}

http::Response metadata(Call& call) {
  const std::string& v = call.api_version;
  if (v == "2015-01-01") {  // msrestazure auto-detect ([S4])
    json c = cloud(call, true);
    return json_reply(
        200,
        {{"galleryEndpoint", c["gallery"]},
         {"graphEndpoint", c["graph"]},
         {"portalEndpoint", c["portal"]},
         {"authentication",
          {{"loginEndpoint", c["authentication"]["loginEndpoint"]}, {"audiences", kAudiences}}}});
  }
  if (v >= "2022-09-01") return json_reply(200, cloud(call, false));  // one object ([S4])
  return json_reply(200, json::array({cloud(call, true)}));           // array of clouds ([S4])
}

}  // namespace

void add_metadata_routes(http::Router& router, const Wrap& wrap) {
  router.add("GET", "*", "/metadata/endpoints", wrap(metadata, RouteOptions{false, false, true}));
}

}  // namespace emu::arm::internal
