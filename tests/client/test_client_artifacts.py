"""The ABIs and bytecode shipped in bazaar/artifacts are those of the current build."""

import json
import tomllib
from pathlib import Path

import pytest

from bazaar import artifacts
from tools.toolchain import export_artifacts

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", artifacts.SHIPPED)
def test_shipped_artifact_matches_the_build(name):
    shipped = json.loads((artifacts.ARTIFACT_DIR / f"{name}.json").read_text())
    built = export_artifacts.build_artifact(name)
    hint = "stale: run `python -m tools.toolchain.export_artifacts`"
    assert shipped["abi"] == built["abi"], f"{name} ABI {hint}"
    assert shipped["bytecode"] == built["bytecode"], f"{name} bytecode {hint}"
    assert shipped["errorNotices"] == built["errorNotices"], f"{name} error notices {hint}"


def test_the_exporter_check_reports_nothing_stale(capsys):
    assert export_artifacts.main(["--check"]) == 0
    assert "0 artifact(s) stale" in capsys.readouterr().out


def test_the_loader_gives_abi_bytecode_and_error_notices():
    market = artifacts.load("EscrowMarketplace")
    assert any(item.get("name") == "checkout" for item in market.abi)
    assert market.bytecode.startswith("0x") and len(market.bytecode) > 1000
    assert "may not do this" in market.error_notices["MarketplaceUnauthorized"]


def test_real_tokens_and_feeds_are_read_through_their_interfaces_not_the_mocks():
    erc20 = {item["name"] for item in artifacts.load("IERC20Metadata").abi if "name" in item}
    assert {"balanceOf", "allowance", "approve", "decimals", "symbol"} <= erc20
    assert "mint" not in erc20
    feed = {item["name"] for item in artifacts.load("AggregatorV3Interface").abi}
    assert {"description", "decimals", "latestRoundData"} <= feed and "setAnswer" not in feed
    assert artifacts.load("AggregatorV3Interface").bytecode == ""


def test_the_loader_refuses_a_contract_that_does_not_ship():
    with pytest.raises(KeyError, match="no artifact for contract 'BatchBuyer'"):
        artifacts.load("BatchBuyer")


def test_the_artifacts_are_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "artifacts/*.json" in config["tool"]["setuptools"]["package-data"]["bazaar"]
    assert config["project"]["scripts"]["bazaar"] == "bazaar.cli:main"
