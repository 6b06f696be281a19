#!/usr/bin/env python3
"""python-peer: an independent implementation of Spec/SPEC.md on Flask + Flask-SocketIO + sqlite3.

Written from the Spec alone, as a second server for the conformance kit to check (see README.md).
Run: python server.py --port 5000 --db messages.db
Socket activation (man sd_listen_fds): with LISTEN_PID its pid and LISTEN_FDS=1 it serves the
listening socket it inherited as descriptor 3 instead of binding --host/--port.
"""
import argparse
import datetime
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
import threading
import time

from flask import Flask, Response, request
from flask_socketio import ConnectionRefusedError as ConnectRefused, SocketIO
import engineio
import engineio.packet
import engineio.socket
from werkzeug.exceptions import HTTPException
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wsgi import LimitedStream

try:  # Spec AUTH: only needed with --auth-secret-file
    import jwt
except ImportError:  # pragma: no cover - reported when authentication is asked for
    jwt = None

MAX_NAME_CHARACTERS = 64          # Spec SEND-2 / SEND-4
MAX_CONTENT_BYTES = 65_536        # Spec SEND-2 / SEND-4
MAX_MESSAGES_BODY_BYTES = 1 << 20  # a /messages body beyond this is refused with 413 unread
DRAIN_LIMIT_BYTES = 1 << 20        # an unread request body up to this is drained to keep the connection


# ---------------------------------------------------------------------------------------------
# Storage: one sqlite3 connection, WAL, synchronous=FULL. Every use is under `delivery_lock`.
# ---------------------------------------------------------------------------------------------

class MessageStore:
    """SQLite message table; a commit is on stable storage when `append` returns (Spec DURABLE-1/2)."""

    def __init__(self, path):
        self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        mode = self.connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RuntimeError(f"could not enable WAL on {path}: journal_mode={mode}")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS messages ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " sender TEXT NOT NULL, receiver TEXT NOT NULL,"
            " content TEXT NOT NULL, timestamp TEXT NOT NULL)")
        self.connection.execute("CREATE INDEX IF NOT EXISTS messages_sender ON messages(sender, id)")
        self.connection.execute("CREATE INDEX IF NOT EXISTS messages_receiver ON messages(receiver, id)")

    def append(self, sender, receiver, content):
        """Commits one message and returns it as a message object (Spec SEND-5: server timestamp)."""
        timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")
        timestamp = timestamp.replace("+00:00", "Z")
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            cursor = self.connection.execute(
                "INSERT INTO messages (sender, receiver, content, timestamp) VALUES (?, ?, ?, ?)",
                (sender, receiver, content, timestamp))
            identifier = cursor.lastrowid
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        return {"id": identifier, "sender": sender, "receiver": receiver,
                "content": content, "timestamp": timestamp}

    def history(self, user):
        """The user's conversations keyed by the other party, in acceptance order (Spec JOIN-2/3)."""
        conversations = {}
        rows = self.connection.execute(
            "SELECT id, sender, receiver, content, timestamp FROM messages"
            " WHERE sender = ? OR receiver = ? ORDER BY id", (user, user))
        for identifier, sender, receiver, content, timestamp in rows:
            other = receiver if sender == user else sender
            conversations.setdefault(other, []).append(
                {"id": identifier, "sender": sender, "receiver": receiver,
                 "content": content, "timestamp": timestamp})
        return conversations

    def close(self):
        self.connection.close()


# ---------------------------------------------------------------------------------------------
# Validation shared by POST /messages and the send_message extension.
# ---------------------------------------------------------------------------------------------

class InvalidMessage(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _reject_constant(name):
    raise ValueError(f"not JSON: {name}")


def parse_body(raw):
    """Decodes a request body as one JSON value (strict UTF-8, no NaN/Infinity)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidMessage(400, "body is not valid UTF-8")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidMessage(400, "body is not valid JSON")


def checked_string(value, field):
    if value is None:
        raise InvalidMessage(400, f"missing field: {field}")
    if not isinstance(value, str):
        raise InvalidMessage(400, f"field {field} must be a string")
    try:
        encoded = value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidMessage(400, f"field {field} is not valid Unicode (lone surrogate)")
    return value, encoded


def validate_message(body, fields=("sender", "receiver", "content")):
    """Returns (sender, receiver, content) or raises InvalidMessage (Spec SEND-3, SEND-4)."""
    if not isinstance(body, dict):
        raise InvalidMessage(400, "body must be a JSON object")
    values = {}
    for field in fields:
        value, encoded = checked_string(body.get(field), field)
        if field in ("sender", "receiver"):
            if value == "":
                raise InvalidMessage(400, f"field {field} must not be empty")
            if len(value) > MAX_NAME_CHARACTERS:
                raise InvalidMessage(413, f"field {field} is longer than {MAX_NAME_CHARACTERS} characters")
        elif len(encoded) > MAX_CONTENT_BYTES:
            raise InvalidMessage(413, f"field content is longer than {MAX_CONTENT_BYTES} bytes")
        values[field] = value
    return values


# ---------------------------------------------------------------------------------------------
# Authentication (Spec AUTH-1..8): HS256 JSON Web Tokens verified with PyJWT.
# ---------------------------------------------------------------------------------------------

class TokenRefused(Exception):
    pass


class Authenticator:
    """Verifies tokens with PyJWT: HS256 only, `sub` and `exp` required, `nbf`/`iat` honoured, leeway, aud."""

    def __init__(self, secret, audience, leeway):
        if jwt is None:
            raise RuntimeError("--auth-secret-file needs PyJWT (pip install PyJWT)")
        self.secret = secret
        self.audience = audience
        self.leeway = leeway

    def verify(self, token):
        """The token's claims, or TokenRefused with the reason (Spec AUTH-3, AUTH-4)."""
        if not isinstance(token, str) or token == "":
            raise TokenRefused("no token")
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=["HS256"], audience=self.audience, leeway=self.leeway,
                options={"require": ["exp", "sub"]})
        except jwt.PyJWTError as error:
            raise TokenRefused(str(error) or type(error).__name__)
        # RFC 7519 NumericDate: PyJWT accepts strings that int() reads; the Spec asks for numbers.
        for claim in ("exp", "nbf", "iat"):
            value = claims.get(claim)
            if claim in claims and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise TokenRefused(f"{claim} is not a number")
        if not isinstance(claims.get("sub"), str) or claims["sub"] == "":
            raise TokenRefused("sub is not a non-empty string")
        return claims

    def bearer(self, header):
        """The claims of an `Authorization: Bearer` field (RFC 6750 section 2.1)."""
        if not header:
            raise TokenRefused("authentication required: send Authorization: Bearer <token>")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or token.strip() == "":
            raise TokenRefused("authentication required: send Authorization: Bearer <token>")
        return self.verify(token.strip())


# ---------------------------------------------------------------------------------------------
# The messenger: session bindings, exactly-once join, fan-out.
# ---------------------------------------------------------------------------------------------

class Messenger:
    """Binds sessions to users and delivers messages; one lock orders commits and joins (Spec ONCE-1..4)."""

    def __init__(self, socketio, store):
        self.socketio = socketio
        self.store = store
        # Guards store, user_by_sid and sids_by_user. Reentrant: python-engineio's Socket.send checks the
        # ping timeout and, when it has passed, closes the session and runs the disconnect handler on the
        # sending thread (run_async=False). An emit under this lock (accept's fan-out, join's history) to
        # a session whose pings went unanswered thus re-enters leave(); with a plain Lock that thread
        # waited for itself and every later POST waited for it (seen in CI after
        # heartbeat/silent-client-closed: no POST answered until the kill -9 of crash-acknowledged).
        # Fan-out iterates over a sorted copy, so an unbind during it is safe.
        self.lock = threading.RLock()
        self.user_by_sid = {}
        self.sids_by_user = {}

    def _emit(self, event, argument, sid):
        # python-socketio marks a session "pending disconnect" as soon as it reads its DISCONNECT,
        # before our on_disconnect can take the lock: never emit to it from then on (DISCONNECT-1).
        if not self.socketio.server.manager.is_connected(sid, "/"):
            return
        try:
            self.socketio.emit(event, argument, to=sid, namespace="/")
        except Exception:  # the session closed under us: it is forgotten by on_disconnect
            logging.getLogger("python-peer").debug("emit to closed session %s", sid)

    def _unbind(self, sid):
        user = self.user_by_sid.pop(sid, None)
        if user is not None:
            sids = self.sids_by_user.get(user)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self.sids_by_user[user]

    def join(self, sid, user):
        """Rebinds `sid` to `user`, then reads and emits the history, all under the delivery lock."""
        with self.lock:
            self._unbind(sid)
            self.user_by_sid[sid] = user
            self.sids_by_user.setdefault(user, set()).add(sid)
            history = self.store.history(user)
            self._emit("all_messages", history, sid)

    def leave(self, sid):
        with self.lock:
            self._unbind(sid)

    def user_of(self, sid):
        with self.lock:
            return self.user_by_sid.get(sid)

    def accept(self, sender, receiver, content):
        """Commits, then fans out to the receiver's sessions, under the lock; returns the answer body."""
        with self.lock:
            message = self.store.append(sender, receiver, content)
            for sid in sorted(self.sids_by_user.get(receiver, ())):
                self._emit("new_message", message, sid)
        return {"status": "success", "id": message["id"], "timestamp": message["timestamp"]}


# ---------------------------------------------------------------------------------------------
# Engine.IO details python-engineio leaves to the application (see README "Workarounds").
# ---------------------------------------------------------------------------------------------

def patch_engineio():
    """Adjusts four python-engineio 4.11 behaviours (README "Workarounds")."""
    original_send = engineio.socket.Socket.send

    def send(self, pkt):
        # The open packet rounds pingInterval to whole seconds before scaling (0.3 s -> 0 ms);
        # advertise the real interval in milliseconds (Spec TRANSPORT-5, HEARTBEAT-1).
        if pkt.packet_type == engineio.packet.OPEN and isinstance(pkt.data, dict):
            pkt.data["pingInterval"] = max(1, round(self.server.ping_interval * 1000))
            pkt.data["pingTimeout"] = max(1, round(self.server.ping_timeout * 1000))
        return original_send(self, pkt)

    original_handler = engineio.socket.Socket._websocket_handler

    def websocket_handler(self, ws):
        # A malformed Engine.IO packet on a WebSocket raises outside python-engineio's own
        # try block; close that session (and only it) instead (Spec ROBUST-2).
        try:
            return original_handler(self, NoNoopWebSocket(ws))
        except Exception:
            self.queue.put(None)   # ends the writer thread, which closes the WebSocket
            self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_ERROR)
            self.server.sockets.pop(self.sid, None)
            return []

    original_get = engineio.socket.Socket.handle_get_request

    def handle_get_request(self, environ, start_response):
        # A poll pending when the session closes is answered with an empty body, which is no
        # Engine.IO payload; answer it with a close packet, as the Node.js server does.
        packets = original_get(self, environ, start_response)
        is_upgrade = "websocket" in environ.get("HTTP_UPGRADE", "").lower()
        if packets == [] and not is_upgrade:
            return [engineio.packet.Packet(engineio.packet.CLOSE)]
        return packets

    engineio.socket.Socket.send = send
    engineio.socket.Socket.handle_get_request = handle_get_request
    engineio.socket.Socket._websocket_handler = websocket_handler


class NoNoopWebSocket:
    """Drops the Engine.IO noop python-engineio queues to end a pending poll during an upgrade.

    When no poll is pending, python-engineio's writer would send that noop on the new WebSocket;
    a noop belongs on the polling transport it closes (Engine.IO v4 "Upgrade", Spec TRANSPORT-4).
    """

    def __init__(self, ws):
        self.ws = ws

    def send(self, message):
        if message == "6":
            return None
        return self.ws.send(message)

    def __getattr__(self, name):
        return getattr(self.ws, name)


class EngineIOGuard:
    """WSGI wrapper in front of /socket.io/: Node.js-style 400s, 413, and one polling GET per session.

    Spec TRANSPORT-6 (413), TRANSPORT-7/8 (400 with the Node.js JSON), TRANSPORT-9 (second GET).
    """

    def __init__(self, application, engineio_server, path="/socket.io/", allowed_origins=()):
        self.application = application
        self.engineio_server = engineio_server
        self.path = path
        self.allowed_origins = set(allowed_origins)
        self.lock = threading.Lock()
        self.polling_gets = set()

    def _answer(self, start_response, environ, status, body, close=False):
        data = json.dumps(body).encode("utf-8")
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        headers += cors_headers(environ.get("HTTP_ORIGIN"))
        if close:
            headers.append(("Connection", "close"))
        start_response(status, headers)
        return [data]

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        origin = environ.get("HTTP_ORIGIN")
        if self.allowed_origins and origin and origin not in self.allowed_origins and (
                path.startswith(self.path) or path == "/messages"):
            # Spec ORIGIN-2: a foreign origin opens nothing (python-engineio would answer 400).
            data = json.dumps({"error": "origin not allowed"}).encode("utf-8")
            start_response("403 Forbidden", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        if not path.startswith(self.path):
            return self.application(environ, start_response)
        from urllib.parse import parse_qs
        query = parse_qs(environ.get("QUERY_STRING", ""))
        method = environ.get("REQUEST_METHOD", "GET")
        transport = query.get("transport", [None])[0]
        if transport not in ("polling", "websocket"):
            return self._answer(start_response, environ, "400 Bad Request",
                                {"code": 0, "message": "Transport unknown"})
        if query.get("EIO", [None])[0] != "4":
            return self._answer(start_response, environ, "400 Bad Request",
                                {"code": 5, "message": "Unsupported protocol version"})
        if method == "OPTIONS":
            return self.application(environ, start_response)
        sid = query.get("sid", [None])[0]
        if sid is None:
            if method != "GET":
                return self._answer(start_response, environ, "400 Bad Request",
                                    {"code": 2, "message": "Bad handshake method"})
            return self.application(environ, start_response)
        socket = self.engineio_server.sockets.get(sid)
        if socket is None or socket.closed:
            return self._unknown_session(start_response, environ)
        is_upgrade = "websocket" in environ.get("HTTP_UPGRADE", "").lower()
        if method == "POST":
            return self._post(environ, start_response)
        if method != "GET" or is_upgrade:
            return self._forward(environ, start_response)
        with self.lock:
            is_second = sid in self.polling_gets
            if not is_second:
                self.polling_gets.add(sid)
        if is_second:
            # Engine.IO v4: a second concurrent GET is an error that closes the session.
            socket = self.engineio_server.sockets.get(sid)
            if socket is not None:
                socket.close(wait=False, reason=self.engineio_server.reason.TRANSPORT_ERROR)
            return self._answer(start_response, environ, "400 Bad Request",
                                {"code": 3, "message": "Bad request"})
        try:
            return self._forward(environ, start_response)
        finally:
            with self.lock:
                self.polling_gets.discard(sid)

    def _unknown_session(self, start_response, environ):
        return self._answer(start_response, environ, "400 Bad Request",
                            {"code": 1, "message": "Session ID unknown"})

    def _forward(self, environ, start_response):
        """Passes a request for an existing session on; it may close meanwhile (KeyError inside)."""
        try:
            return self.application(environ, start_response)
        except KeyError:
            return self._unknown_session(start_response, environ)

    def _post(self, environ, start_response):
        limit = self.engineio_server.max_http_buffer_size
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > limit:
            return self._answer(start_response, environ, "413 Payload Too Large",
                                {"code": 3, "message": "Bad request"}, close=True)
        if length < 0:
            # No Content-Length (chunked): read at most limit + 1 bytes to decide.
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return self._answer(start_response, environ, "413 Payload Too Large",
                                    {"code": 3, "message": "Bad request"}, close=True)
            import io
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self._forward(environ, start_response)


# ---------------------------------------------------------------------------------------------
# HTTP: POST /messages, CORS, JSON errors.
# ---------------------------------------------------------------------------------------------

def cors_headers(origin):
    # No Access-Control-Allow-Credentials: bearer tokens, not cookies (Spec CORS-3).
    return [("Access-Control-Allow-Origin", origin or "*"),
            ("Access-Control-Allow-Methods", "POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin")]


def json_response(status, body):
    return Response(json.dumps(body), status=status, mimetype="application/json")


def create_app(arguments):
    app = Flask("python-peer")
    app.config["MAX_CONTENT_LENGTH"] = MAX_MESSAGES_BODY_BYTES
    socketio = SocketIO(
        app,
        async_mode="threading",
        cors_allowed_origins=list(arguments.allowed_origin) or "*",
        # Spec CORS-3: the credentials flag only for allow-listed origins.
        cors_credentials=bool(arguments.allowed_origin),
        ping_interval=arguments.ping_interval / 1000.0,
        ping_timeout=arguments.ping_timeout / 1000.0,
        max_http_buffer_size=arguments.max_payload,
        async_handlers=False,      # one session's events are handled in order, on its reader
        always_connect=False,
        logger=False,
        engineio_logger=False,
    )
    messenger = Messenger(socketio, MessageStore(arguments.db))
    authenticator = None
    if arguments.auth_secret_file:
        with open(arguments.auth_secret_file, "rb") as file:
            secret = file.read()
        if secret.endswith(b"\n"):
            secret = secret[:-1]
        if secret.endswith(b"\r"):
            secret = secret[:-1]
        if not secret:
            raise SystemExit(f"the secret file {arguments.auth_secret_file} is empty")
        authenticator = Authenticator(secret, arguments.auth_audience, arguments.auth_leeway)
    subject_by_sid = {}      # Spec AUTH-5: the token's sub of each connected session
    expiry_timers = {}
    sessions_lock = threading.Lock()

    @app.after_request
    def add_cors(response):
        if request.path == "/messages":
            for name, value in cors_headers(request.headers.get("Origin")):
                response.headers[name] = value
        return response

    @app.errorhandler(HTTPException)
    def http_error(error):
        response = json_response(error.code, {"error": error.description or error.name})
        if error.code == 405:
            response.headers["Allow"] = "POST, OPTIONS"
        return response

    @app.route("/messages", methods=["POST", "OPTIONS"], provide_automatic_options=False)
    def messages():
        if request.method == "OPTIONS":
            return Response(status=204)
        length = request.content_length
        if length is not None and length > MAX_MESSAGES_BODY_BYTES:
            return json_response(413, {"error": f"body larger than {MAX_MESSAGES_BODY_BYTES} bytes"})
        subject = None
        if authenticator is not None:
            # Spec AUTH-7: the token before the body.
            header = request.headers.get("Authorization")
            try:
                subject = authenticator.bearer(header)["sub"]
            except TokenRefused as error:
                response = json_response(401, {"error": str(error)})
                challenge = 'Bearer realm="messenger"'
                if header:
                    description = "".join(c for c in str(error) if c not in '"\\' and " " <= c <= "~")
                    challenge += f', error="invalid_token", error_description="{description}"'
                response.headers["WWW-Authenticate"] = challenge
                return response
        try:
            values = validate_message(parse_body(request.get_data(cache=False)))
        except InvalidMessage as error:
            return json_response(error.status, {"error": error.message})
        if subject is not None and values["sender"] != subject:
            return json_response(403, {"error": "sender must be the token's subject"})  # Spec AUTH-8
        answer = messenger.accept(values["sender"], values["receiver"], values["content"])
        return json_response(201, answer)

    def expire(sid, eio_sid):
        # Spec AUTH-6: error, DISCONNECT for /, and the Engine.IO session closed.
        with sessions_lock:
            if expiry_timers.pop(sid, None) is None:
                return
        messenger._emit("error", {"message": "token expired: reconnect with a new token"}, sid)
        socketio.server.disconnect(sid, namespace="/")
        socketio.server.eio.disconnect(eio_sid)

    @socketio.on("connect")
    def on_connect(auth=None, *_):
        if authenticator is None:
            return True
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            claims = authenticator.verify(token)
        except TokenRefused as error:
            reason = "authentication required: pass {\"token\": \"<JWT>\"} in the CONNECT auth" if token is None else str(error)
            raise ConnectRefused(f"authentication failed: {reason}")  # Spec AUTH-2: 44{"message":…}
        sid = request.sid
        eio_sid = socketio.server.manager.eio_sid_from_sid(sid, "/")
        delay = max(0.0, float(claims["exp"]) + authenticator.leeway - time.time())
        timer = threading.Timer(min(delay, 365 * 86400.0), expire, args=(sid, eio_sid))
        timer.daemon = True
        with sessions_lock:
            subject_by_sid[sid] = claims["sub"]
            expiry_timers[sid] = timer
        timer.start()
        return True

    @socketio.on("disconnect")
    def on_disconnect(*_):
        with sessions_lock:
            subject_by_sid.pop(request.sid, None)
            timer = expiry_timers.pop(request.sid, None)
        if timer is not None:
            timer.cancel()
        messenger.leave(request.sid)

    @socketio.on("join")
    def on_join(*arguments_):
        if len(arguments_) < 1 or not isinstance(arguments_[0], str) or arguments_[0] == "":
            socketio.emit("error", {"message": "join needs one non-empty string: the user name"},
                          to=request.sid, namespace="/")
            return
        try:
            arguments_[0].encode("utf-8")
        except UnicodeEncodeError:
            socketio.emit("error", {"message": "join: the user name is not valid Unicode"},
                          to=request.sid, namespace="/")
            return
        if authenticator is not None:
            with sessions_lock:
                subject = subject_by_sid.get(request.sid)
            if subject != arguments_[0]:  # Spec AUTH-5
                socketio.emit("error", {"message": "join refused: this session's token is for another user"},
                              to=request.sid, namespace="/")
                return
        messenger.join(request.sid, arguments_[0])

    @socketio.on("send_message")
    def on_send_message(*arguments_):
        # Spec EXT-1..3: the ack carries what POST /messages would answer.
        user = messenger.user_of(request.sid)
        if user is None:
            return {"error": "join first: this session is not bound to a user"}
        if len(arguments_) < 1:
            return {"error": "send_message needs one argument {receiver, content}"}
        try:
            values = validate_message(arguments_[0], fields=("receiver", "content"))
        except InvalidMessage as error:
            return {"error": error.message}
        return messenger.accept(user, values["receiver"], values["content"])

    app.wsgi_app = EngineIOGuard(app.wsgi_app, socketio.server.eio, allowed_origins=arguments.allowed_origin)
    return app, messenger


class KeepAliveRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler with HTTP/1.1 persistent connections (Spec HTTP-2).

    Werkzeug 3.1's development server answers every request with `Connection: close` and then
    drains whatever the socket holds; this `run_wsgi` frames each response (Content-Length or
    chunked), drains only the current request's body, and keeps the connection unless the client,
    the application or an unread oversized body says otherwise.
    """

    def log_request(self, *args, **kwargs):
        pass

    def log_error(self, *args, **kwargs):
        pass

    def parse_request(self):
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 is not supported")
            return False
        # http.server is lenient where RFC 9112 is not: refuse and close instead (Spec ROBUST-4).
        if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in self.path):
            self.send_error(400, "control character in the request target")
            return False
        if self.headers.defects:
            self.send_error(400, "malformed header section")
            return False
        for name, value in self.headers.raw_items():
            if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in name + value):
                self.send_error(400, "control character in a header field")
                return False
        return True

    def send_error(self, code, message=None, explain=None):
        # http.server answers an unparsable request line HTTP/0.9-style (a bare HTML body, no
        # status line); always answer with a real status line and a JSON error (Spec ROBUST-4).
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.1"
        if code >= 500:  # 505 for an unknown HTTP version: the Spec asks for a 4xx (ROBUST-4)
            code, message = 400, message or "unsupported HTTP version"
        try:
            self._refuse(code, message or "bad request")
        except OSError:
            self.close_connection = True

    def _refuse(self, status, message):
        data = json.dumps({"error": message}).encode("utf-8")
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def run_wsgi(self):
        environ = self.environ = self.make_environ()
        is_chunked = environ.get("wsgi.input_terminated", False)
        length_header = self.headers.get_all("Content-Length") or []
        if is_chunked and length_header:
            return self._refuse(400, "both Content-Length and Transfer-Encoding: chunked")
        if len(set(length_header)) > 1 or (length_header and not length_header[0].strip().isdigit()):
            return self._refuse(400, "invalid Content-Length")
        length = int(length_header[0]) if length_header else 0
        body = None
        if not is_chunked:
            body = LimitedStream(self.rfile, length)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(length)
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        is_websocket = "websocket" in environ.get("HTTP_UPGRADE", "").lower()
        state = {"status": None, "headers": None, "sent": False, "chunked": False, "bodyless": False}

        def unread_is_small():
            if body is not None:
                return length - body._pos <= DRAIN_LIMIT_BYTES
            return False  # an unfinished chunked body: cannot tell, close

        def send_headers():
            code_text, _, reason = state["status"].partition(" ")
            code = int(code_text)
            self.send_response(code, reason)
            keys = set()
            for name, value in state["headers"]:
                self.send_header(name, value)
                keys.add(name.lower())
            state["bodyless"] = self.command == "HEAD" or 100 <= code < 200 or code in (204, 304)
            if "content-length" not in keys and not state["bodyless"]:
                if self.request_version >= "HTTP/1.1":
                    state["chunked"] = True
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.close_connection = True
            request_done = (body is not None and body.is_exhausted) or (is_chunked and environ["wsgi.input"]._done)
            if not request_done and not unread_is_small():
                self.close_connection = True
            if self.close_connection and "connection" not in keys:
                self.send_header("Connection", "close")
            self.end_headers()
            state["sent"] = True

        def write(data):
            if not state["sent"]:
                send_headers()
            if data and not state["bodyless"]:
                if state["chunked"]:
                    self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
                else:
                    self.wfile.write(data)

        def start_response(status, headers, exc_info=None):
            if exc_info and state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])
            state["status"], state["headers"] = status, list(headers)
            return write

        try:
            result = self.server.app(environ, start_response)
            try:
                for data in result:
                    write(data)
            finally:
                if hasattr(result, "close"):
                    result.close()
            if state["status"] is None:
                # A WebSocket handshake answered on the raw socket by simple-websocket: the
                # connection now belongs to (and ended with) the WebSocket.
                self.close_connection = True
                return
            write(b"")
            if state["chunked"]:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True
            return
        except Exception:
            logging.getLogger("python-peer").exception("request failed")
            self.close_connection = True
            if not state["sent"] and not is_websocket:
                try:
                    self._refuse(500, "internal error")
                except OSError:
                    pass
            return
        # Drain the rest of this request's body (never the next request) to reuse the connection.
        if not self.close_connection:
            try:
                if body is not None:
                    body.exhaust()
                else:
                    while environ["wsgi.input"].read(65536):
                        pass
            except Exception:
                self.close_connection = True


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="python-peer: the messenger Spec on Flask-SocketIO")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="TCP port (0: any free port); required unless socket-activated")
    parser.add_argument("--db", default="messages.db", help="SQLite database file")
    parser.add_argument("--ping-interval", type=int, default=25_000, metavar="MS")
    parser.add_argument("--ping-timeout", type=int, default=20_000, metavar="MS")
    parser.add_argument("--max-payload", type=int, default=1_000_000, metavar="BYTES")
    parser.add_argument("--auth-secret-file", metavar="PATH",
                        help="require HS256 JSON Web Tokens signed with the secret in PATH (Spec AUTH)")
    parser.add_argument("--auth-audience", metavar="A", help="tokens must carry aud A")
    parser.add_argument("--auth-leeway", type=int, default=5, metavar="S", help="clock leeway in seconds (default 5)")
    parser.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                        help="serve only this Origin (repeatable; Spec ORIGIN-1)")
    parser.add_argument("--verbose", action="store_true",
                        help="also log the tracebacks python-engineio/python-socketio print for bad client input")
    arguments = parser.parse_args(argv)
    for name in ("ping_interval", "ping_timeout", "max_payload"):
        if getattr(arguments, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if arguments.port is not None and not 0 <= arguments.port <= 65535:
        parser.error("--port must be 0...65535")
    return arguments


ACTIVATION_VARIABLES = ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES")


def activation_descriptor(environment, pid):
    """Socket activation (man sd_listen_fds): 3 when the environment hands process `pid` one socket,
    None when it hands none (LISTEN_PID unset or another process's); ValueError when it names `pid`
    but not with exactly one socket."""
    listen_pid = environment.get("LISTEN_PID")
    if listen_pid is None:
        return None
    if not listen_pid.isdigit():
        raise ValueError(f"LISTEN_PID is '{listen_pid}', not a process ID")
    if int(listen_pid) != pid:
        return None
    count = environment.get("LISTEN_FDS")
    if count != "1":
        raise ValueError(f"LISTEN_FDS is {count!r}: this server serves exactly one inherited socket (descriptor 3)")
    return 3


def inherited_listener(descriptor):
    """The (host, port) of `descriptor` after checking it is a listening TCP socket; ValueError if not."""
    try:
        probe = socket.socket(fileno=descriptor)
    except OSError as error:
        raise ValueError(f"descriptor {descriptor} is not a socket: {error.strerror}") from None
    try:
        if probe.type != socket.SOCK_STREAM or probe.family not in (socket.AF_INET, socket.AF_INET6):
            raise ValueError(f"descriptor {descriptor} is not a TCP socket")
        if not probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            raise ValueError(f"descriptor {descriptor} is not listening")
        return probe.getsockname()[:2]
    finally:
        probe.detach()


def main(argv=None):
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if not arguments.verbose:
        # Malformed client input (which the robustness scenarios send on purpose) makes the
        # libraries log a traceback per packet; the session is dealt with either way.
        for name in ("engineio.server", "socketio.server"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        default_hook = threading.excepthook

        def quiet_hook(hook_arguments):
            # python-engineio's writer thread closing a WebSocket that is already closed.
            thread = hook_arguments.thread
            is_writer = thread is not None and thread.name.endswith("(writer)")
            if is_writer and (isinstance(hook_arguments.exc_value, OSError)
                              or type(hook_arguments.exc_value).__name__ == "LocalProtocolError"):
                return
            default_hook(hook_arguments)

        threading.excepthook = quiet_hook
    patch_engineio()
    app, messenger = create_app(arguments)
    try:
        descriptor = activation_descriptor(os.environ, os.getpid())
        host, port = inherited_listener(descriptor) if descriptor is not None else (arguments.host, arguments.port)
    except ValueError as error:
        sys.exit(f"Error: socket activation: {error}")
    for name in ACTIVATION_VARIABLES:
        os.environ.pop(name, None)
    if port is None:
        sys.exit("Error: --port is required unless the server is socket-activated (LISTEN_FDS=1)")
    # werkzeug serves a duplicate of the inherited descriptor (socket.fromfd); 3 itself is closed after.
    server = make_server(host, port, app, threaded=True, request_handler=KeepAliveRequestHandler, fd=descriptor)
    if descriptor is not None:
        os.close(descriptor)
    host, port = server.socket.getsockname()[:2]

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"python-peer listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        with messenger.lock:
            messenger.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
