"""GET /audit: the audit trail for an auditor's script, as `access-agent audit export`
writes it. Only with ACCESS_AGENT_AUDIT_TOKEN set (otherwise there is no such page:
404), and only for a request that carries it as a bearer token (otherwise 401).

    curl -H "Authorization: Bearer $TOKEN" "https://agent.example/audit?request=AR-12&format=csv"
"""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from slack_app.bootstrap import Runtime
from slack_app.services.audit_export import ExportFormat, export, parse_since

PATH = "/audit"
MEDIA = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.JSON: "application/json"}


def register(api: FastAPI, runtime: Runtime) -> None:
    token = runtime.settings.audit_token
    if not token:
        return

    @api.get(PATH)
    def audit_export(request: Request) -> Response:
        if not authorized(request.headers.get("authorization", ""), token):
            return JSONResponse(
                {"error": "a valid bearer token is needed"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        query = request.query_params
        try:
            fmt = ExportFormat(query.get("format", ExportFormat.JSON))
            since = parse_since(query.get("since"))
        except ValueError:
            return JSONResponse(
                {"error": "format is csv or json; since is a date (2026-12-01)"}, status_code=400
            )
        chunks = export(runtime, fmt, request_id=query.get("request"), since=since)
        return StreamingResponse(chunks, media_type=MEDIA[fmt])


def authorized(header: str, token: str) -> bool:
    """`Bearer <token>`, compared in constant time."""
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
