"""The official Socket.IO browser client (socket.io-client 4.8.x's socket.io.min.js, which .ci/run
extracts from a PyPI wheel; never committed) on a page of another origin, against the reference
server: polling with upgrade, WebSocket only and polling only; each joins, gets all_messages (with
a message sent before the join) and a new_message for a message POSTed from the page.

usage: official_client.py REFERENCE_SERVER_BINARY
"""
import json
import pathlib
import re
import shutil
import sys
import tempfile
import urllib.request

from browser_support import OFFICIAL_CLIENT, Checks, StaticServer, browser, new_context, reference_server, require_browser, skip

HERE = pathlib.Path(__file__).resolve().parent
MODES = [
    ("polling-upgrade", ["polling", "websocket"], True, "websocket"),
    ("websocket-only", ["websocket"], False, "websocket"),
    ("polling-only", ["polling"], False, "polling"),
]


def post(url, sender, receiver, content):
    request = urllib.request.Request(f"{url}/messages", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"sender": sender, "receiver": receiver, "content": content}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def main(binary):
    require_browser()
    if not OFFICIAL_CLIENT.is_file():
        skip(f"{OFFICIAL_CLIENT} missing (.ci/run extracts socket.io.min.js from the nicegui wheel)")
    header = OFFICIAL_CLIENT.read_text(encoding="utf-8")[:200]
    version = re.search(r"Socket\.IO v([0-9.]+)", header)
    print(f"official client: {OFFICIAL_CLIENT} (Socket.IO v{version.group(1) if version else '?'})")
    checks = Checks("official-client")
    server = reference_server(binary)
    server_url = server.start()
    directory = pathlib.Path(tempfile.mkdtemp(prefix="official-client-"))
    for name in ("official-client.html", "official-client.js"):
        shutil.copy(HERE / name, directory / name)
    shutil.copy(OFFICIAL_CLIENT, directory / "socket.io.min.js")
    pages = StaticServer(directory)
    try:
        if version and version.group(1).startswith("4.8."):
            checks.passed += 1
            print(f"PASS the official client is socket.io-client 4.8.x (v{version.group(1)})")
        else:
            checks.failed += 1
            print(f"FAIL expected socket.io-client 4.8.x, found {header[:80]!r}")
        with browser() as instance:
            for name, transports, upgrade, final_transport in MODES:
                context = new_context(instance)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                user = f"official-{name}"
                before = post(server_url, "earlier-peer", user, f"before {name} joined")

                def run_mode():
                    page.goto(f"{pages.url}/official-client.html")
                    assert pages.url != server_url and page.url.startswith(pages.url), "the page has another origin"
                    result = page.evaluate("([url, transports, upgrade, user, version]) => window.runOfficial(url, transports, upgrade, user, version)",
                                           [server_url, transports, upgrade, user, f"v{version.group(1) if version else '?'}"])
                    expected_history = {"earlier-peer": [{"sender": "earlier-peer", "content": f"before {name} joined",
                                                          "timestamp": before["timestamp"], "id": before["id"]}]}
                    assert result["history"] == expected_history, f"all_messages {result['history']}"
                    assert result["postStatus"] == 201, result
                    assert result["live"] == {"sender": "official-peer", "content": f"live to {user}",
                                              "timestamp": result["posted"]["timestamp"], "id": result["posted"]["id"]}, result["live"]
                    assert result["transport"] == final_transport, f"transport {result['transport']}"
                    assert result["transports"][0] == transports[0], f"opened on {result['transports']}"
                    assert result["upgraded"] == (name == "polling-upgrade"), f"upgraded {result['upgraded']}"
                    assert not errors, f"page errors: {errors}"
                checks.step(f"official client {name}: joins, all_messages, new_message", run_mode, page)
                context.close()
    finally:
        pages.close()
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    checks.finish()


if __name__ == "__main__":
    main(sys.argv[1])
