"""What the server gives the storefront page beyond the read API: the page under a strict
Content-Security-Policy, its fixed list of static files, the tokens' rates from the oracle,
and revert data explained by the CLI's own sentences."""

import brownie
from eth_abi import encode

from bazaar.clients.oracle import OracleClient
from bazaar.errors import decode_revert, error_table
from bazaar.journal import Journal
from bazaar.server.follow import scrub
from bazaar.server.page import PAGE_CSP, RATE_USD, Rates, Token
from tests.server.conftest import running


def test_the_page_is_served_with_a_csp_that_allows_no_inline_script_and_no_other_origin(api):
    page = api.get("/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert csp == PAGE_CSP
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "connect-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert '<script type="module" src="/static/app.js"></script>' in page.text
    assert "<script>" not in page.text  # no inline script at all
    script = api.get("/static/app.js")
    assert script.status_code == 200 and script.headers["Content-Type"].startswith(
        "text/javascript"
    )
    assert len(script.content) > 10_000


def test_only_the_pages_own_files_are_served_from_static(api):
    for name in ("../app.py", "index.html", "app.js.map", "%2e%2e%2fcommon.py"):
        answer = api.get(f"/static/{name}")
        assert answer.status_code == 404, name
        assert "error" in answer.json()
    assert api.get("/", x="1").status_code == 400  # the page takes no parameters
    assert api.get("/", ref="0x1").status_code == 200  # but a referral link's ref


def test_rates_are_the_oracles_quote_for_a_million_dollars_per_token(suite, db_url):
    journal = Journal.load(suite["folder"] / "31337.json")
    oracle = OracleClient(brownie.web3, journal.address("oracle"))
    tokens = [Token(journal.data["tokens"]["wbtc"], "wbtc", "WBTC", 8)]
    rates = Rates(tokens, lambda token, usd: oracle.quote(token, usd).token_amount)
    with running(suite, db_url, rates=rates) as server:
        found = server.json("/api/rates")
    entry = found["tokens"][tokens[0].address]
    assert found["usdAmount"] == str(RATE_USD)
    # $1,000,000 at the mock's $100,000 a bitcoin: 10 WBTC (8 decimals)
    assert entry == {
        "name": "wbtc",
        "symbol": "WBTC",
        "decimals": 8,
        "perUsd": str(oracle.quote(tokens[0].address, RATE_USD).token_amount),
        "error": None,
    }
    assert int(entry["perUsd"]) == 10 * 10**8


def test_a_token_the_oracle_refuses_has_no_rate_and_says_why(suite, db_url):
    def refusing(token, usd):
        raise RuntimeError("the BTC/USD feed is stale")

    rates = Rates([Token("0x" + "11" * 20, "wbtc", "WBTC", 8)], refusing)
    with running(suite, db_url, rates=rates) as server:
        entry = server.json("/api/rates")["tokens"]["0x" + "11" * 20]
    assert entry["perUsd"] is None and entry["error"] == "the BTC/USD feed is stale"


def test_a_server_without_a_chain_to_price_from_says_so(api):
    answer = api.get("/api/rates")
    assert answer.status_code == 404 and "prices" in answer.json()["error"]


def test_revert_data_is_explained_with_the_clis_sentence(api):
    selector = next(s for s, spec in error_table().items() if spec.name == "OracleStale")
    feed = "0x" + "22" * 20
    data = selector + encode(["address", "uint256", "uint256"], [feed, 1_700_000_000, 3_600])
    answer = api.http.post(f"{api.url}/api/explain", json={"data": "0x" + data.hex()}, timeout=30)
    assert answer.status_code == 200
    assert answer.json() == {"error": "OracleStale", "sentence": decode_revert(data)}
    assert "2023-11-14 22:13:20 UTC" in answer.json()["sentence"]  # a time in human units
    panic = bytes.fromhex("4e487b71") + encode(["uint256"], [0x11])
    assert (
        "overflow"
        in api.http.post(
            f"{api.url}/api/explain", json={"data": "0x" + panic.hex()}, timeout=30
        ).json()["sentence"]
    )


def test_malformed_revert_data_is_refused_with_a_reason(api):
    post = lambda body: api.http.post(f"{api.url}/api/explain", data=body, timeout=30)  # noqa: E731
    for body in (b"not json", b'{"data": 5}', b'{"data": "0x123"}', b'["0x00"]'):
        answer = post(body)
        assert answer.status_code == 400, body
        assert answer.json()["error"]
    assert post(b'{"data": "0x' + b"00" * 5_000 + b'"}').status_code == 413


def test_a_failing_nodes_url_and_its_api_key_never_reach_a_visitor(suite, db_url):
    def leaking(token, usd):
        raise RuntimeError(
            "429 Client Error: Too Many Requests for url: https://arb.example/v2/SECRET-KEY-1"
        )

    rates = Rates([Token("0x" + "11" * 20, "wbtc", "WBTC", 8)], leaking)
    with running(suite, db_url, rates=rates) as server:
        answer = server.get("/api/rates")
    assert "SECRET" not in answer.text and "arb.example" not in answer.text
    assert answer.json()["tokens"]["0x" + "11" * 20]["error"] == (
        "429 Client Error: Too Many Requests for url: <url>"
    )
    assert scrub("failed: postgresql://bazaar:pw@db/x and wss://n/KEY") == (
        "failed: <url> and <url>"
    )
