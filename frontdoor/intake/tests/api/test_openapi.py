"""The partner intake API: the OpenAPI document."""

from __future__ import annotations

import pytest
from django.test import Client

from frontdoor.intake.tests.api.calls import PROBLEM_JSON, SEND, send

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ the OpenAPI document


def test_the_openapi_document_describes_the_intake_operations() -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    scheme = schema["components"]["securitySchemes"]["PartnerToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    send_op = schema["paths"][f"{SEND}"]["post"]
    status_op = schema["paths"][f"{SEND}/{{reference}}"]["get"]
    assert send_op["security"] == [{"PartnerToken": ["referrals:write"]}]
    assert status_op["security"] == [{"PartnerToken": ["referrals:read"]}]
    body = send_op["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/ReferralIn"}
    assert {"police", "health"} <= set(body["examples"])
    assert schema["components"]["schemas"]["ReferralIn"]["additionalProperties"] is False
    (header,) = [p for p in send_op["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key" and header["required"] is True
    assert set(send_op["responses"]) == {
        "200",
        "201",
        "400",
        "401",
        "403",
        "409",
        "413",
        "415",
        "422",
        "429",
        "503",
    }
    assert set(status_op["responses"]) == {"200", "401", "403", "404", "422", "429", "503"}
    for op in (send_op, status_op):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM_JSON]
        assert "WWW-Authenticate" in op["responses"]["401"]["headers"]
        assert "Retry-After" in op["responses"]["429"]["headers"]
    assert "Location" in send_op["responses"]["201"]["headers"]
    assert "Idempotent-Replayed" in send_op["responses"]["200"]["headers"]


def test_the_examples_in_the_openapi_document_are_accepted(police: str) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    examples = schema["paths"][SEND]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]

    for name, example in examples.items():
        response = send(police, example["value"], key=name)
        assert response.status_code == 201, (name, response.content)


def test_the_browsable_docs_are_served_from_installed_static_files() -> None:
    page = Client().get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "//unpkg" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        assert Client().get(f"/static/ninja/{asset}").status_code == 200, asset
