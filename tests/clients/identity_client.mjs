// Drives the unmodified @azure/identity ClientSecretCredential against cmgemu's Entra ID
// endpoint (authorityHost + disableInstanceDiscovery) and verifies the token with jose against
// the served JWKS. Prints one JSON object: {"ok":true,"claims":{...}} or
// {"ok":false,"name","errorCodes","message"}. TLS trust: NODE_EXTRA_CA_CERTS (the lab CA).
// ISS is the expected issuer, or the URL of an OpenID configuration document
// (".../.well-known/openid-configuration") whose `issuer` is expected, as a standard validator
// takes it.
// usage: node identity_client.mjs AUTHORITY_HOST TENANT CLIENT_ID SECRET SCOPE JWKS_URL AUD ISS
import https from "node:https";
import { ClientSecretCredential } from "@azure/identity";
import { createLocalJWKSet, jwtVerify } from "jose";

const [authorityHost, tenant, clientId, secret, scope, jwksUrl, audience, issuer] =
  process.argv.slice(2);

function getJson(url) {
  return new Promise((resolve, reject) => {
    https.get(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
      });
    }).on("error", reject);
  });
}

try {
  const credential = new ClientSecretCredential(tenant, clientId, secret, {
    authorityHost,
    disableInstanceDiscovery: true,
  });
  const token = await credential.getToken(scope);
  const jwks = createLocalJWKSet(await getJson(jwksUrl));
  const expectedIssuer = issuer.endsWith("/.well-known/openid-configuration")
    ? (await getJson(issuer)).issuer
    : issuer;
  const { payload } = await jwtVerify(token.token, jwks, { audience, issuer: expectedIssuer });
  console.log(JSON.stringify({ ok: true, claims: payload }));
} catch (e) {
  console.log(JSON.stringify({
    ok: false,
    name: e.name,
    errorCodes: e.errorResponse?.errorCodes ?? [],
    message: String(e.message).split("\n")[0],
  }));
}
