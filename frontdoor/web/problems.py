"""The API's errors as RFC 9457 problem details: part of the shared kit, so that every app's
endpoints (the staff API and the partner intake API) answer errors in one shape."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class FieldProblem(Schema):
    """One invalid field of a request."""

    field: str = Field(description="The field's name, e.g. `response` or `limit`.")
    location: Literal["body", "query", "path", "header", "cookie"] = Field(
        description="Where the field was sent."
    )
    message: str
    code: str = Field(description="A stable, machine-readable reason, e.g. `missing`.")


class Problem(Schema):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(
        description="A URI naming the kind of problem; `about:blank` when the status says it all."
    )
    title: str
    status: int = Field(ge=100, le=599)
    detail: str
    instance: str | None = Field(None, description="The path of the request that failed.")
    errors: list[FieldProblem] | None = Field(
        None, description="For invalid requests: each field that was refused, and why."
    )


# --------------------------------------------------------------------------- clocks
