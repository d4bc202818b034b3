"""POST /oauth/token: client credentials (RFC 6749 4.4) giving JWT access tokens (RFC 9068).

authlib does the protocol; it is synchronous, so the form and the client are read asynchronously
first and the rest runs in a worker thread (scrypt and ES256 signing are CPU work).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientCredentialsGrant,
    ClientMixin,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from joserfc.jwk import KeySet
from starlette.concurrency import run_in_threadpool

from auth.clients import verify_secret
from auth.roles import Role
from auth.tokens import ALGORITHM, SigningKeys
from gateway.context import Hub
from stakeholders.clients.repository import ActiveClient, active_client

__all__ = ["AUTH_METHODS", "GRANT_TYPES", "SCOPES", "TOKEN_PATH", "router"]

TOKEN_PATH = "/oauth/token"
GRANT_TYPES = ["client_credentials"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
# Role names are the scopes: the SDL's @requiresScopes names roles, so a router can check them.
SCOPES = sorted(role.value for role in Role)
CLIENT_ID_MAX = 64
FORM_TYPE = "application/x-www-form-urlencoded"
INVALID_CLIENT = {"error": "invalid_client", "error_description": "client authentication failed"}

router = APIRouter()


class MachineClient(ClientMixin):
    """authlib's view of a client; `found` None stands for an unknown or revoked client id."""

    def __init__(self, client_id: str, found: ActiveClient | None) -> None:
        self.client_id = client_id
        self.found = found

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_client_secret(self, client_secret: str) -> bool:
        # Unknown clients hash too: the answer's timing does not tell which client ids exist.
        return verify_secret(client_secret, self.found.secret_hash if self.found else None)

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The client's roles, or the subset it asked for; None (invalid_scope) beyond them."""
        held = self.found.roles if self.found else ()
        asked = set(scope.split()) if scope else set(held)
        return " ".join(sorted(asked)) if asked <= set(held) else None


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class AccessTokens(JWTBearerTokenGenerator):
    """RFC 9068 tokens in the shape `auth.tokens.verify` accepts: ES256, our audience, party."""

    def __init__(self, keys: SigningKeys, *, issuer: str, audience: str, ttl: int) -> None:
        super().__init__(issuer=issuer, alg=ALGORITHM, expires_generator=ttl)
        self.keys = keys
        self.audience = audience

    def get_jwks(self) -> KeySet:
        # Only the current key: joserfc then signs with it and writes its kid in the header.
        return KeySet([self.keys.current])

    def get_audiences(self, client: MachineClient, user: Any, scope: str) -> str:
        return self.audience

    def get_extra_claims(
        self, client: MachineClient, grant_type: str, user: Any, scope: str
    ) -> dict[str, Any]:
        assert client.found is not None  # authenticated, so found
        return {"party": client.found.party_code, "roles": scope.split()}


class FormRequest(OAuth2Request):
    """A token request whose form was read beforehand (authlib reads it synchronously)."""

    def __init__(self, uri: str, headers: Mapping[str, str], form: dict[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form

    @property
    def form(self) -> dict[str, str]:
        return self._form


class TokenServer(AuthorizationServer):
    """authlib's server for one token request, its client already read from the database."""

    def __init__(self, tokens: AccessTokens, client: MachineClient) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.client = client
        self.register_grant(ClientCredentials)
        self.register_token_generator("default", tokens)

    def query_client(self, client_id: str) -> MachineClient:
        if client_id == self.client.client_id:
            return self.client
        return MachineClient(client_id, None)

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def save_token(self, token: dict[str, Any], request: FormRequest) -> None:
        """Nothing to save: the JWT carries everything, and expires soon."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners."""


@router.post(TOKEN_PATH, include_in_schema=False)
async def token(request: Request) -> Response:
    """Issue an access token to an authenticated machine client."""
    hub: Hub = request.app.state.hub
    try:
        form = await _read_form(request)
        oauth_request = FormRequest(str(request.url), request.headers, form)
    except InsecureTransportError:
        return _respond(*InvalidRequestError("OAuth 2.0 requires https")())
    except OAuth2Error as error:
        return _respond(*error())
    client = await _load_client(hub, _client_id(request, form))
    settings = hub.settings
    tokens = AccessTokens(
        hub.keys,
        issuer=settings.issuer,
        audience=settings.audience,
        ttl=settings.access_token_ttl,
    )
    server = TokenServer(tokens, client)
    return _respond(*await run_in_threadpool(server.create_token_response, oauth_request))


async def _read_form(request: Request) -> dict[str, str]:
    """The form's parameters; RFC 6749 wants a url-encoded body, each parameter at most once."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise InvalidRequestError(f"the body must be {FORM_TYPE}")
    items = [(key, str(value)) for key, value in (await request.form()).multi_items()]
    form = dict(items)
    if len(form) != len(items):
        raise InvalidRequestError("a parameter is repeated")
    basic_id, _ = _basic_credentials(request)
    if basic_id is not None and "client_secret" in form:
        raise InvalidRequestError("use one way to authenticate the client, not two")
    if "grant_type" not in form:
        raise InvalidRequestError("grant_type is missing")
    return form


def _basic_credentials(request: Request) -> tuple[str | None, str | None]:
    """authlib's reading of HTTP Basic, refusing credentials that are not UTF-8 (RFC 7617's
    charset, which the challenge announces) instead of failing on them."""
    try:
        found: tuple[str | None, str | None] = extract_basic_authorization(request.headers)
    except UnicodeDecodeError:
        raise InvalidRequestError("the Basic credentials must be UTF-8") from None
    return found


def _client_id(request: Request, form: dict[str, str]) -> str | None:
    basic_id, _ = _basic_credentials(request)
    return basic_id if basic_id is not None else form.get("client_id")


async def _load_client(hub: Hub, client_id: str | None) -> MachineClient:
    found = None
    if client_id and len(client_id) <= CLIENT_ID_MAX:
        async with hub.database.sessions() as session:
            found = await active_client(session, client_id)
    return MachineClient(client_id or "", found)


def _respond(status: int, body: dict[str, Any], headers: list[tuple[str, str]]) -> Response:
    extra = {name: value for name, value in headers if name.lower() != "content-type"}
    if body.get("error") == "invalid_client":
        # One answer for unknown, revoked and wrong-secret clients (RFC 6749 5.2: 401 + challenge).
        status, body = 401, INVALID_CLIENT
        extra["WWW-Authenticate"] = 'Basic realm="accord", charset="UTF-8"'
    return JSONResponse(body, status_code=status, headers=extra)
