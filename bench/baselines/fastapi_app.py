"""Baseline "FastAPI": the hello endpoints on FastAPI + uvicorn (uvloop, httptools).

The authenticated route does what Dara's ``verify_session`` dependency does for
a Bearer JWT (dara/core/auth/routes.py): split the Authorization header once on a
space, refuse any scheme but ``Bearer``, look the token up in the session store
(an in-memory store that prunes expired entries under a lock on each call, as
Dara's InMemoryAuthSessionBackend does), decode and verify the HS256 JWT with
PyJWT, validate its claims with a pydantic model, and set USER and SESSION_ID
context variables. The handler then receives one injected configuration and one
dependency's value, as a Dara endpoint with ``authenticated=True`` would.

Run with Debian's Python: ``/usr/bin/python3 bench/baselines/fastapi_app.py PORT``
(``bash scripts/setup-system.sh --bench`` installs the packages). The secret
comes from BENCH_JWT_SECRET.
"""

import asyncio
import contextvars
import os
import sys
import time
from typing import List, Optional

import jwt
import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel

SECRET = os.environ["BENCH_JWT_SECRET"]
ISSUER = "dara-ts"


class TokenData(BaseModel):
    sub: str
    sid: str
    name: str
    groups: List[str] = []
    email: Optional[str] = None
    exp: int


class UserData(BaseModel):
    identity_id: str
    identity_name: str
    identity_email: Optional[str] = None
    groups: List[str] = []


USER: contextvars.ContextVar[Optional[UserData]] = contextvars.ContextVar("user", default=None)
SESSION_ID: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "session_id", default=None
)


class InMemorySessionStore:
    """Handle -> (raw token, expiry); pruned of expired entries on each call."""

    def __init__(self) -> None:
        self._sessions: dict = {}
        self._lock = asyncio.Lock()

    async def get(self, handle: str):
        async with self._lock:
            now = time.time()
            expired = [h for h, (_, exp) in self._sessions.items() if exp + 60 < now]
            for h in expired:
                del self._sessions[h]
            entry = self._sessions.get(handle)
            return None if entry is None else entry[0]


STORE = InMemorySessionStore()


def auth_error(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail)


async def verify_session(request: Request) -> str:
    header = request.headers.get("authorization")
    if header is None:
        raise auth_error("No auth credentials passed")
    parts = header.split(" ", 1)
    if len(parts) < 2 or parts[0] != "Bearer":
        raise HTTPException(status_code=400, detail="Invalid authentication scheme")
    token = parts[1]
    stored = await STORE.get(token)
    try:
        claims = jwt.decode(
            stored or token,
            SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            options={"require": ["sub", "sid", "exp"]},
        )
        data = TokenData(**claims)
    except jwt.ExpiredSignatureError:
        raise auth_error("Token expired")
    except Exception:
        raise auth_error("Invalid token")
    USER.set(
        UserData(
            identity_id=data.sub,
            identity_name=data.name,
            identity_email=data.email,
            groups=data.groups,
        )
    )
    SESSION_ID.set(data.sid)
    request.state.session_id = data.sid
    return data.sid


class Greeting(BaseModel):
    """The configuration the authenticated handler is given."""

    text: str


GREETING = Greeting(text="Hello World")


async def caller_tag(request: Request) -> str:
    """The one dependency whose value the handler receives."""
    return request.headers.get("x-caller-tag", "none")


app = FastAPI()


@app.get("/api/hello")
async def hello():
    return "Hello World"


async def hello_auth_handler(tag: str, greeting: Greeting):
    if USER.get() is None or SESSION_ID.get() is None:
        raise RuntimeError("no user in context")
    return greeting.text


# As Dara mounts it: verify_session as a route dependency, the user's dependency
# as a parameter, and the configuration passed in by the handler's proxy.
@app.get("/api/hello-auth", dependencies=[Depends(verify_session)])
async def hello_auth(tag: str = Depends(caller_tag)):
    return await hello_auth_handler(tag, greeting=GREETING)


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
