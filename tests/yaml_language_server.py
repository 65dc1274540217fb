"""A minimal Language Server Protocol client for the YAML language server (the server
behind VS Code's YAML extension and most other editors' YAML support): open a document,
read the diagnostics the editor would underline. The server is the npm package
``yaml-language-server``, installed into tools/editor by `make test`."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path
from typing import IO, Any

from .conftest import ROOT

SERVER = ROOT / "tools" / "editor" / "node_modules" / "yaml-language-server" / "bin"
SERVER_SCRIPT = SERVER / "yaml-language-server"


def server_command() -> list[str] | None:
    """How to start the server over stdio, or None when it is not installed."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None or not SERVER_SCRIPT.exists():
        return None
    return [node, str(SERVER_SCRIPT), "--stdio"]


class YamlLanguageServer:
    """One running server; :meth:`diagnostics` opens a file and returns what it reports."""

    def __init__(self, command: list[str], workspace: Path) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=workspace,
            env={**os.environ, "NODE_OPTIONS": ""},
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in: IO[bytes] = self.proc.stdin
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self._reader.start()
        self._next_id = 0
        self._versions: dict[str, int] = {}
        root = workspace.as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "handbook"}],
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {"publishDiagnostics": {}},
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self._settings()})

    @staticmethod
    def _settings() -> dict[str, Any]:
        return {"yaml": {"validate": True, "schemaStore": {"enable": False}, "schemas": {}}}

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            self._messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self._in.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._in.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        wanted = self._next_id
        self._send({"id": wanted, "method": method, "params": params})
        while True:
            message = self._wait()
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")

    def _wait(self) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=60)
        except queue.Empty:
            raise AssertionError("the YAML language server stopped answering") from None
        if "method" in message and "id" in message:  # a request of the server's
            result: Any = None
            if message["method"] == "workspace/configuration":
                items = message["params"]["items"]
                result = [self._settings().get(i.get("section", ""), None) for i in items]
            self._send({"id": message["id"], "result": result})
        return message

    def diagnostics(self, path: Path) -> list[dict[str, Any]]:
        """Open (or re-open with new text) ``path`` and return the diagnostics published
        for its text."""
        uri = path.as_uri()
        version = self._versions.get(uri, 0) + 1
        self._versions[uri] = version
        text = path.read_text(encoding="utf-8")
        if version == 1:
            document = {"uri": uri, "languageId": "yaml", "version": version, "text": text}
            self.notify("textDocument/didOpen", {"textDocument": document})
        else:
            self.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": text}],
                },
            )
        while True:
            message = self._wait()
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            params = message["params"]
            if params["uri"] == uri and params.get("version", version) == version:
                found: list[dict[str, Any]] = params["diagnostics"]
                return found

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
