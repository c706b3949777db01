"""A real SCIM 2.0 server on loopback: the `scim2-server` command (a dev dependency).

It serves RFC 7643 Users and Groups from memory under /v2 and accepts only the bearer
token it is started with. Tests reach it through the same HTTP stack as production.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2

from slack_app.testing.slapd import free_port

TOKEN = "loopback-scim-token"


@dataclass
class ScimServer:
    process: subprocess.Popen[bytes]
    url: str  # the SCIM root, …/v2

    def client(self) -> httpx2.Client:
        return httpx2.Client(base_url=self.url, headers={"Authorization": f"Bearer {TOKEN}"})

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def command() -> list[str]:
    here = Path(sys.executable).parent / "scim2-server"
    found = str(here) if here.exists() else shutil.which("scim2-server")
    if found is None:
        raise FileNotFoundError("scim2-server is not installed (a dev dependency)")
    return [found]


def start_scim_server(log: Path, *, timeout: float = 20.0) -> ScimServer:
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [*command(), "--hostname", "127.0.0.1", "--port", str(port), "--bearer-token", TOKEN],
        stdout=out,
        stderr=out,
    )
    server = ScimServer(process, f"http://127.0.0.1:{port}/v2")
    deadline = time.monotonic() + timeout
    with server.client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"scim2-server exited: {log.read_text(errors='replace')}")
            try:
                if client.get("/ServiceProviderConfig").status_code == 200:
                    return server
            except httpx2.TransportError:
                time.sleep(0.1)
    server.stop()
    raise TimeoutError(f"scim2-server did not answer on {server.url} within {timeout:g} s")
