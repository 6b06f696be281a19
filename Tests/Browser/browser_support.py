"""What the browser tests share: the system Chromium under Playwright, a static file server for pages
of another origin, the reference server as a process, named checks with screenshots.

Each script exits 0 when every check passed, 1 when one failed, and 77 (with a line starting
"SKIP:") when a prerequisite is missing: BrowserTests.swift fails on 77 when CI=true.
"""
import contextlib
import functools
import http.server
import os
import pathlib
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Interop"))
from server_process import ServerProcess  # noqa: E402

SKIP_STATUS = 77
WEB = ROOT / "Web"
ARTIFACTS = pathlib.Path(os.environ.get("MESSENGER_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
# Where .ci/run puts the official Socket.IO browser client (never committed).
OFFICIAL_CLIENT = pathlib.Path(os.environ.get("MESSENGER_TEST_SOCKETIO_JS", ROOT / ".build" / "browser-vendor" / "socket.io.min.js"))
TIMEOUT_MS = 10_000


def skip(reason):
    print(f"SKIP: {reason}", flush=True)
    sys.exit(SKIP_STATUS)


def chromium_path():
    configured = os.environ.get("MESSENGER_TEST_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser():
    """The system Chromium and Playwright for Python, or exit 77 saying which is missing."""
    if not chromium_path():
        skip("no chromium on PATH (Debian's `chromium`; .ci/run installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip("Playwright for Python not installed (.ci/run installs it into .venv)")


@contextlib.contextmanager
def browser():
    """Headless Chromium: the system build, never a downloaded one."""
    from playwright.sync_api import sync_playwright, expect
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            yield instance
        finally:
            instance.close()


def new_context(instance, **options):
    context = instance.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def log_message(self, *arguments):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class StaticServer:
    """Serves a directory on 127.0.0.1, port 0: a page of an origin other than the reference server's."""

    def __init__(self, directory):
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def reference_server(binary, extra=()):
    database = os.path.join(tempfile.gettempdir(), f"browser-{uuid.uuid4().hex}.db")
    return ServerProcess(binary, database, extra=extra)


class Checks:
    """Named steps: each passes or fails (with its exception); a screenshot is kept for each."""

    def __init__(self, name):
        self.directory = ARTIFACTS / name
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.passed = 0
        self.failed = 0
        self.screenshots = 0
        self.pages = []

    def screenshot(self, page, label):
        self.screenshots += 1
        path = self.directory / f"{self.screenshots:02d}-{label}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a closed page: say so, do not fail the step for it
            print(f"  (no screenshot {path.name}: {error})")
            return None
        return path

    def step(self, label, body, *pages):
        """Runs body(); one screenshot per page afterwards, pass or fail."""
        started = time.monotonic()
        try:
            body()
        except Exception:
            self.failed += 1
            print(f"FAIL {label} ({time.monotonic() - started:.1f} s)\n{traceback.format_exc()}", flush=True)
        else:
            self.passed += 1
            print(f"PASS {label} ({time.monotonic() - started:.1f} s)", flush=True)
        for index, page in enumerate(pages):
            suffix = f"-{index + 1}" if len(pages) > 1 else ""
            self.screenshot(page, f"{slug(label)}{suffix}")

    def finish(self):
        print(f"screenshots: {self.directory}")
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(0 if self.failed == 0 and self.passed > 0 else 1)


def slug(text):
    kept = "".join(character if character.isalnum() else "-" for character in text.lower())
    return "-".join(part for part in kept.split("-") if part)[:60]
