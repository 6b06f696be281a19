"""Interop with python-socketio, a client nobody here wrote (Spec sections 1, 3, 4, 7, 8).

Usage: interop_socketio.py SERVER_BINARY DATABASE {polling-upgrade|websocket|polling|async-polling-upgrade}
The first three use socketio.Client (requests and websocket-client); async-polling-upgrade uses
socketio.AsyncClient, whose transports are aiohttp's, with its WebSocket offering permessage-deflate. Exits 0 when every check holds; prints each check.
"""
import asyncio
import queue
import sys
import threading
import time
import uuid

import requests
import socketio

from server_process import ServerProcess

TIMEOUT = 10
PING_INTERVAL_MS = 500
PING_TIMEOUT_MS = 2500


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        raise SystemExit(1)


class Session:
    """One python-socketio client that records the events it receives."""

    def __init__(self, url, transports):
        self.events = queue.Queue()
        self.client = self._make_client()
        for name in ("all_messages", "new_message", "error"):
            self.client.on(name, self._recorder(name))
        self._call(self.client.connect(url, transports=transports, wait_timeout=TIMEOUT))

    def _make_client(self):
        return socketio.Client(reconnection=False)

    def _call(self, result):
        """What a client method returned (AsyncSession: the coroutine, run to completion)."""
        return result

    def _recorder(self, name):
        def record(*arguments):
            self.events.put((name, arguments))
        return record

    def next_event(self):
        return self.events.get(timeout=TIMEOUT)

    def transport(self):
        return self.client.transport()

    def is_connected(self):
        return self.client.connected

    def disconnect(self):
        self._call(self.client.disconnect())

    def join(self, user):
        self._call(self.client.emit("join", user))
        name, arguments = self.next_event()
        check(name == "all_messages", f"{user}: all_messages follows join (got {name})")
        return arguments[0]


class AsyncSession(Session):
    """The same on socketio.AsyncClient, driven on an asyncio loop of its own thread."""

    def _make_client(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        # compress=15: aiohttp offers permessage-deflate, which the server must decline (or honour).
        return socketio.AsyncClient(reconnection=False, websocket_extra_options={"compress": 15})

    def _call(self, result):
        if not asyncio.iscoroutine(result):
            return result
        return asyncio.run_coroutine_threadsafe(result, self.loop).result(TIMEOUT)


def post(url, sender, receiver, content):
    response = requests.post(f"{url}/messages", json={"sender": sender, "receiver": receiver, "content": content}, timeout=TIMEOUT)
    check(response.status_code == 201 and response.json().get("status") == "success", f"POST {content} answered 201 success")
    return response


def main():
    binary, database, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    transports = {"polling-upgrade": ["polling", "websocket"], "websocket": ["websocket"], "polling": ["polling"],
                  "async-polling-upgrade": ["polling", "websocket"]}[mode]
    session_type = AsyncSession if mode.startswith("async-") else Session
    # Short heartbeats, so that the sessions below live through several ping cycles with this client.
    server = ServerProcess(binary, database, extra=["--ping-interval", str(PING_INTERVAL_MS), "--ping-timeout", str(PING_TIMEOUT_MS)])
    url = server.start()
    run = uuid.uuid4().hex[:8]
    alice, bob = f"alice-{run}", f"bob-{run}"
    try:
        post(url, bob, alice, "before join")
        first = session_type(url, transports)
        second = session_type(url, transports)
        history = first.join(alice)
        check(list(history) == [bob] and [message["content"] for message in history[bob]] == ["before join"]
              and history[bob][0]["sender"] == bob and isinstance(history[bob][0]["timestamp"], str),
              f"all_messages holds the earlier message: {history}")
        check(second.join(alice) == history, "second session gets the same history")
        expected_transport = "polling" if mode == "polling" else "websocket"
        for label, session in (("first", first), ("second", second)):
            check(session.transport() == expected_transport,
                  f"{label} session on {expected_transport} (is {session.transport()})")

        # Longer than pingInterval + pingTimeout: the server closes a session whose pongs do not come, and
        # the client one whose pings do not.
        time.sleep((PING_INTERVAL_MS + PING_TIMEOUT_MS) / 1000 + 1)
        for label, session in (("first", first), ("second", second)):
            check(session.is_connected(), f"{label} session still connected after several ping cycles")
        post(url, bob, alice, "live 1")
        for label, session in (("first", first), ("second", second)):
            name, arguments = session.next_event()
            check(name == "new_message" and arguments[0]["content"] == "live 1" and arguments[0]["sender"] == bob,
                  f"{label} session got new_message live 1")

        first.disconnect()
        post(url, bob, alice, "live 2")
        name, arguments = second.next_event()
        check(name == "new_message" and arguments[0]["content"] == "live 2", "remaining session keeps receiving")
        second.disconnect()

        check(server.stop() == 0, "server stopped cleanly on SIGTERM")
        url = server.start()
        third = session_type(url, transports)
        history = third.join(alice)
        contents = [message["content"] for message in history.get(bob, [])]
        check(contents == ["before join", "live 1", "live 2"], f"history intact after restart: {contents}")
        third.disconnect()
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
    print("interop: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
