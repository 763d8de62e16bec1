#!/usr/bin/python3
"""Drives the unmodified MSAL Python (Debian python3-msal) against cmgemu's Entra ID endpoint and
verifies the access token with PyJWT (Debian python3-jwt) against the served JWKS.

Prints one JSON object: {"ok": true, "claims": {...}} or {"ok": false, "error", "error_codes"}.
TLS trust comes from REQUESTS_CA_BUNDLE (the lab CA), as for the Azure CLI.
"""
import argparse
import json
import sys

import jwt
import msal
import requests


def verify(token, jwks_url, audience, issuer):
    if issuer.endswith("/.well-known/openid-configuration"):
        # The issuer a standard validator expects: the discovery document's.
        issuer = requests.get(issuer, timeout=30).json()["issuer"]
    jwks = requests.get(jwks_url, timeout=30).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience, issuer=issuer)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--authority")
    p.add_argument("--client-id")
    p.add_argument("--secret")
    p.add_argument("--username")
    p.add_argument("--password")
    p.add_argument("--scope")
    p.add_argument("--verify", metavar="TOKEN", help="only verify TOKEN against the JWKS")
    p.add_argument("--print-token", action="store_true")
    p.add_argument("--jwks", required=True)
    p.add_argument("--audience", required=True)
    p.add_argument("--issuer", required=True,
                   help="the expected iss, or an OpenID configuration URL whose issuer is expected")
    a = p.parse_args()

    if a.verify:
        try:
            claims = verify(a.verify, a.jwks, a.audience, a.issuer)
            print(json.dumps({"ok": True, "claims": claims}))
        except (StopIteration, jwt.PyJWTError) as e:
            print(json.dumps({"ok": False, "error": type(e).__name__}))
        return 0

    if a.secret:
        app = msal.ConfidentialClientApplication(
            a.client_id, client_credential=a.secret, authority=a.authority,
            instance_discovery=False)
        result = app.acquire_token_for_client(scopes=[a.scope])
    else:
        app = msal.PublicClientApplication(
            a.client_id, authority=a.authority, instance_discovery=False)
        result = app.acquire_token_by_username_password(a.username, a.password, scopes=[a.scope])

    if "access_token" not in result:
        print(json.dumps({"ok": False, "error": result.get("error"),
                          "error_codes": result.get("error_codes", []),
                          "description": result.get("error_description", "")}))
        return 0
    claims = verify(result["access_token"], a.jwks, a.audience, a.issuer)
    out = {"ok": True, "claims": claims}
    if a.print_token:
        out["access_token"] = result["access_token"]
    if "id_token_claims" in result:
        out["id_token_claims"] = result["id_token_claims"]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
