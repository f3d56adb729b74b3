"""Bearer-token guard for API views: the API's counterpart of ``permissions.requires``.

It never looks at the session cookie, so a signed-in browser cannot use the API by accident
(and a page on another site cannot use a visitor's session against it). Failures are JSON:
401 without a live token, 403 when the token's user lacks the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, g, jsonify, request

from ..models import User
from ..permissions import Permission
from .tokens import authenticate

F = TypeVar("F", bound=Callable[..., Any])


def error(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"status": status, "code": code, "message": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_user() -> User:
    """The user the current request's token speaks for (only inside a guarded view)."""
    user: User = g.api_user
    return user


def token_required(permission: Permission) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = authenticate(request.headers.get("Authorization"))
            if user is None:
                return error(401, "unauthorised",
                             "Send a live API token: Authorization: Bearer <token>")
            if not user.can(permission):
                return error(403, "forbidden", "Your token cannot read this")
            g.api_user = user
            return view(*args, **kwargs)

        wrapped._guard = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
