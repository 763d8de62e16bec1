// ARM error wording of template deployments and the template engine. Sources beside each
// builder ([C-doc]: a Microsoft Learn page or a quoted real reply); "inferred" marks wording not
// confirmed against the real service.
#include "emulator/arm/errors.h"

#include <chrono>
#include <cstdio>

namespace emu::arm::errors {
namespace {

// .NET's en-US general date/time ("7/2/2018 12:08:13 PM"), as ARM prints it in messages.
std::string dotnet_time(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const auto tod = std::chrono::hh_mm_ss(std::chrono::floor<std::chrono::seconds>(t - day));
  const int h24 = static_cast<int>(tod.hours().count());
  const int h12 = h24 % 12 == 0 ? 12 : h24 % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u/%u/%d %d:%02d:%02d %s", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(ymd.year()), h12,
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                h24 < 12 ? "AM" : "PM");
  return buf;
}

}  // namespace

// [inferred]
ArmError deployment_not_found(const std::string& name) {
  return make(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
}

// [C-doc] wording as ARM answers today, e.g. MicrosoftLearning/AZ-700-...#328 (2026) and
// Dayzure/entra-gsa-labs#6 (2025); older replies appended " Please see https://aka.ms/arm-deploy
// for usage details." (Azure/migAz#91).
ArmError invalid_template_deployment(const std::string& name, const std::string& tracking_id,
                                     std::vector<ArmError> details) {
  ArmError e = make(400, "InvalidTemplateDeployment",
                    "The template deployment '" + name +
                        "' is not valid according to the validation procedure. The tracking id "
                        "is '" +
                        tracking_id + "'. See inner errors for details.");
  e.details = std::move(details);
  return e;
}

// [C-doc] MicrosoftDocs/azure-docs#107757, Dayzure/entra-gsa-labs#6.
ArmError deployment_failed(std::vector<ArmError> details) {
  ArmError e = make(409, "DeploymentFailed",
                    "At least one resource deployment operation failed. Please list deployment "
                    "operations for details. Please see https://aka.ms/arm-deployment-operations "
                    "for usage details.");
  e.details = std::move(details);
  return e;
}

// [C-doc] message quoted in Azure/bicep#14369 (2024) and azure-pipelines-tasks#5320; the code
// name DeploymentActive is inferred. ARM keeps an active deployment for 7 days at most.
ArmError deployment_active(const std::string& name, TimePoint started) {
  return make(409, "DeploymentActive",
              "Unable to edit or replace deployment '" + name + "': previous deployment from '" +
                  dotnet_time(started) + "' is still active (expiration time is '" +
                  dotnet_time(started + std::chrono::days(7)) +
                  "'). Please see https://aka.ms/arm-deploy-resources for usage details.");
}

// [inferred] the rule is documented (Deployments - Cancel: "only if the provisioningState is
// Accepted or Running"); code and wording are not confirmed.
ArmError deployment_not_cancelable(const std::string& name, const std::string& state) {
  return make(409, "DeploymentCannotBeCancelled",
              "The deployment '" + name + "' cannot be cancelled because it is in '" + state +
                  "' state. A deployment can be cancelled only while it is 'Accepted' or "
                  "'Running'.");
}

// [inferred]
ArmError deployment_operation_not_found(const std::string& deployment,
                                        const std::string& operation_id) {
  return make(404, "DeploymentOperationNotFound",
              "Deployment operation '" + operation_id + "' of deployment '" + deployment +
                  "' could not be found.");
}

// Emulator limitation (documented): templates must be sent inline.
ArmError template_link_not_supported() {
  return make(400, "InvalidTemplate",
              "Deployment template validation failed: 'The emulator does not fetch linked "
              "templates or parameter files: send the template in 'properties.template' and the "
              "parameters in 'properties.parameters' instead of 'templateLink'/'parametersLink'.'.",
              "properties.templateLink");
}

// [inferred]
ArmError template_missing() {
  return invalid_request_content(
      "The deployment must have 'properties.template' (an object) or "
      "'properties.templateLink'.");
}

// Emulator limitation (documented): Complete mode would delete unlisted resources.
ArmError deployment_mode_not_supported(const std::string& mode) {
  return invalid_parameter(
      "properties.mode",
      "The deployment mode '" + mode +
          "' is not supported by the emulator: only 'Incremental' deployments are modelled.");
}

// [inferred] ARM's rule: 1-64 characters, letters, digits, '-', '.', '_', '(' and ')'.
ArmError invalid_deployment_name(const std::string& name) {
  return make(400, "InvalidDeploymentName",
              "The deployment name '" + name +
                  "' is invalid. It must be 1 to 64 characters of letters, digits, '-', '.', "
                  "'_', '(' and ')'.");
}

// [inferred] wording of ARM's request-body error for a template without `resources`.
ArmError template_resources_missing() {
  return invalid_request_content(
      "Required property 'resources' not found in JSON. Path 'properties.template'.");
}

// Wording as ARM answers (e.g. Azure/azure-cli#6677, MicrosoftDocs/azure-docs#80872).
ArmError invalid_template(std::string target, const std::string& inner) {
  return make(400, "InvalidTemplate", "Deployment template validation failed: '" + inner + "'.",
              std::move(target));
}

// ARM wording (F5Networks/f5-azure-arm-templates#238), the path standing for line/column.
ArmError template_expression_failed(const std::string& resource_id, const std::string& path,
                                    std::string target, const std::string& reason) {
  return make(400, "InvalidTemplate",
              "Unable to process template language expressions for resource '" + resource_id +
                  "' at '" + path + "'. '" + reason + "'",
              std::move(target));
}

// ARM's code (Azure/azure-policy#1442); message wording inferred.
ArmError output_evaluation_failed(const std::string& name, ArmError detail) {
  ArmError e = make(400, "DeploymentOutputEvaluationFailed",
                    "Unable to evaluate template outputs: '" + name +
                        "'. Please see error details and deployment operations. Please see "
                        "https://aka.ms/arm-common-errors for usage details.");
  e.details.push_back(std::move(detail));
  return e;
}

// [C-doc] code and message as ARM answers (Azure/azure-api-management-devops-resource-kit#594,
// Azure/ALZ-Bicep#833: "The request content size exceeds the maximum size of 4 MB."); the
// status 413 is inferred (MicrosoftDocs/azure-docs#74251 reports a 413 for a large body).
ArmError request_content_too_large() {
  return make(413, "RequestContentTooLarge",
              "The request content size exceeds the maximum size of 4 MB.");
}

// [C-doc] wording of the variables (Azure/acs-engine#3015) and resources
// (Azure/azure-api-management-devops-resource-kit#360) limits; the same form for parameters
// and outputs, and the links, are inferred.
ArmError template_limit_exceeded(const std::string& section, size_t limit, size_t actual) {
  return invalid_template(
      section, "The number of template " + section + " limit exceeded. Limit: '" +
                   std::to_string(limit) + "' and actual: '" + std::to_string(actual) +
                   "'. Please see https://aka.ms/arm-template/#" + section + " for usage details.");
}

// Code from Microsoft Learn "Resolve errors for job size exceeded" (JobSizeExceededException,
// DeploymentJobSizeExceededException); message [inferred].
ArmError deployment_job_size_exceeded(std::string target, const std::string& what, size_t bytes,
                                      size_t limit) {
  return make(400, "DeploymentJobSizeExceeded",
              "The size of " + what + " after expansion, " + std::to_string(bytes) +
                  " bytes, exceeds the limit of " + std::to_string(limit) + " bytes.",
              std::move(target));
}

}  // namespace emu::arm::errors
