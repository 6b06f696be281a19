"""Regression check of the peer: POSTs to a user whose only session stopped answering pings are still
answered while the peer times that session out.

python-engineio's Socket.send closes a session whose ping timeout has passed and runs the disconnect
handler on the sending thread; the peer's fan-out sends under its delivery lock, and the disconnect
handler takes that lock too. With a non-reentrant lock the POST's thread waited for itself and no POST
was answered again (first seen in CI after heartbeat/silent-client-closed). Exit 0: every POST
answered; 1: one hung (its error printed).

usage: silent_session_fan_out.py SERVER_SCRIPT
"""
import json
import subprocess
import sys
import tempfile
import time
import urllib.request

ROUNDS = 5


def main(server_script):
    database = tempfile.mktemp(suffix=".db")
    peer = subprocess.Popen(
        [sys.executable, server_script, "--port", "0", "--db", database, "--ping-interval", "300", "--ping-timeout", "500"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = peer.stdout.readline()
        if "listening on " not in line:
            print(f"the peer did not start: {line!r}")
            return 1
        base = line.split("listening on ", 1)[1].strip()

        def request(method, path, body, timeout=5):
            kind = "application/json" if path == "/messages" else "text/plain;charset=UTF-8"
            prepared = urllib.request.Request(base + path, data=body.encode() if body is not None else None, method=method,
                                              headers={"Content-Type": kind})
            return urllib.request.urlopen(prepared, timeout=timeout).read().decode()

        posts = 0
        for round_ in range(ROUNDS):
            user = f"silent-{round_}"
            sid = json.loads(request("GET", "/socket.io/?EIO=4&transport=polling", None)[1:])["sid"]
            session = f"/socket.io/?EIO=4&transport=polling&sid={sid}"
            request("POST", session, "40")
            request("GET", session, None)
            request("POST", session, json.dumps(["join", user], separators=(",", ":")).join(["42", ""]))
            # No more polls: the pings go unanswered and the session times out within 0.8 s.
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                try:
                    request("POST", "/messages", json.dumps({"sender": "writer", "receiver": user, "content": "x"}))
                except Exception as error:  # noqa: BLE001 - a time-out is the failure being looked for
                    print(f"round {round_ + 1}: POST /messages to {user} not answered: {error}")
                    return 1
                posts += 1
                time.sleep(0.005)
        print(f"{ROUNDS} rounds, {posts} POSTs to users whose session went silent, every one answered")
        return 0
    finally:
        peer.kill()
        peer.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
