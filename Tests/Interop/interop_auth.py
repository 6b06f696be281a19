"""Authentication interop (Spec AUTH): python-socketio with auth={"token": ...}, and PyJWT's verdicts.

Usage: interop_auth.py SERVER_BINARY DATABASE
Starts the reference server with --auth-secret-file, --auth-audience messenger and --auth-leeway 5, then:
1. python-socketio without a token gets ConnectionError, and its connect_error handler the server's message;
2. with tokens minted by PyJWT (an independent JWT implementation), clients on WebSocket and on polling join,
   send (POST with Authorization: Bearer, and send_message) and receive; a join as another user gets `error`;
3. tokens minted by PyJWT, valid and invalid in every way PyJWT knows, are accepted by the server exactly
   when PyJWT's own jwt.decode accepts them (POST /messages: 201 versus 401).
Exits 0 when every check holds; prints each check.
"""
import os
import queue
import sys
import tempfile
import time
import uuid

import jwt
import requests
import socketio

from server_process import ServerProcess

TIMEOUT = 10
SECRET = b"interop-secret-" + uuid.uuid4().hex.encode()
AUDIENCE = "messenger"
LEEWAY = 5


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


def token(sub, lifetime=60, key=SECRET, algorithm="HS256", **claims):
    payload = {"sub": sub, "iat": int(time.time()), "exp": int(time.time()) + lifetime, "aud": AUDIENCE}
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


class Session:
    """A python-socketio client connected with a token, recording the events it receives."""

    def __init__(self, url, transports, auth):
        self.events = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        for name in ("all_messages", "new_message", "error"):
            self.client.on(name, self._recorder(name))
        self.client.connect(url, transports=transports, auth=auth, wait_timeout=TIMEOUT)

    def _recorder(self, name):
        def record(*arguments):
            self.events.put((name, arguments))
        return record

    def wait_for(self, name):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                event, arguments = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if event == name:
                return arguments
        return None


def refused_without_token(url):
    client = socketio.Client(reconnection=False)
    messages = []
    client.on("connect_error", lambda data=None: messages.append(data))
    try:
        client.connect(url, transports=["websocket"], wait_timeout=TIMEOUT)
        client.disconnect()
        check(False, "python-socketio without a token is refused")
    except socketio.exceptions.ConnectionError as error:
        check(True, f"python-socketio without a token: ConnectionError ({error})")
    message = messages[0].get("message", "") if messages and isinstance(messages[0], dict) else ""
    check("authentication" in message, f"connect_error carries the server's message: {message!r}")


def authenticated_clients(url, mode):
    transports = ["websocket"] if mode == "websocket" else ["polling"]
    alice, bob = f"alice-{uuid.uuid4().hex[:8]}", f"bob-{uuid.uuid4().hex[:8]}"
    sender = Session(url, transports, {"token": token(alice)})
    receiver = Session(url, transports, {"token": token(bob)})
    try:
        sender.client.emit("join", alice)
        check(sender.wait_for("all_messages") == ({},), f"{mode}: {alice} joins with a PyJWT token")
        receiver.client.emit("join", bob)
        check(receiver.wait_for("all_messages") == ({},), f"{mode}: {bob} joins with a PyJWT token")
        answer = requests.post(f"{url}/messages", json={"sender": alice, "receiver": bob, "content": "posted"},
                               headers={"Authorization": "Bearer " + token(alice)}, timeout=TIMEOUT)
        check(answer.status_code == 201, f"{mode}: POST with Authorization: Bearer -> {answer.status_code}")
        received = receiver.wait_for("new_message")
        check(received is not None and received[0]["content"] == "posted" and received[0]["sender"] == alice,
              f"{mode}: {bob} receives the POSTed message: {received}")
        acknowledgement = sender.client.call("send_message", {"receiver": bob, "content": "sent"}, timeout=TIMEOUT)
        check(isinstance(acknowledgement, dict) and acknowledgement.get("status") == "success",
              f"{mode}: send_message acknowledged {acknowledgement}")
        received = receiver.wait_for("new_message")
        check(received is not None and received[0]["content"] == "sent" and received[0]["sender"] == alice,
              f"{mode}: {bob} receives the send_message from the token's user: {received}")
        sender.client.emit("join", bob)
        refusal = sender.wait_for("error")
        check(refusal is not None and "message" in refusal[0], f"{mode}: join as {bob} with {alice}'s token -> error {refusal}")
    finally:
        sender.client.disconnect()
        receiver.client.disconnect()


def parity(url):
    now = int(time.time())
    cases = [
        ("valid", token("alice")),
        ("valid, no iat", token("alice", iat=None)),
        ("valid, nbf past", token("alice", nbf=now - 10)),
        ("exp inside the leeway", token("alice", exp=now - 2)),
        ("expired beyond the leeway", token("alice", exp=now - 60)),
        ("nbf beyond the leeway", token("alice", nbf=now + 60)),
        ("nbf inside the leeway", token("alice", nbf=now + 2)),
        ("iat in the future", token("alice", iat=now + 60)),
        ("another secret", token("alice", key=b"another-secret")),
        ("HS384", token("alice", algorithm="HS384")),
        ("HS512", token("alice", algorithm="HS512")),
        ("alg none", jwt.encode({"sub": "alice", "exp": now + 60, "aud": AUDIENCE}, None, algorithm="none")),
        ("another audience", token("alice", aud="elsewhere")),
        ("audience list naming ours", token("alice", aud=["elsewhere", AUDIENCE])),
        ("no audience", token("alice", aud=None)),
        ("no exp", token("alice", exp=None)),
        ("no sub", token(None)),
        ("numeric sub", token(42)),
    ]
    valid = token("alice")
    header, payload, signature = valid.split(".")
    forged_payload = jwt.utils.base64url_encode(b'{"sub":"alice","exp":9999999999,"aud":"messenger"}').decode()
    cases.append(("payload altered after signing", f"{header}.{forged_payload}.{signature}"))
    for name, candidate in cases:
        try:
            jwt.decode(candidate, SECRET, algorithms=["HS256"], audience=AUDIENCE, leeway=LEEWAY,
                       options={"require": ["exp", "sub"]})
            pyjwt_accepts = True
        except jwt.PyJWTError:
            pyjwt_accepts = False
        answer = requests.post(f"{url}/messages", json={"sender": "alice", "receiver": "bob", "content": name},
                               headers={"Authorization": "Bearer " + candidate}, timeout=TIMEOUT)
        check(answer.status_code in (201, 401), f"{name}: answered {answer.status_code}")
        server_accepts = answer.status_code == 201
        check(server_accepts == pyjwt_accepts,
              f"{name}: PyJWT {'accepts' if pyjwt_accepts else 'rejects'}, the server "
              f"{'accepts' if server_accepts else 'rejects'}")


def main():
    binary, database = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        secret_file = os.path.join(directory, "secret")
        with open(secret_file, "wb") as file:
            file.write(SECRET + b"\n")
        server = ServerProcess(binary, database, extra=[
            "--auth-secret-file", secret_file, "--auth-audience", AUDIENCE, "--auth-leeway", str(LEEWAY)])
        url = server.start()
        try:
            check(SECRET.decode() not in "".join(server.output), "the secret is not in the server's output")
            refused_without_token(url)
            for mode in ("websocket", "polling"):
                authenticated_clients(url, mode)
            parity(url)
        finally:
            check(server.stop() == 0, "the server stops cleanly")
            check(SECRET.decode() not in "".join(server.output), "the secret is not in the server's log")


if __name__ == "__main__":
    main()
