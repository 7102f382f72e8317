"""The fake Discord server: REST under /api/v10, a gateway websocket at /gateway, files under
/attachments. One bot connection (one shard) at a time.

Traps it respects (see DESIGN.md): JSON responses carry Content-Type exactly
`application/json`; READY has `resume_gateway_url`; INTERACTION_CREATE has
`attachment_size_limit` and `data.guild_id`; the interaction callback (?with_response=1) is
answered with `{"interaction": ..., "resource": {"type": N}}`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 100000000000000001
BOT_ID = 100000000000000001
OWNER_ID = 200000000000000001
GUILD_ID = 300000000000000001
CHANNEL_ID = 400000000000000001
OTHER_CHANNEL_ID = 400000000000000002
ALL_PERMISSIONS = (1 << 41) - 1
MANAGE_GUILD = 1 << 5
DEFAULT_MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view, send, use app commands
CALLBACK_TYPES = {1: "pong", 4: "message", 5: "deferred", 6: "deferred_update", 7: "update",
                  8: "autocomplete", 9: "modal"}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float


@dataclass
class Exchange:
    """Everything the bot sent for one interaction."""

    token: str
    sent_at: float
    payload: dict[str, Any]
    requests: list[Recorded] = field(default_factory=list)

    @property
    def callback(self) -> Recorded | None:
        return next((r for r in self.requests if r.path.endswith("/callback")), None)

    @property
    def ack_latency(self) -> float | None:
        callback = self.callback
        return None if callback is None else callback.at - self.sent_at

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message payload sent (callback data, edits, follow-ups), in order."""
        out = []
        for r in self.requests:
            if r.path.endswith("/callback") and isinstance(r.json, dict):
                if r.json.get("data") and r.json.get("type") in (4, 7):
                    out.append(r.json["data"])
            elif r.method in ("PATCH", "POST") and "/webhooks/" in r.path:
                out.append(r.json)
        return out

    @property
    def final(self) -> dict[str, Any]:
        messages = self.messages
        assert messages, f"no message was sent for this interaction: {self.requests}"
        return messages[-1]

    @property
    def ephemeral(self) -> bool:
        return bool(self.final.get("flags", 0) & 64)

    @property
    def choices(self) -> list[dict[str, Any]]:
        callback = self.callback
        assert callback is not None and callback.json["type"] == 8, self.requests
        return list(callback.json["data"]["choices"])


class FakeDiscord:
    def __init__(self, *, heartbeat_interval_ms: int = 1000,
                 attachment_size_limit: int = 10 * 1024 * 1024) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.attachment_size_limit = attachment_size_limit
        self.requests: list[Recorded] = []
        self.heartbeats: list[float] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections = 0
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.exchanges: dict[str, Exchange] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._ids = itertools.count(900000000000000001)
        self._seq = itertools.count(1)
        self._ws: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Life cycle ------------------------------------------------------------------------------
    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # Recording -------------------------------------------------------------------------------
    async def _record(self, request: web.Request, path: str) -> Recorded:
        body: Any = None
        if request.can_read_body:
            if request.content_type == "multipart/form-data":
                body = {}
                reader = await request.multipart()
                async for part in reader:
                    if part.name == "payload_json":  # type: ignore[union-attr]
                        body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                raw = await request.read()
                body = json.loads(raw) if raw else None
        record = Recorded(request.method, path, dict(request.query), body, time.perf_counter())
        self.requests.append(record)
        for token, exchange in self.exchanges.items():
            if token in path:
                exchange.requests.append(record)
        async with self._changed:
            self._changed.notify_all()
        return record

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until `predicate()` is truthy (re-checked on each request received)."""
        async def check() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value
        return await asyncio.wait_for(check(), timeout)

    async def _poke(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def requests_to(self, method: str, suffix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    # REST ------------------------------------------------------------------------------------
    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # Exactly application/json: with "; charset=utf-8" discord.py reads the body as text.
        return web.Response(body=json.dumps(data).encode(), status=status,
                            headers={"Content-Type": "application/json"})

    def bot_user(self) -> dict[str, Any]:
        return {"id": str(BOT_ID), "username": "briefing", "discriminator": "0",
                "global_name": "Briefing", "avatar": None, "bot": True, "flags": 0}

    @staticmethod
    def user(user_id: int, name: str | None = None) -> dict[str, Any]:
        name = name or f"user{str(user_id)[-4:]}"
        return {"id": str(user_id), "username": name, "discriminator": "0",
                "global_name": name, "avatar": None}

    def message(self, payload: dict[str, Any], channel_id: int,
                message_id: int | None = None) -> dict[str, Any]:
        message_id = message_id or self.next_id()
        data = {
            "id": str(message_id), "channel_id": str(channel_id), "guild_id": str(GUILD_ID),
            "author": self.bot_user(), "content": payload.get("content") or "",
            "timestamp": "2024-05-21T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": payload.get("embeds") or [], "pinned": False, "type": 0,
            "flags": payload.get("flags", 0), "components": payload.get("components") or [],
            "webhook_id": str(APP_ID), "application_id": str(APP_ID),
        }
        self.messages[message_id] = data
        return data

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        record = await self._record(request, path)
        parts = path.strip("/").split("/")
        method = request.method
        if method == "GET" and path == "/users/@me":
            return self._json(self.bot_user())
        if method == "GET" and path == "/oauth2/applications/@me":
            return self._json({
                "id": str(APP_ID), "name": "Briefing", "description": "", "icon": None,
                "bot_public": True, "bot_require_code_grant": False,
                "owner": self.user(OWNER_ID, "owner"), "verify_key": "0" * 64, "flags": 0,
                "team": None, "summary": "",
            })
        if method == "GET" and path in ("/gateway/bot", "/gateway"):
            return self._json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})
        if parts[0] == "applications" and parts[-1] == "commands":
            scope = "global" if len(parts) == 3 else parts[3]
            if method == "PUT":
                # Discord answers "" as the description of a context-menu command (which
                # is sent without one).
                synced = [{"description": "", **c, "id": str(self.next_id()),
                           "application_id": str(APP_ID),
                           "version": "1", "default_member_permissions":
                           c.get("default_member_permissions"), "dm_permission": True,
                           "nsfw": c.get("nsfw", False)} for c in record.json]
                if scope != "global":
                    for command in synced:
                        command["guild_id"] = scope
                self.commands[scope] = synced
                return self._json(synced)
            return self._json(self.commands.get(scope, []))
        if parts[0] == "interactions" and parts[-1] == "callback":
            interaction_id, token = parts[1], parts[2]
            kind = record.json["type"]
            exchange = self.exchanges.get(token)
            channel_id = int(exchange.payload.get("channel_id", CHANNEL_ID)) if exchange else 0
            response: dict[str, Any] = {"interaction": {
                "id": interaction_id, "type": exchange.payload["type"] if exchange else 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(
                    ((record.json.get("data") or {}).get("flags") or 0) & 64),
            }, "resource": {"type": kind}}
            if kind in (4, 5):
                original = self.message(record.json.get("data") or {}, channel_id)
                response["interaction"]["response_message_id"] = original["id"]
                if exchange is not None:
                    exchange.payload["_original_id"] = int(original["id"])
            return self._json(response)
        if parts[0] == "webhooks":
            token = parts[2]
            exchange = self.exchanges.get(token)
            channel_id = int(exchange.payload.get("channel_id", CHANNEL_ID)) if exchange else 0
            if method == "PATCH" and parts[-1] == "@original":
                original_id = exchange.payload.get("_original_id") if exchange else None
                return self._json(self.message(record.json or {}, channel_id, original_id))
            if method == "DELETE":
                return web.Response(status=204)
            if method == "GET":
                original_id = exchange.payload.get("_original_id") if exchange else None
                return self._json(self.messages.get(original_id or 0)
                                  or self.message({}, channel_id))
            if method == "POST":
                return self._json(self.message(record.json or {}, channel_id))
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            return self._json(self.message(record.json or {}, int(parts[1])))
        return self._json({"message": f"Unknown route {method} {path}", "code": 0}, status=404)

    async def _attachment(self, request: web.Request) -> web.Response:
        await self._record(request, request.path)
        name = request.match_info["name"]
        if name not in self.files:
            return web.Response(status=404)
        data, content_type = self.files[name]
        return web.Response(body=data, headers={"Content-Type": content_type})

    # Gateway ---------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._ws = ws
        self.connections += 1
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                            "s": None, "t": None})
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                if message.type == WSMsgType.BINARY:
                    continue
                break
            frame = json.loads(message.data)
            op = frame.get("op")
            if op == 1:
                self.heartbeats.append(time.perf_counter())
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                self.identifies.append(frame["d"])
                shard = frame["d"].get("shard") or [0, 1]
                await self.dispatch("READY", {
                    "v": 10, "user": self.bot_user(), "guilds": [], "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url, "shard": shard,
                    "application": {"id": str(APP_ID), "flags": 0},
                })
                self.ready.set()
            elif op == 6:
                self.resumes.append(frame["d"])
                await self.dispatch("RESUMED", {})
                self.ready.set()
                await self._poke()
        if self._ws is ws:
            self._ws = None
            self.ready.clear()
        return ws

    async def reconnect(self) -> None:
        """Ask the bot to reconnect (op 7 RECONNECT), as Discord does before maintenance."""
        assert self._ws is not None, "the bot is not connected"
        self.ready.clear()
        await self._ws.send_json({"op": 7, "d": None, "s": None, "t": None})

    async def drop(self, code: int = 4000) -> None:
        """Close the gateway socket with `code` (4000, unknown error, is resumable)."""
        assert self._ws is not None, "the bot is not connected"
        self.ready.clear()
        await self._ws.close(code=code, message=b"dropped by the test")

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "the bot is not connected"
        await self._ws.send_json({"op": 0, "s": next(self._seq), "t": event, "d": data})

    # Interactions ----------------------------------------------------------------------------
    def interaction_payload(
        self, *, kind: int, data: dict[str, Any], user_id: int = OWNER_ID + 1,
        channel_id: int = CHANNEL_ID, guild_id: int | None = GUILD_ID,
        permissions: int = ALL_PERMISSIONS, message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        token = f"token-{self.next_id()}"
        payload: dict[str, Any] = {
            "id": str(self.next_id()), "application_id": str(APP_ID), "type": kind,
            "token": token, "version": 1, "data": data, "locale": "en-US",
            "app_permissions": str(ALL_PERMISSIONS), "entitlements": [],
            "attachment_size_limit": self.attachment_size_limit,
            "channel_id": str(channel_id), "context": 0 if guild_id else 1,
            "authorizing_integration_owners": {"0": str(guild_id or 0)},
            "channel": {"id": str(channel_id), "type": 0, "name": "news", "position": 0,
                        "permission_overwrites": [], "nsfw": False, "parent_id": None,
                        "topic": None, "last_message_id": None, "rate_limit_per_user": 0,
                        **({"guild_id": str(guild_id)} if guild_id else {})},
        }
        if guild_id:
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
            payload["member"] = {
                "user": self.user(user_id), "roles": [], "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False, "mute": False, "flags": 0, "permissions": str(permissions),
                "nick": None, "avatar": None, "pending": False,
            }
        else:
            payload["user"] = self.user(user_id)
        if message is not None:
            payload["message"] = message
        return payload

    async def send(self, payload: dict[str, Any]) -> Exchange:
        exchange = Exchange(token=payload["token"], sent_at=time.perf_counter(), payload=payload)
        self.exchanges[payload["token"]] = exchange
        await self.dispatch("INTERACTION_CREATE", payload)
        return exchange

    async def command(
        self, name: str, options: list[dict[str, Any]] | None = None, *,
        resolved: dict[str, Any] | None = None, wait: bool = True, timeout: float = 30.0,
        **who: Any,
    ) -> Exchange:
        """Invoke a slash command (`options` in Discord's shape) and, with `wait`, return once
        its final message has been sent."""
        guild_id = who.get("guild_id", GUILD_ID)
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 1,
                                "options": options or []}
        if guild_id:
            data["guild_id"] = str(guild_id)
        if resolved:
            data["resolved"] = resolved
        exchange = await self.send(self.interaction_payload(kind=2, data=data, **who))
        if wait:
            await self.wait_final(exchange, timeout)
        return exchange

    def user_message(self, content: str = "", *, attachments: list[dict[str, Any]] | None = None,
                     channel_id: int = CHANNEL_ID, author_id: int = OWNER_ID + 2) -> dict[str, Any]:
        """A message some user posted (for message commands): its JSON as Discord sends it."""
        message = self.message({"content": content}, channel_id)
        message["author"] = self.user(author_id)
        message["attachments"] = list(attachments or [])
        return message

    async def message_command(
        self, name: str, message: dict[str, Any], *, wait: bool = True, timeout: float = 30.0,
        **who: Any,
    ) -> Exchange:
        """Invoke a message (context-menu) command on `message`: an application command
        interaction with data.type 3, `target_id`, and the message in `resolved.messages`."""
        guild_id = who.get("guild_id", GUILD_ID)
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 3,
                                "target_id": message["id"],
                                "resolved": {"messages": {message["id"]: message}}}
        if guild_id:
            data["guild_id"] = str(guild_id)
        exchange = await self.send(self.interaction_payload(kind=2, data=data, **who))
        if wait:
            await self.wait_final(exchange, timeout)
        return exchange

    async def wait_final(self, exchange: Exchange, timeout: float = 30.0) -> Exchange:
        def finished() -> bool:
            callback = exchange.callback
            if callback is None:
                return False
            if callback.json["type"] in (4, 7, 8):
                return True
            # Deferred: done at the first edit or follow-up carrying a message.
            return any(r.method in ("PATCH", "POST") and "/webhooks/" in r.path
                       for r in exchange.requests)
        await self.wait_for(finished, timeout)
        return exchange

    async def autocomplete(self, name: str, options: list[dict[str, Any]],
                           timeout: float = 10.0, **who: Any) -> Exchange:
        data = {"id": str(self.next_id()), "name": name, "type": 1, "options": options,
                "guild_id": str(who.get("guild_id", GUILD_ID))}
        exchange = await self.send(self.interaction_payload(kind=4, data=data, **who))
        await self.wait_for(lambda: exchange.callback, timeout)
        return exchange

    async def press(self, message: dict[str, Any], custom_id: str, timeout: float = 10.0,
                    **who: Any) -> Exchange:
        """Press a button of `message` (a message JSON this fake returned)."""
        data = {"custom_id": custom_id, "component_type": 2}
        exchange = await self.send(self.interaction_payload(
            kind=3, data=data, message=message, **who))
        await self.wait_for(lambda: exchange.callback, timeout)
        return exchange

    def add_file(self, name: str, data: bytes, content_type: str) -> dict[str, Any]:
        """Serve a file and return the `resolved.attachments` entry describing it."""
        self.files[name] = (data, content_type)
        attachment_id = self.next_id()
        url = f"http://127.0.0.1:{self.port}/attachments/{name}"
        return {"id": str(attachment_id), "filename": name, "size": len(data), "url": url,
                "proxy_url": url, "content_type": content_type}
