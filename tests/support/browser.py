"""The browser tests' harness: Debian's Chromium driven by Playwright, and an injected test
wallet that signs with eth-account keys held by the test.

- `launch()`: a Playwright Browser on /usr/bin/chromium with only the flags of `FLAGS` (none of
  Playwright's defaults) and a fresh profile in a temporary folder, removed on close. No
  Chromium fails the test (never a skip): `tools/toolchain/setup.sh` installs it.
- `Wallet`: an EIP-1193 provider announced by EIP-6963, put into a BrowserContext by
  `wallet.attach(context)` before any page script runs. Every request goes to Python: the
  wallet's own methods answer here (accounts, chain, signing, sending, each that needs the user
  asking `wallet.decide`), every other method goes unchanged to the node. Node errors reach the
  page as EIP-1193 errors with the node's code, message and data (revert data).
- `open_page(browser, wallet=None)`: a new context (with the wallet, or none at all) and a page.
- `serve_folder(folder)`: a static HTTP server on a free loopback port.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import itertools
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from requests import Session

CHROMIUM = Path("/usr/bin/chromium")
# Exactly these (and the pipe Playwright talks over, and the profile): without the
# background-networking ones Chromium calls home, which the closed network here refuses.
# /usr/bin/chromium is Debian's launcher script: it puts /etc/chromium.d's defaults first
# (--enable-gpu-rasterization, --disable-pings, --media-router=0, ...).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
MISSING = (
    f"no Chromium at {CHROMIUM}: the browser tests need Debian's chromium package "
    "(tools/toolchain/setup.sh installs it as root; else `sudo apt-get install chromium`)"
)


@contextlib.contextmanager
def launch() -> Iterator[Browser]:
    """Chromium for one module's tests (a new context per test: `open_page`)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(MISSING, pytrace=False)
    with (
        tempfile.TemporaryDirectory(prefix="bazaar-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        # ignore_default_args=True: Playwright adds none of its own flags, so the pipe it
        # drives Chromium through is named here; and only then may the profile be ours.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            ignore_default_args=True,
            args=[*FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser: Browser, wallet: Wallet | None = None) -> Iterator[Page]:
    """A page in a new context: with `wallet` injected, or with no wallet at all. Fails the
    test on an uncaught error in the page or a fault of the wallet itself."""
    context = browser.new_context()
    try:
        if wallet is not None:
            wallet.attach(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        assert not errors, f"uncaught errors in the page: {errors}"
        assert wallet is None or not wallet.faults, f"the wallet failed: {wallet.faults}"
    finally:
        context.close()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """`folder`'s files over HTTP on a free loopback port; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            thread.join(10)


class WalletError(Exception):
    """An EIP-1193 error for the page: `code`, `message` and, if any, `data`."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.data = code, message, data

    def answer(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


def rejected() -> WalletError:
    return WalletError(4001, "User rejected the request.")


@dataclass(frozen=True)
class Request:
    """One request of the page: `decision` is the user's (True, False) for a method that asks
    the user, None for one that does not."""

    method: str
    params: Any
    decision: bool | None = None


_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
    b'<rect width="96" height="96" rx="20" fill="#f7931a"/>'
    b'<circle cx="48" cy="48" r="24" fill="#fff"/></svg>'
)
ICON = "data:image/svg+xml;base64," + base64.b64encode(_SVG).decode()
RDNS = "org.btcbazaar.testwallet"
BINDING = "__bazaarTestWalletRequest"
# Signing methods the wallet does not offer: forwarded, anvil would sign them with its own
# unlocked dev keys, behind the wallet's back.
REFUSED = {
    "eth_sign",
    "eth_signTransaction",
    "eth_signTypedData",
    "eth_signTypedData_v1",
    "eth_signTypedData_v3",
}
# The methods that ask the user (`Wallet.decide`): eth_requestAccounts only until connected.
ASKING = {"eth_requestAccounts", "eth_sendTransaction", "personal_sign", "eth_signTypedData_v4"}

# The page's side: runs in every frame before any of the page's scripts (add_init_script).
# Requests go to Python through the exposed BINDING, which answers {result} or {error} and the
# events to emit first (wallet_switchEthereumChain's chainChanged, ...): an emitted event
# reaches the listeners before the request's promise settles.
INIT_SCRIPT = """
(config => {
  if (window.__testWallet) return;
  const listeners = new Map();
  function emit(event, payload) {
    for (const listener of [...(listeners.get(event) || [])]) {
      try { listener(payload); } catch (error) { setTimeout(() => { throw error; }); }
    }
  }
  function providerError({ code, message, data }) {
    const error = new Error(message);
    error.code = code;
    if (data !== undefined) error.data = data;
    return error;
  }
  const provider = {
    request(args) {
      if (!args || typeof args.method !== "string") {
        return Promise.reject(providerError({ code: -32600, message: "Invalid request" }));
      }
      const params = args.params === undefined ? [] : args.params;
      return window[config.binding](args.method, params).then(answer => {
        for (const [event, payload] of answer.events) emit(event, payload);
        if (answer.error) throw providerError(answer.error);
        return answer.result;
      });
    },
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, []);
      listeners.get(event).push(listener);
      return provider;
    },
    removeListener(event, listener) {
      const list = listeners.get(event) || [];
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
      return provider;
    },
  };
  const detail = Object.freeze({ info: Object.freeze({ ...config.info }), provider });
  const announce = () =>
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  window.addEventListener("eip6963:requestProvider", announce);
  Object.defineProperty(window, "__testWallet", {
    value: Object.freeze({ emit, provider, info: detail.info }),
  });
  announce();
})(CONFIG);
"""


def _int(value: Any) -> int:
    return int(value, 16) if isinstance(value, str) else int(value)


@dataclass
class Wallet:
    """The test's wallet: anvil's dev keys by name (tests/support/cli.py's DEV_KEYS), the
    current account (`account`), the chain it says it is on (default: the node's) and the
    node it forwards to. Test controls: `decide`, `requests`, `sent`, `switch_account`,
    `set_chain`, `emit`."""

    rpc_url: str
    keys: dict[str, str]
    account: str
    chain_id: int | None = None
    # The user: asked for each request that needs one (connect, send, sign); True approves.
    decide: Callable[[str, Any], bool] = lambda method, params: True
    requests: list[Request] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # the hashes of the transactions sent
    faults: list[str] = field(default_factory=list)  # the wallet's own failures (bugs)
    connected: bool = False
    signers: dict[str, Any] = field(init=False)
    info: dict[str, str] = field(init=False)
    node_chain_id: int = field(init=False)
    known_chains: set[int] = field(init=False)
    _contexts: list[BrowserContext] = field(default_factory=list, init=False)
    _ids: Iterator[int] = field(default_factory=itertools.count, init=False)
    _http: Session = field(default_factory=Session, init=False)

    def __post_init__(self) -> None:
        self.signers = {name: Account.from_key(key) for name, key in self.keys.items()}
        self.signer(self.account)
        self.info = {"uuid": str(uuid.uuid4()), "name": "Test Wallet", "icon": ICON, "rdns": RDNS}
        self.node_chain_id = _int(self.node("eth_chainId", []))
        self.known_chains = {self.node_chain_id}
        if self.chain_id is None:
            self.chain_id = self.node_chain_id

    # --- the test's side ------------------------------------------------------------------

    def attach(self, context: BrowserContext) -> None:
        """Injects the wallet into every page `context` opens or navigates from now on,
        before the page's own scripts (so: before `context.new_page()`)."""
        context.expose_function(BINDING, self._answer)
        config = {"binding": BINDING, "info": self.info}
        context.add_init_script(script=INIT_SCRIPT.replace("CONFIG", json.dumps(config)))
        self._contexts.append(context)

    @property
    def address(self) -> str:
        return self.signer(self.account).address

    def signer(self, name: str) -> Any:
        if name not in self.signers:
            raise KeyError(f"the wallet holds no key named {name!r}: {sorted(self.signers)}")
        return self.signers[name]

    def switch_account(self, name: str) -> None:
        """The user picks another account: `accountsChanged` in the pages once connected."""
        self.account = name
        self.signer(name)
        if self.connected:
            self.emit("accountsChanged", [self.address])

    def set_chain(self, chain_id: int) -> None:
        """The wallet says it is on `chain_id` (any, a wrong one too): `chainChanged`."""
        changed = chain_id != self.chain_id
        self.chain_id = chain_id
        if changed:
            self.emit("chainChanged", hex(chain_id))

    def disconnect(self) -> None:
        """The user disconnects the site: `accountsChanged` with no accounts."""
        if self.connected:
            self.connected = False
            self.emit("accountsChanged", [])

    def emit(self, event: str, payload: Any) -> None:
        """Emits `event` to the provider's listeners in every open page of the wallet."""
        for context in self._contexts:
            for page in context.pages:
                if not page.is_closed():
                    page.evaluate(
                        "([event, payload]) => window.__testWallet?.emit(event, payload)",
                        [event, payload],
                    )

    def asked(self, method: str) -> list[Request]:
        """The requests of `method` so far."""
        return [r for r in self.requests if r.method == method]

    # --- the page's side ------------------------------------------------------------------

    def _answer(self, method: str, params: Any) -> dict[str, Any]:
        """Every request of a page: {result} or {error}, and the events to emit first."""
        events: list[list[Any]] = []
        try:
            result = self._handle(method, [] if params is None else params, events)
            return {"result": result, "events": events}
        except WalletError as error:
            return {"error": error.answer(), "events": events}
        except Exception as exc:  # a bug of the wallet: to the page as an internal error
            self.faults.append(f"{method}: {exc!r}")
            return {"error": {"code": -32603, "message": f"test wallet: {exc!r}"}, "events": []}

    def _ask(self, method: str, params: Any) -> None:
        decision = bool(self.decide(method, params))
        self.requests.append(Request(method, params, decision))
        if not decision:
            raise rejected()

    def _handle(self, method: str, params: Any, events: list[list[Any]]) -> Any:
        if method not in ASKING:
            self.requests.append(Request(method, params))
        match method:
            case "eth_requestAccounts":
                if not self.connected:
                    self._ask(method, params)
                    self.connected = True
                else:
                    self.requests.append(Request(method, params))
                return [self.address]
            case "eth_accounts":
                return [self.address] if self.connected else []
            case "eth_chainId":
                return hex(self.chain_id or 0)
            case "net_version":
                return str(self.chain_id)
            case "wallet_switchEthereumChain":
                chain_id = _int(params[0]["chainId"])
                if chain_id not in self.known_chains:
                    raise WalletError(4902, f"Unrecognized chain ID {hex(chain_id)}.")
                if chain_id != self.chain_id:
                    self.chain_id = chain_id
                    events.append(["chainChanged", hex(chain_id)])
                return None
            case "wallet_revokePermissions":
                if self.connected:
                    self.connected = False
                    events.append(["accountsChanged", []])
                return None
            case "eth_sendTransaction":
                self._own(params[0].get("from", self.address))
                self._ask(method, params)
                return self._send(params[0])
            case "personal_sign":
                message, address = str(params[0]), params[1]
                self._own(address)
                self._ask(method, params)
                signable = (
                    encode_defunct(hexstr=message)
                    if message.startswith("0x") and _is_hex(message[2:])
                    else encode_defunct(text=message)
                )
                return _hex(self.signer(self.account).sign_message(signable).signature)
            case "eth_signTypedData_v4":
                address, typed = params[0], params[1]
                self._own(address)
                self._ask(method, params)
                message = json.loads(typed) if isinstance(typed, str) else typed
                signable = encode_typed_data(full_message=message)
                return _hex(self.signer(self.account).sign_message(signable).signature)
        if method in REFUSED or method.startswith(("wallet_", "personal_")):
            raise WalletError(4200, f"The test wallet does not support {method}.")
        return self.node(method, params)

    def _own(self, address: Any) -> None:
        if not self.connected:
            raise WalletError(4100, "The requested account has not been authorized.")
        if str(address).lower() != self.address.lower():
            raise WalletError(4100, f"Not the wallet's current account: {address}.")

    def _send(self, tx: dict[str, Any]) -> str:
        """Fills what `tx` leaves out (nonce, gas by eth_estimateGas, EIP-1559 fees from the
        node), signs it with the current account's key and sends it raw; its hash."""
        fields: dict[str, Any] = {
            "chainId": self.chain_id,
            "nonce": _int(tx["nonce"])
            if "nonce" in tx
            else _int(self.node("eth_getTransactionCount", [self.address, "pending"])),
            "value": _int(tx.get("value", 0)),
            "data": tx.get("data") or tx.get("input") or "0x",
        }
        if tx.get("to"):
            fields["to"] = tx["to"]
        if "gas" in tx:
            fields["gas"] = _int(tx["gas"])
        else:
            estimate = {k: v for k, v in tx.items() if k in ("to", "value", "data", "input")}
            fields["gas"] = _int(self.node("eth_estimateGas", [{"from": self.address, **estimate}]))
        if "gasPrice" in tx:
            fields["gasPrice"] = _int(tx["gasPrice"])
        else:
            tip = tx.get("maxPriorityFeePerGas") or self.node("eth_maxPriorityFeePerGas", [])
            block = self.node("eth_getBlockByNumber", ["latest", False])
            fields["maxPriorityFeePerGas"] = _int(tip)
            fields["maxFeePerGas"] = (
                _int(tx["maxFeePerGas"])
                if "maxFeePerGas" in tx
                else 2 * _int(block.get("baseFeePerGas") or 0) + _int(tip)
            )
        signed = self.signer(self.account).sign_transaction(fields)
        tx_hash = self.node("eth_sendRawTransaction", [_hex(signed.raw_transaction)])
        self.sent.append(tx_hash)
        return tx_hash

    def node(self, method: str, params: Any) -> Any:
        """`method` on the node; its error as a WalletError with its code, message and data."""
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        answer = self._http.post(self.rpc_url, json=body, timeout=60).json()
        if "error" in answer:
            error = answer["error"]
            code, message = error.get("code", -32603), error.get("message", "")
            raise WalletError(code, message, error.get("data"))
        return answer.get("result")


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()
