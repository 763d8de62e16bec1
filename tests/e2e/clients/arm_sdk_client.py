#!/usr/bin/python3
"""Drives the unmodified Azure SDK for Python (Debian python3-azure: azure-identity 1.13.0b2,
azure-mgmt-resource 22.0.0) against cmgemu's ARM: list providers, create a resource group,
deploy a template and wait for it, list the group's resources, delete the group and wait.

Prints one JSON object: {"ok": true, ...summary...} or {"ok": false, "step", "error", "code"}.
TLS trust comes from REQUESTS_CA_BUNDLE (the lab CA).
"""
import argparse
import json
import sys

from azure.core.exceptions import HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.resource import ResourceManagementClient


def strip_comments(text):
    """JSONC -> JSON: drops // and /* */ comments outside strings (the SDK sends JSON)."""
    out, i, in_str = [], 0, False
    while i < len(text):
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            i = text.find("\n", i) - 1 if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 1
        else:
            out.append(c)
        i += 1
    return json.loads("".join(out))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--authority", required=True, help="Entra ID host URL")
    p.add_argument("--tenant", required=True, help="tenant GUID or 'adfs'")
    p.add_argument("--client-id", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--arm", required=True, help="ARM base URL")
    p.add_argument("--subscription", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--location", required=True)
    p.add_argument("--template", required=True)
    p.add_argument("--parameters", required=True, help='JSON {"name": value}')
    a = p.parse_args()

    # azure-identity 1.13.0b2 names the switch instance_discovery (later: disable_...).
    cred = ClientSecretCredential(a.tenant, a.client_id, a.secret, authority=a.authority,
                                  instance_discovery=False)
    client = ResourceManagementClient(
        cred, a.subscription, base_url=a.arm,
        credential_scopes=["https://management.core.windows.net//.default"])
    out = {"ok": True}
    step = "providers.list"
    try:
        out["providers"] = {pr.namespace: pr.registration_state
                            for pr in client.providers.list()}
        step = "resource_groups.create_or_update"
        group = client.resource_groups.create_or_update(a.group, {"location": a.location})
        out["group"] = {"id": group.id, "location": group.location,
                        "state": group.properties.provisioning_state}
        step = "deployments.begin_create_or_update"
        with open(a.template, encoding="utf-8") as f:
            template = strip_comments(f.read())
        params = {k: {"value": v} for k, v in json.loads(a.parameters).items()}
        poller = client.deployments.begin_create_or_update(
            a.group, "sdk-deploy",
            {"properties": {"mode": "Incremental", "template": template, "parameters": params}})
        dep = poller.result()
        out["deployment"] = {
            "state": dep.properties.provisioning_state,
            "outputs": {k: v.get("value") for k, v in (dep.properties.outputs or {}).items()}}
        step = "resources.list_by_resource_group"
        out["resources"] = sorted(
            ({"type": r.type, "name": r.name}
             for r in client.resources.list_by_resource_group(a.group)),
            key=lambda r: r["type"])
        step = "resource_groups.begin_delete"
        client.resource_groups.begin_delete(a.group).result()
        step = "resource_groups.check_existence"
        out["exists_after_delete"] = client.resource_groups.check_existence(a.group)
    except HttpResponseError as e:
        code = e.error.code if e.error is not None else None
        print(json.dumps({"ok": False, "step": step, "status": e.status_code, "code": code,
                          "error": str(e)}))
        return 0
    except Exception as e:  # pylint: disable=broad-except
        print(json.dumps({"ok": False, "step": step, "error": f"{type(e).__name__}: {e}"}))
        return 0
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
