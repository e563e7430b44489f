"""The model endpoint the harness talks to: a small HTTP server on the agent's own loopback, backed by Inspect.

It speaks the OpenAI Chat Completions dialect (/v1/chat/completions) and the Gemini API dialect
(/v1beta/models/<m>:generateContent, :streamGenerateContent, :countTokens), streamed or not, and answers every
request by calling the trial's Inspect model. So an API model's key stays in this process (the agent never sees
it and needs no internet), the offline embedded model serves a real harness, and every call is an Inspect model
event in the trial's log. The conversation with the most turns is kept as the trial's message history.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import socket
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from inspect_ai.model import ChatMessage, Model, ModelOutput

from . import gemini_api, openai_api
from .modelcall import ModelRequest

MAX_BODY = 64 * 1024 * 1024
IDLE_SECONDS = 900.0
HEARTBEAT_SECONDS = 20.0
MODEL_NAME = "inspect"
"""The model name a harness is configured with; every name reaches the trial's model."""


@dataclass
class EndpointRecord:
    """What went through the endpoint, for the trial's metadata and transcript."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    paths: dict[str, int] = field(default_factory=dict)
    conversation: list[ChatMessage] = field(default_factory=list)
    _rank: tuple[bool, int] = (False, 0)

    def keep(self, request: ModelRequest, output: ModelOutput) -> None:
        """Keep the agent's own thread: calls that offer tools win over side calls (titles, summaries)."""
        turns = [*request.messages, output.message]
        rank = (bool(request.tools), len(turns))
        if rank >= self._rank:
            self.conversation, self._rank = turns, rank

    def metadata(self) -> dict[str, Any]:
        return {"requests": self.requests, "errors": self.errors[:20], "paths": self.paths}


@dataclass(frozen=True)
class Streamed:
    """A reply sent as server-sent events: `heartbeat` every HEARTBEAT_SECONDS while `events` is computed (so a
    slow model never trips the client's header or body timeout), then the events."""

    events: Coroutine[Any, Any, list[Any]]
    heartbeat: bytes
    done_marker: bool


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    stream: Streamed | None = None


def _json(status: int, value: Any) -> Reply:
    return Reply(status, json.dumps(value).encode())


def _sse(events: list[Any], done_marker: bool) -> bytes:
    text = "".join(f"data: {json.dumps(e)}\r\n\r\n" for e in events)
    return (text + ("data: [DONE]\r\n\r\n" if done_marker else "")).encode()


OPENAI_HEARTBEAT = b": waiting for the model\r\n\r\n"
"""An SSE comment, which OpenAI-dialect clients skip."""

GEMINI_HEARTBEAT = _sse([{"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]}, "index": 0}]}], False)
"""An empty text chunk: the Gemini SDK's stream reader has no comments, and an empty chunk adds nothing."""


class ModelEndpoint:
    """Serve `model` on an already listening socket until `stop()`."""

    def __init__(self, model: Model, sock: socket.socket) -> None:
        self.model = model
        self.sock = sock
        self.record = EndpointRecord()
        self._context = contextvars.copy_context()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        return f"http://{host}:{port}"

    async def start(self) -> None:
        self._context = contextvars.copy_context()  # the sample's context: model events land in its transcript
        self._server = await asyncio.start_server(self._connection, sock=self.sock, limit=MAX_BODY)

    async def stop(self) -> None:
        """Stop serving; requests still in progress (the harness was stopped mid-call) are cancelled."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self._connections):
            connection.cancel()
        if self._connections:
            await asyncio.wait(self._connections, timeout=10)

    async def _generate(self, request: ModelRequest) -> ModelOutput:
        config = request.config.merge(self.model.config)  # the eval's settings win over the harness's defaults
        task = asyncio.create_task(
            self.model.generate(request.messages, request.tools, request.tool_choice, config),
            context=self._context,
        )
        output = await task
        self.record.keep(request, output)
        return output

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)
        try:
            while True:
                request = await asyncio.wait_for(_read_request(reader), IDLE_SECONDS)
                if request is None:
                    break
                method, target, headers, body = request
                reply = await self._handle(method, target, body)
                keep = headers.get("connection", "").lower() != "close"
                if reply.stream is None:
                    writer.write(_head(reply, keep, len(reply.body)) + reply.body)
                    await writer.drain()
                else:
                    await self._stream(writer, reply, keep)
                if not keep:
                    break
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    async def _stream(self, writer: asyncio.StreamWriter, reply: Reply, keep: bool) -> None:
        assert reply.stream is not None
        writer.write(_head(reply, keep, None))
        await writer.drain()
        work = asyncio.ensure_future(reply.stream.events)
        try:
            while not work.done():
                await asyncio.wait({work}, timeout=HEARTBEAT_SECONDS)
                if not work.done():
                    writer.write(_chunk(reply.stream.heartbeat))
                    await writer.drain()
            try:
                events = work.result()
            except Exception as error:  # the stream is open: report the failure in it, as the APIs do
                events = [self._failed(error)]
            writer.write(_chunk(_sse(events, reply.stream.done_marker)) + b"0\r\n\r\n")
            await writer.drain()
        finally:
            work.cancel()

    def _failed(self, error: Exception) -> dict[str, Any]:
        self.record.errors.append(f"{type(error).__name__}: {error}")
        return {"error": {"message": str(error), "code": 500, "status": "INTERNAL"}}

    async def _handle(self, method: str, target: str, body: bytes) -> Reply:
        path, query = urlsplit(target).path, urlsplit(target).query
        last = path.rsplit("/", 1)[-1]
        key = (
            last.rsplit(":", 1)[-1]
            if ":" in last
            else ("chat/completions" if path.endswith("/chat/completions") else path)
        )
        self.record.paths[key] = self.record.paths.get(key, 0) + 1
        if method == "GET" and path.endswith("/models"):
            return _json(200, {"object": "list", "data": [{"id": MODEL_NAME, "object": "model"}]})
        if method != "POST":
            return _json(404, {"error": {"message": f"no route for {method} {path}"}})
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return _json(400, {"error": {"message": "the request body is not JSON"}})
        handlers: dict[str, Callable[[dict[str, Any]], Awaitable[Reply]]] = {
            "chat/completions": self._openai,
            "generateContent": self._gemini,
            "streamGenerateContent": lambda p: self._gemini(p, stream="alt=sse" in query),
            "countTokens": self._count,
        }
        handler = handlers.get(key)
        if handler is None:
            return _json(404, {"error": {"message": f"no route for POST {path}"}})
        try:
            return await handler(payload)
        except Exception as error:  # a failed call is the harness's to handle (retry or fail), as with any API
            return _json(500, self._failed(error))

    async def _openai(self, payload: dict[str, Any]) -> Reply:
        self.record.requests += 1
        request = openai_api.request(payload)
        model = str(payload.get("model", MODEL_NAME))
        if payload.get("stream"):
            usage = bool((payload.get("stream_options") or {}).get("include_usage"))

            async def events() -> list[Any]:
                return list(openai_api.chunks(await self._generate(request), model, usage))

            return Reply(200, content_type="text/event-stream", stream=Streamed(events(), OPENAI_HEARTBEAT, True))
        return _json(200, openai_api.completion(await self._generate(request), model))

    async def _gemini(self, payload: dict[str, Any], stream: bool = False) -> Reply:
        self.record.requests += 1
        request = gemini_api.request(payload)
        if stream:

            async def events() -> list[Any]:
                return [gemini_api.response(await self._generate(request), MODEL_NAME)]

            return Reply(200, content_type="text/event-stream", stream=Streamed(events(), GEMINI_HEARTBEAT, False))
        return _json(200, gemini_api.response(await self._generate(request), MODEL_NAME))

    async def _count(self, payload: dict[str, Any]) -> Reply:
        return _json(200, gemini_api.count_tokens(payload))


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
            if len(body) > MAX_BODY:
                raise ValueError("request body too large")
    else:
        length = int(headers.get("content-length", "0"))
        if length > MAX_BODY:
            raise ValueError("request body too large")
        body = await reader.readexactly(length) if length else b""
    return method.upper(), target, headers, body


def _head(reply: Reply, keep_alive: bool, length: int | None) -> bytes:
    """The status line and headers: a Content-Length, or chunked transfer for a stream."""
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    head = [
        f"HTTP/1.1 {reply.status} {reasons.get(reply.status, 'OK')}",
        f"Content-Type: {reply.content_type}",
        framing,
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
        "",
        "",
    ]
    return "\r\n".join(head).encode("latin-1")


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"
