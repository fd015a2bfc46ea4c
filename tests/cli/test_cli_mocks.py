"""`bazaar mocks`: the faucet and the feed clock of a deployment made with --mocks, through
`bazaar.cli.main`; refused, with nothing sent, where the token or feed is not a mock."""

import json

import brownie
import pytest

from bazaar.settings import ONE_HOUR, SATS, USD
from tests.support.cli import ADDRESSES, assert_one_line_failure, deploy_by_cli, nonces
from tests.support.helpers import mine_at


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The suite deployed by `bazaar deploy --mocks`."""
    return deploy_by_cli(tmp_path_factory.mktemp("mocks"))


def balance(suite, key, who):
    token = brownie.Contract.from_abi(
        key, suite["journal"]["tokens"][key], brownie.interface.IERC20Metadata.abi
    )
    return token.balanceOf(ADDRESSES[who])


def test_mint_gives_the_keystores_account_or_another_mock_tokens_in_their_units(bazaar, suite):
    before = balance(suite, "wbtc", "buyer")
    human = bazaar("mocks", "mint", "wbtc", "0.5", who="buyer")
    assert human.code == 0, human.err
    assert balance(suite, "wbtc", "buyer") == before + SATS // 2
    assert human.out.startswith(f"minted 0.5 WBTC to {ADDRESSES['buyer']}; it holds ")
    data = bazaar(
        "mocks", "mint", "usdc", "250", "--to", ADDRESSES["seller"], who="buyer", json=True
    )
    assert data.code == 0, data.err
    assert data.json()["amount"] == 250 * 10**6 and data.json()["to"] == ADDRESSES["seller"]


def test_refresh_brings_stale_feeds_back_so_quotes_work_again(bazaar):
    mine_at(brownie.chain[-1].timestamp + 2 * ONE_HOUR)  # past BTC/USD's staleness limit
    stale = bazaar("quote", "--usd", "100", "--token", "wbtc")
    assert_one_line_failure(stale, "Stale")
    refreshed = bazaar("mocks", "refresh", "--btc-usd", "50000", who="seller", json=True)
    assert refreshed.code == 0, refreshed.err
    rounds = {r["feed"]: r for r in refreshed.json()["rounds"]}
    assert set(rounds) == {"btc_usd", "wbtc_btc", "usdc_usd"}
    assert rounds["btc_usd"]["answer"] == 50_000 * USD
    now = brownie.chain[-1].timestamp
    assert all(r["updatedAt"] >= now - 5 for r in rounds.values())
    quote = bazaar("quote", "--usd", "100", "--token", "wbtc", json=True)
    assert quote.code == 0, quote.err
    assert quote.json()["amount"] == 200_000  # $100 at $50,000 per BTC


@pytest.mark.parametrize(
    "args, what", [(["mint", "wbtc", "1"], "wbtc token"), (["refresh"], "btc_usd feed")]
)
def test_a_deployment_whose_token_or_feed_is_real_is_refused(bazaar, suite, args, what):
    journal = json.loads(json.dumps(suite["journal"]))
    key = "wbtc" if what == "wbtc token" else "btc_usd_feed"
    del journal["contracts"][key]  # as when the preset gave a real address: no mock step
    path = suite["folder"] / "real.json"
    path.write_text(json.dumps(journal))
    before = nonces()
    result = bazaar("--deployment", path, "mocks", *args, who="buyer")
    assert_one_line_failure(result, f"the {what} of {path} is not a mock", "nothing sent")
    assert nonces() == before


def test_a_bad_amount_or_price_is_one_line_and_sends_nothing(bazaar):
    before = nonces()
    for args, fragment in (
        (["mint", "wbtc", "0.000000001"], "decimals"),
        (["mint", "usdc", "lots"], "usdc amount"),
        (["mint", "usdc", "0"], "minting 0 changes nothing"),
        (["refresh", "--btc-usd", "0"], "above 0"),
    ):
        assert_one_line_failure(bazaar("mocks", *args, who="buyer"), fragment)
    assert nonces() == before


def test_the_mock_usdc_deployer_blacklists_and_unblocks_an_address_like_circle(bazaar, suite):
    assert bazaar("mocks", "mint", "usdc", "5", who="seller").code == 0
    data = bazaar("mocks", "blacklist", ADDRESSES["seller"], who="deployer", json=True).json()
    assert data["blacklisted"] is True
    refused = bazaar("transfer", "1", "--token", "usdc", "--to", ADDRESSES["buyer"], who="seller")
    assert_one_line_failure(refused, "MockUSDCBlacklisted")
    before = nonces()
    assert_one_line_failure(
        bazaar("mocks", "blacklist", ADDRESSES["buyer"], who="buyer"), "MockUSDCNotBlacklister"
    )
    assert nonces() == before
    assert_one_line_failure(
        bazaar("mocks", "blacklist", ADDRESSES["seller"], who="deployer"), "blacklisted already"
    )
    assert_one_line_failure(
        bazaar("mocks", "blacklist", "0x" + "00" * 20, who="deployer"),
        "the zero address cannot be blacklisted",
    )
    assert nonces() == before
    human = bazaar("mocks", "blacklist", ADDRESSES["seller"], "--undo", who="deployer")
    assert human.out.strip() == f"{ADDRESSES['seller']} may again send or receive mock USDC"
    sent = bazaar("transfer", "1", "--token", "usdc", "--to", ADDRESSES["buyer"], who="seller")
    assert sent.code == 0, sent.err
    assert_one_line_failure(
        bazaar("mocks", "blacklist", ADDRESSES["seller"], "--undo", who="deployer"),
        "is not blacklisted",
    )
