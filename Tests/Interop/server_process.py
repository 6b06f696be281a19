"""Starts and stops the reference server binary as a real process for interop tests."""
import os
import re
import signal
import subprocess
import threading
import time

LISTEN_LINE = re.compile(r"listening on http://([0-9.]+):([0-9]+)")


class ServerProcess:
    def __init__(self, binary, database, port=0, extra=()):
        self.binary = binary
        self.database = database
        self.port = port
        self.extra = list(extra)
        self.process = None
        self.output = []

    def start(self, timeout=20.0):
        arguments = [self.binary, "--port", str(self.port), "--db", self.database, "--log-level", "warning", *self.extra]
        self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited early: {''.join(self.output)}")
            self.output.append(line)
            match = LISTEN_LINE.search(line)
            if match:
                self.port = int(match.group(2))
                threading.Thread(target=self._drain, daemon=True).start()
                return f"http://127.0.0.1:{self.port}"
        raise RuntimeError("server did not print its address in time")

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self):
        """Orderly stop (SIGTERM); returns the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=20)

    def kill(self):
        """Crash: SIGKILL."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)
