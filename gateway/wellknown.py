"""The documents other software reads to trust our tokens: JWKS and RFC 8414 server metadata."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.context import Hub
from gateway.oauth import AUTH_METHODS, GRANT_TYPES, SCOPES, TOKEN_PATH

__all__ = ["JWKS_PATH", "METADATA_PATH", "router", "server_metadata"]

JWKS_PATH = "/.well-known/jwks.json"
METADATA_PATH = "/.well-known/oauth-authorization-server"
# Verifiers may cache for this long; a retired key can stay trusted elsewhere this much longer.
CACHE_CONTROL = "public, max-age=300"

router = APIRouter()


@router.get(JWKS_PATH, include_in_schema=False)
async def jwks(request: Request) -> JSONResponse:
    """The public halves of the current and retired signing keys."""
    hub: Hub = request.app.state.hub
    return JSONResponse(hub.keys.public_jwks(), headers={"Cache-Control": CACHE_CONTROL})


@router.get(METADATA_PATH, include_in_schema=False)
async def metadata(request: Request) -> JSONResponse:
    """RFC 8414 authorization server metadata."""
    hub: Hub = request.app.state.hub
    return JSONResponse(
        server_metadata(hub.settings.issuer), headers={"Cache-Control": CACHE_CONTROL}
    )


def server_metadata(issuer: str) -> dict[str, Any]:
    """What a client needs to get tokens from this hub, and a verifier to check them."""
    base = issuer.rstrip("/")
    return {
        "issuer": issuer,
        "token_endpoint": base + TOKEN_PATH,
        "jwks_uri": base + JWKS_PATH,
        "grant_types_supported": GRANT_TYPES,
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        # No authorization endpoint, hence no response type; no JWT client authentication,
        # hence no token_endpoint_auth_signing_alg_values_supported.
        "response_types_supported": [],
        "scopes_supported": SCOPES,
    }
