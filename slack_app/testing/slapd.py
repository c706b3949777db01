"""A real OpenLDAP server (Debian's `slapd`) on loopback, for tests and the benchmark.

`start_slapd(workdir)` writes a slapd.conf of its own (core, cosine, inetOrgPerson and
nis schemas, one mdb database for `dc=acme,dc=test`) into `workdir`, starts slapd in the
foreground on a free 127.0.0.1 port, waits until it answers, and adds the two
branches accounts and groups live in. Nothing of the machine's own LDAP configuration
is read or changed. `scripts/test` installs slapd when it is missing.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ldap3 import Connection, Server

SLAPD = "/usr/sbin/slapd"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")
BASE = "dc=acme,dc=test"
ADMIN_DN = f"cn=admin,{BASE}"
PASSWORD = "loopback-only"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
PLACEHOLDER = f"cn=nobody,{BASE}"  # groupOfNames needs a member: the usual stand-in


def slapd_path() -> str | None:
    return SLAPD if Path(SLAPD).exists() else shutil.which("slapd")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Slapd:
    process: subprocess.Popen[bytes]
    url: str
    workdir: Path

    def connection(self) -> Connection:
        return Connection(Server(self.url), ADMIN_DN, PASSWORD, auto_bind=True)

    def add_person(self, username: str, name: str, mail: str) -> str:
        dn = f"uid={username},{PEOPLE}"
        surname = name.rsplit(maxsplit=1)[-1]
        attributes: dict[str, object] = {"uid": username, "cn": name, "sn": surname, "mail": mail}
        self._add(dn, ["inetOrgPerson"], attributes)
        return dn

    def add_people(self, people: list[tuple[str, str, str]]) -> None:
        """(username, name, mail) each, over one connection (fast set-up for benchmarks)."""
        conn = self.connection()
        for username, name, mail in people:
            surname = name.rsplit(maxsplit=1)[-1]
            attributes = {"uid": username, "cn": name, "sn": surname, "mail": mail}
            if not conn.add(f"uid={username},{PEOPLE}", ["inetOrgPerson"], attributes):
                raise RuntimeError(f"slapd refused {username}: {conn.result}")
        conn.unbind()

    def add_group(self, name: str) -> str:
        dn = f"cn={name},{GROUPS}"
        self._add(dn, ["groupOfNames"], {"cn": name, "member": [PLACEHOLDER]})
        return dn

    def members(self, group_dn: str) -> set[str]:
        conn = self.connection()
        conn.search(group_dn, "(objectClass=*)", attributes=["member"])
        values = conn.entries[0].member.values if conn.entries else []
        conn.unbind()
        return {str(v).lower() for v in values} - {PLACEHOLDER.lower()}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def _add(self, dn: str, classes: list[str], attributes: dict[str, object]) -> None:
        conn = self.connection()
        if not conn.add(dn, classes, attributes):
            raise RuntimeError(f"slapd refused {dn}: {conn.result}")
        conn.unbind()


def config(workdir: Path) -> str:
    includes = "\n".join(f"include /etc/ldap/schema/{s}.schema" for s in SCHEMAS)
    return f"""{includes}
pidfile {workdir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 268435456
suffix "{BASE}"
rootdn "{ADMIN_DN}"
rootpw {PASSWORD}
directory {workdir}/data
dbnosync
index objectClass eq
index uid eq
index member eq
"""


def start_slapd(workdir: Path, *, timeout: float = 20.0) -> Slapd:
    binary = slapd_path()
    if binary is None:
        raise FileNotFoundError("slapd is not installed (apt-get install slapd ldap-utils)")
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    conf = workdir / "slapd.conf"
    conf.write_text(config(workdir), encoding="utf-8")
    url = f"ldap://127.0.0.1:{free_port()}"
    log = (workdir / "slapd.log").open("wb")
    process = subprocess.Popen(
        [binary, "-f", str(conf), "-h", f"{url}/", "-d", "0"], stdout=log, stderr=log
    )
    server = Slapd(process, url, workdir)
    _wait(server, timeout)
    for dn, unit in ((PEOPLE, "people"), (GROUPS, "groups")):
        server._add(dn, ["organizationalUnit"], {"ou": unit})
    return server


def _wait(server: Slapd, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = (server.workdir / "slapd.log").read_text(errors="replace")
            raise RuntimeError(f"slapd exited ({server.process.returncode}): {log[-2000:]}")
        try:
            conn = server.connection()
        except Exception:
            time.sleep(0.1)
            continue
        conn.add(BASE, ["dcObject", "organization"], {"dc": "acme", "o": "Acme"})
        conn.unbind()
        return
    server.stop()
    raise TimeoutError(f"slapd did not answer on {server.url} within {timeout:g} s")
