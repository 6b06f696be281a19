"""Crash test (Spec DURABLE-2): under a steady stream of POSTs, kill -9 the server, restart it on the
same database, and check that every message that got a 201 is in the history exactly once.

Usage: crash_durability.py SERVER_BINARY DATABASE
"""
import sys
import threading
import time
import uuid

import requests
import socketio

from server_process import ServerProcess

WRITERS = 4


def main():
    binary, database = sys.argv[1], sys.argv[2]
    server = ServerProcess(binary, database)
    url = server.start()
    run = uuid.uuid4().hex[:8]
    receiver = f"crash-{run}"
    acknowledged, attempted = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(index):
        session = requests.Session()
        sequence = 0
        while not stop.is_set():
            content = f"w{index}-{sequence}"
            sequence += 1
            with lock:
                attempted.append(content)
            try:
                response = session.post(f"{url}/messages", json={"sender": f"w{index}-{run}", "receiver": receiver, "content": content}, timeout=5)
            except requests.RequestException:
                continue  # indeterminate: may or may not be stored
            if response.status_code == 201:
                with lock:
                    acknowledged.append(content)

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(acknowledged) < 300:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()

    url = server.start()
    client = socketio.Client(reconnection=False)
    received = []
    done = threading.Event()

    @client.on("all_messages")
    def on_all(history):
        received.extend(message["content"] for conversation in history.values() for message in conversation)
        done.set()

    client.connect(url, transports=["websocket"], wait_timeout=10)
    client.emit("join", receiver)
    if not done.wait(10):
        print("FAIL no all_messages after restart")
        raise SystemExit(1)
    client.disconnect()
    server.stop()

    counts = {}
    for content in received:
        counts[content] = counts.get(content, 0) + 1
    lost = [content for content in acknowledged if counts.get(content, 0) == 0]
    duplicated = [content for content, count in counts.items() if count > 1]
    phantom = [content for content in counts if content not in set(attempted)]
    print(f"acknowledged {len(acknowledged)}, attempted {len(attempted)}, in history {len(received)}, "
          f"lost {len(lost)}, duplicated {len(duplicated)}, never sent {len(phantom)}")
    ok = len(acknowledged) > 0 and not lost and not duplicated and not phantom
    print(("ok   " if ok else "FAIL ") + "every acknowledged message survived kill -9 exactly once")
    print(f"crash: {1 if ok else 0} passed, {0 if ok else 1} failed")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
