"""WbtcUsdOracle.quotes: several amounts priced from one reading of the feeds (a cart's lines),
each exactly what `quote` returns for it in the same block, refusing as `quote` refuses."""

import brownie
from hypothesis import strategies as st

from tests.support.helpers import USD, err, given_calls_only

MAX_USD_AMOUNT = 10**12 * USD


def test_each_amount_is_quoted_exactly_as_quote_quotes_it(oracle, wbtc, usdc, wbtc_btc):
    wbtc_btc.setAnswer(98_500_000)  # below par: the peg leg changes the conversion
    amounts = [1, 12_345_678, 1_000 * USD, 3 * 80 * USD, MAX_USD_AMOUNT]
    for token in (wbtc, usdc):
        many = oracle.quotes(token, amounts)
        assert len(many) == len(amounts)
        for amount, got in zip(amounts, many, strict=True):
            assert tuple(got) == tuple(oracle.quote(token, amount))
            assert got["usdAmount"] == amount


@given_calls_only(
    max_examples=25, amounts=st.lists(st.integers(1, MAX_USD_AMOUNT), min_size=1, max_size=20)
)
def test_any_list_of_amounts_matches_quote_one_by_one(oracle, wbtc, amounts):
    many = oracle.quotes(wbtc, amounts)
    assert [q["tokenAmount"] for q in many] == [
        oracle.quote(wbtc, a)["tokenAmount"] for a in amounts
    ]


def test_no_amounts_give_no_quotes(oracle, wbtc):
    assert oracle.quotes(wbtc, []) == []


def test_quotes_refuse_what_quote_refuses(oracle, wbtc, wbtc_btc, MockERC20, deployer):
    other = MockERC20.deploy("Other", "OTH", 18, {"from": deployer})
    with brownie.reverts(err("OracleTokenNotSupported", other)):
        oracle.quotes(other, [USD])
    with brownie.reverts(err("OracleTokenNotSupported", other)):
        oracle.quotes(other, [])
    too_large = MAX_USD_AMOUNT + 1
    with brownie.reverts(err("PriceMathUsdAmountTooLarge", too_large, MAX_USD_AMOUNT)):
        oracle.quotes(wbtc, [USD, too_large])
    wbtc_btc.setAnswer(97_000_000)
    with brownie.reverts(err("OracleDepegged", wbtc, 97_000_000, 98_000_000)):
        oracle.quotes(wbtc, [USD, 2 * USD])
