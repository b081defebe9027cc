"""Who may write: the holder of the configured Bearer token, and nobody when there is none.

The token is compared in constant time (``hmac.compare_digest``) and never logged, echoed
or put in an error message.
"""

from __future__ import annotations

import hmac

from thb_graph.config import Settings
from thb_graph.errors import AuthenticationError, ForbiddenError

#: The challenge sent with a 401 (RFC 6750 §3).
CHALLENGE = 'Bearer realm="thb-graph writes"'


def writes_enabled(settings: Settings) -> bool:
    """True when a write token is configured."""
    return bool(settings.write_token)


def require_writes_enabled(settings: Settings) -> None:
    """ForbiddenError (403) when no write token is configured."""
    if not writes_enabled(settings):
        raise ForbiddenError(
            "writes are switched off on this server (no write token is configured)"
        )


def authorise_write(settings: Settings, authorization: str | None) -> str:
    """The name recorded for the writer; AuthenticationError (401) without a Bearer token,
    ForbiddenError (403) with a wrong one or when writes are switched off."""
    require_writes_enabled(settings)
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise AuthenticationError("this write needs an Authorization: Bearer <token> header")
    given = credentials.strip().encode("utf-8", "surrogateescape")
    if not hmac.compare_digest(given, settings.write_token.encode("utf-8")):
        raise ForbiddenError("the write token is not the right one")
    return settings.write_token_name
