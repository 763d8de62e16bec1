// Drives the unmodified Azure SDK for JavaScript against cmgemu's ARM: @azure/identity
// ClientSecretCredential (authorityHost + disableInstanceDiscovery), @azure/arm-resources 7.0.0
// ResourceManagementClient (providers.list, resourceGroups.createOrUpdate,
// resources.listByResourceGroup, resourceGroups.beginDeleteAndWait) and, because 7.0.0 moved
// deployments out, @azure/arm-resourcesdeployments DeploymentsClient (deployments.createOrUpdate
// polled to the end). Prints one JSON object: {"ok":true,...summary...} or
// {"ok":false,"step","statusCode","code","message"}. TLS trust: NODE_EXTRA_CA_CERTS (the lab CA).
// usage: node arm_resources_client.mjs AUTHORITY_HOST TENANT CLIENT_ID SECRET ARM_URL
//        SUBSCRIPTION GROUP LOCATION TEMPLATE_FILE PARAMETERS_JSON
import { readFileSync } from "node:fs";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { DeploymentsClient } from "@azure/arm-resourcesdeployments";

const [authorityHost, tenant, clientId, secret, arm, subscription, group, location, templateFile,
  parametersJson] = process.argv.slice(2);

// JSONC -> JSON: drops // and /* */ comments outside strings (the SDK sends JSON).
function stripComments(text) {
  let out = "";
  for (let i = 0, inString = false; i < text.length; ++i) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end - 1;
    } else if (text.startsWith("/*", i)) {
      i = text.indexOf("*/", i) + 1;
    } else {
      out += c;
    }
  }
  return JSON.parse(out);
}

const credential = new ClientSecretCredential(tenant, clientId, secret, {
  authorityHost,
  disableInstanceDiscovery: true,
});
const scopes = ["https://management.azure.com/.default"];
const client = new ResourceManagementClient(credential, subscription, {
  endpoint: arm,
  credentialScopes: scopes,
});
const deployments = new DeploymentsClient(credential, subscription, {
  endpoint: arm,
  credentials: { scopes },
});

const out = { ok: true };
let step = "providers.list";
try {
  out.providers = {};
  for await (const p of client.providers.list()) out.providers[p.namespace] = p.registrationState;
  step = "resourceGroups.createOrUpdate";
  const g = await client.resourceGroups.createOrUpdate(group, { location });
  out.group = { id: g.id, location: g.location, state: g.properties?.provisioningState };
  step = "deployments.createOrUpdate";
  const parameters = Object.fromEntries(
    Object.entries(JSON.parse(parametersJson)).map(([k, v]) => [k, { value: v }]));
  const template = stripComments(readFileSync(templateFile, "utf8"));
  const d = await deployments.deployments.createOrUpdate(group, "js-deploy", {
    properties: { mode: "Incremental", template, parameters },
  });
  out.deployment = {
    state: d.properties?.provisioningState,
    outputs: Object.fromEntries(
      Object.entries(d.properties?.outputs ?? {}).map(([k, v]) => [k, v.value])),
  };
  step = "resources.listByResourceGroup";
  out.resources = [];
  for await (const r of client.resources.listByResourceGroup(group))
    out.resources.push({ type: r.type, name: r.name });
  out.resources.sort((a, b) => a.type.localeCompare(b.type));
  step = "resourceGroups.beginDeleteAndWait";
  await client.resourceGroups.beginDeleteAndWait(group);
  step = "resourceGroups.checkExistence";
  out.existsAfterDelete = (await client.resourceGroups.checkExistence(group)).body;
} catch (e) {
  console.log(JSON.stringify({
    ok: false,
    step,
    name: e.name,
    statusCode: e.statusCode,
    code: e.code,
    message: String(e.message).split("\n")[0],
  }));
  process.exit(0);
}
console.log(JSON.stringify(out));
