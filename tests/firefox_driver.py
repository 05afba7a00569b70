"""A small WebDriver BiDi client for headless Firefox ESR, for the dashboard tests.

Debian packages `firefox-esr` but not `geckodriver`, so Selenium cannot drive it here. Firefox
speaks W3C WebDriver BiDi itself: started with `--remote-debugging-port`, it accepts a
WebSocket at `ws://127.0.0.1:PORT/session`. This module starts Firefox with a throw-away
profile, talks BiDi over `websocket-client` (PyPI) and offers the few calls the tests need,
shaped like Selenium's (`get`, `execute_script`, `find_element`, `save_screenshot`,
`get_log("browser")`, ...), so the Chromium tests' bodies run against it unchanged.

Console errors: `log.entryAdded` events at level "error" (uncaught exceptions and
`console.error`), plus every network response with status >= 400 and every failed load
(`network.responseCompleted` / `network.fetchError`), which is what Chromium reports as
SEVERE "Failed to load resource" messages. A request the page itself cancelled
(NS_BINDING_ABORTED: an aborted fetch, or an event stream closed by leaving the page) is
not a failed load; Chromium does not report those either.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import websocket

# Preferences for a quiet, deterministic test browser: no first-run pages, updates,
# telemetry or background network traffic (this machine reaches no Mozilla servers).
PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.newtabpage.enabled": False,
    "remote.prefs.recommended": True,
}

# Selenium's names for the keys the tests press (WebDriver key codes).
KEYS = {"\t": "\ue004", "\n": "\ue007"}


class FirefoxError(AssertionError):
    """Firefox could not be started, or a BiDi command failed."""


class Element:
    """A DOM node the page returned, by its BiDi shared id; usable as a script argument."""

    def __init__(self, driver: "Firefox", shared_id: str):
        self.driver = driver
        self.shared_id = shared_id

    def click(self) -> None:
        self.driver.click(self)

    def send_keys(self, text: str) -> None:
        self.driver.execute_script("arguments[0].focus()", self)
        self.driver.type_keys(text)

    def clear(self) -> None:
        self.driver.execute_script("""const e = arguments[0]; e.focus(); e.value = '';
            e.dispatchEvent(new Event('input', {bubbles: true}));""", self)

    def get_attribute(self, name: str):
        return self.driver.execute_script("const e = arguments[0], n = arguments[1]; return n in e ? e[n] : e.getAttribute(n)", self, name)

    @property
    def text(self) -> str:
        return self.driver.execute_script("return arguments[0].innerText", self)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Firefox:
    """One headless Firefox with one tab, driven over WebDriver BiDi. Use `close()` (or the
    context manager) to end it; the process group is killed if it does not quit in time."""

    def __init__(self, width: int = 1280, height: int = 900, start_timeout: float = 30.0, screenshot_prefix: str = ""):
        self.screenshot_prefix = screenshot_prefix
        binary = shutil.which("firefox-esr") or shutil.which("firefox")
        if not binary:
            raise FirefoxError("firefox-esr is required: run scripts/install-test-deps.sh")
        self.profile = Path(tempfile.mkdtemp(prefix="petrel-firefox-"))
        (self.profile / "user.js").write_text("".join(f'user_pref("{k}", {json.dumps(v)});\n' for k, v in PREFS.items()))
        self.port = free_port()
        self.log_path = self.profile / "firefox.log"  # Firefox's own output, quoted when it fails to start
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-remote", "--profile", str(self.profile),
             "--remote-debugging-port", str(self.port), "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "MOZ_HEADLESS": "1", "MOZ_CRASHREPORTER_DISABLE": "1"})
        self.next_id = 0
        self.events: list[dict] = []
        self.ws = None
        try:
            self._connect(start_timeout)
            self.command("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
            tree = self.command("browsingContext.getTree", {"maxDepth": 0})
            self.context = tree["contexts"][0]["context"]
            self.command("session.subscribe", {"events": ["log.entryAdded", "network.responseCompleted", "network.fetchError"]})
            self.set_window_size(width, height)
        except BaseException:
            self.close()
            raise

    def _connect(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise FirefoxError(f"firefox exited with {self.proc.returncode}: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                # Firefox refuses WebSocket upgrades that carry an Origin header it was not told to allow.
                self.ws = websocket.create_connection(f"ws://127.0.0.1:{self.port}/session", suppress_origin=True, timeout=5)
                self.ws.settimeout(60)
                return
            except (OSError, websocket.WebSocketException) as e:
                last = e
                time.sleep(0.2)
        raise FirefoxError(f"firefox did not open WebDriver BiDi on port {self.port} within {timeout}s: {last}")

    # --- protocol ---------------------------------------------------------------------------

    def command(self, method: str, params: dict, timeout: float = 60.0) -> dict:
        """Sends one command and returns its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        mine = self.next_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise FirefoxError(f"no answer to {method} within {timeout}s")
            self.ws.settimeout(left)
            try:
                msg = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                raise FirefoxError(f"no answer to {method} within {timeout}s") from None
            if msg.get("type") == "event":
                self.events.append(msg)
            elif msg.get("id") == mine:
                if msg.get("type") == "error":
                    raise FirefoxError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]

    def _local(self, value):
        """A Python value as a BiDi LocalValue (script argument)."""
        if isinstance(value, Element):
            return {"sharedId": value.shared_id}
        if value is None:
            return {"type": "null"}
        if isinstance(value, bool):
            return {"type": "boolean", "value": value}
        if isinstance(value, (int, float)):
            return {"type": "number", "value": value}
        if isinstance(value, str):
            return {"type": "string", "value": value}
        if isinstance(value, (list, tuple)):
            return {"type": "array", "value": [self._local(v) for v in value]}
        if isinstance(value, dict):
            return {"type": "object", "value": [[k, self._local(v)] for k, v in value.items()]}
        raise TypeError(f"cannot pass {type(value).__name__} to the page")

    def _remote(self, value: dict):
        """A BiDi RemoteValue (script result) as a Python value."""
        kind = value.get("type")
        if kind in ("undefined", "null"):
            return None
        if kind in ("string", "boolean"):
            return value["value"]
        if kind == "number":
            v = value["value"]
            if isinstance(v, str):  # NaN, Infinity, -0
                return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"), "-0": 0.0}[v]
            return v
        if kind in ("array", "set", "nodelist", "htmlcollection"):
            return [self._remote(v) for v in value.get("value", [])]
        if kind in ("object", "map"):
            return {(k if isinstance(k, str) else str(self._remote(k))): self._remote(v) for k, v in value.get("value", [])}
        if kind == "node":
            return Element(self, value["sharedId"])
        if kind == "bigint":
            return int(value["value"])
        return value.get("value")

    # --- Selenium-like calls ----------------------------------------------------------------

    def get(self, url: str) -> None:
        self.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    @property
    def current_url(self) -> str:
        return self.execute_script("return location.href")

    def execute_script(self, body: str, *args):
        """Runs `body` as a function of `arguments` in the page; awaits a returned promise."""
        result = self.command("script.callFunction", {
            "functionDeclaration": f"async function() {{ {body}\n}}",
            "arguments": [self._local(a) for a in args],
            "target": {"context": self.context},
            "awaitPromise": True,
            "resultOwnership": "none",
            "serializationOptions": {"maxObjectDepth": 20, "maxDomDepth": 0},
        })
        if result.get("type") == "exception":
            details = result["exceptionDetails"]
            raise FirefoxError(f"script error: {details.get('text')}")
        return self._remote(result["result"])

    def execute_async_script(self, body: str, *args):
        """Runs `body` with a callback as its last argument and returns what it is called with."""
        return self.execute_script(
            f"return new Promise(done => (function() {{ {body}\n}}).apply(null, [...arguments, done]))", *args)

    def find_element(self, by: str, selector: str) -> Element:
        css = f"#{selector}" if by == "id" else selector
        element = self.execute_script("return document.querySelector(arguments[0])", css)
        if element is None:
            raise FirefoxError(f"no element matches {css}")
        return element

    def click(self, element: Element) -> None:
        """A real pointer click in the middle of the element (scrolled into view first)."""
        self.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", element)
        self.command("input.performActions", {"context": self.context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "x": 0, "y": 0, "origin": {"type": "element", "element": {"sharedId": element.shared_id}}},
                        {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}]})

    def type_keys(self, text: str) -> None:
        """Presses each character (or WebDriver key code) in turn on the focused element."""
        actions = []
        for ch in text:
            key = KEYS.get(ch, ch)
            actions += [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self.command("input.performActions", {"context": self.context, "actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def set_window_size(self, width: int, height: int) -> None:
        self.command("browsingContext.setViewport", {"context": self.context, "viewport": {"width": width, "height": height}})

    def save_screenshot(self, path: str) -> None:
        """Writes a PNG of the viewport to `path`, its file name prefixed with `screenshot_prefix`."""
        target = Path(path)
        data = self.command("browsingContext.captureScreenshot", {"context": self.context})["data"]
        target.with_name(self.screenshot_prefix + target.name).write_bytes(base64.b64decode(data))

    def get_log(self, kind: str) -> list[dict]:
        """Selenium's shape of `console_messages()`: every entry at level SEVERE."""
        assert kind == "browser", kind
        return [{"level": "SEVERE", "message": m} for m in self.console_messages()]

    def console_messages(self) -> list[str]:
        """Errors reported since the last call: console/JS errors and failed or >= 400 loads."""
        out = []
        for e in self.events:
            p = e["params"]
            if e["method"] == "log.entryAdded" and p.get("level") == "error":
                frames = (p.get("stackTrace") or {}).get("callFrames") or [{}]
                out.append(f"{frames[0].get('url', '')} {p.get('type')}: {p.get('text')}".strip())
            elif e["method"] == "network.responseCompleted" and p["response"]["status"] >= 400:
                out.append(f"{p['request']['url']} - Failed to load resource: the server responded with a status of {p['response']['status']}")
            elif e["method"] == "network.fetchError" and p.get("errorText") != "NS_BINDING_ABORTED":
                out.append(f"{p['request']['url']} - Failed to load resource: {p.get('errorText')}")
        self.events.clear()
        return out

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.command("browser.close", {}, timeout=10)
            except Exception:
                pass
            try:
                self.ws.close()
            except Exception:
                pass
            self.ws = None
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # Firefox and any content process it left behind (its own process group)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Firefox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
