"""Interop with python-socketio, a client nobody here wrote (Spec sections 1, 3, 4, 7, 8).

Usage: interop_socketio.py SERVER_BINARY DATABASE {polling-upgrade|websocket|polling}
Exits 0 when every check holds; prints each check.
"""
import queue
import sys
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
        self.client = socketio.Client(reconnection=False)
        for name in ("all_messages", "new_message", "error"):
            self.client.on(name, self._recorder(name))
        self.client.connect(url, transports=transports, wait_timeout=TIMEOUT)

    def _recorder(self, name):
        def record(*arguments):
            self.events.put((name, arguments))
        return record

    def next_event(self):
        return self.events.get(timeout=TIMEOUT)

    def join(self, user):
        self.client.emit("join", user)
        name, arguments = self.next_event()
        check(name == "all_messages", f"{user}: all_messages follows join (got {name})")
        return arguments[0]


def post(url, sender, receiver, content):
    response = requests.post(f"{url}/messages", json={"sender": sender, "receiver": receiver, "content": content}, timeout=TIMEOUT)
    check(response.status_code == 201 and response.json().get("status") == "success", f"POST {content} answered 201 success")
    return response


def main():
    binary, database, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    transports = {"polling-upgrade": ["polling", "websocket"], "websocket": ["websocket"], "polling": ["polling"]}[mode]
    # Short heartbeats, so that the sessions below live through several ping cycles with this client.
    server = ServerProcess(binary, database, extra=["--ping-interval", str(PING_INTERVAL_MS), "--ping-timeout", str(PING_TIMEOUT_MS)])
    url = server.start()
    run = uuid.uuid4().hex[:8]
    alice, bob = f"alice-{run}", f"bob-{run}"
    try:
        post(url, bob, alice, "before join")
        first = Session(url, transports)
        second = Session(url, transports)
        history = first.join(alice)
        check(list(history) == [bob] and [message["content"] for message in history[bob]] == ["before join"]
              and history[bob][0]["sender"] == bob and isinstance(history[bob][0]["timestamp"], str),
              f"all_messages holds the earlier message: {history}")
        check(second.join(alice) == history, "second session gets the same history")
        expected_transport = "polling" if mode == "polling" else "websocket"
        for label, session in (("first", first), ("second", second)):
            check(session.client.transport() == expected_transport,
                  f"{label} session on {expected_transport} (is {session.client.transport()})")

        # Longer than pingInterval + pingTimeout: the server closes a session whose pongs do not come, and
        # the client one whose pings do not.
        time.sleep((PING_INTERVAL_MS + PING_TIMEOUT_MS) / 1000 + 1)
        for label, session in (("first", first), ("second", second)):
            check(session.client.connected, f"{label} session still connected after several ping cycles")
        post(url, bob, alice, "live 1")
        for label, session in (("first", first), ("second", second)):
            name, arguments = session.next_event()
            check(name == "new_message" and arguments[0]["content"] == "live 1" and arguments[0]["sender"] == bob,
                  f"{label} session got new_message live 1")

        first.client.disconnect()
        post(url, bob, alice, "live 2")
        name, arguments = second.next_event()
        check(name == "new_message" and arguments[0]["content"] == "live 2", "remaining session keeps receiving")
        second.client.disconnect()

        check(server.stop() == 0, "server stopped cleanly on SIGTERM")
        url = server.start()
        third = Session(url, transports)
        history = third.join(alice)
        contents = [message["content"] for message in history.get(bob, [])]
        check(contents == ["before join", "live 1", "live 2"], f"history intact after restart: {contents}")
        third.client.disconnect()
    finally:
        if server.process and server.process.poll() is None:
            server.stop()
    print("interop: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
