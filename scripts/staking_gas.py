"""Gas of the PointsStaking operations from real transactions (printed, not saved).

`brownie run scripts/staking_gas.py --network <a network of your own>`; `make bench` does not
include staking yet.
"""

from brownie import MockERC20, MockWBTC, PointsStaking, accounts, chain, web3

DAY = 86_400
POINT = 10**18


def at(timestamp, call, *args):
    web3.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
    return call(*args)


def main() -> None:
    deployer, alice, bob, carol = accounts[0], accounts[1], accounts[2], accounts[3]
    points = MockERC20.deploy("Bazaar Points", "BZP", 18, {"from": deployer})
    wbtc = MockWBTC.deploy({"from": deployer})
    usdc = MockERC20.deploy("Mock USD Coin", "USDC", 6, {"from": deployer})
    staking = PointsStaking.deploy(
        points, deployer, 2 * DAY, 7 * DAY, 2 * DAY, [wbtc, usdc], {"from": deployer}
    )
    for account in accounts[1:]:
        points.mint(account, 10**6 * POINT, {"from": account})
        points.approve(staking, 2**256 - 1, {"from": account})
    wbtc.mint(deployer, 10**8, {"from": deployer})
    wbtc.approve(staking, 2**256 - 1, {"from": deployer})
    t = web3.eth.get_block("latest").timestamp + 100
    gas = {}
    gas["stake_first_of_contract"] = at(t, staking.stake, 1_000 * POINT, {"from": alice}).gas_used
    gas["stake_first_of_account"] = at(t + 10, staking.stake, 500 * POINT, {"from": bob}).gas_used
    gas["depositRewards"] = at(
        t + 20, staking.depositRewards, wbtc, 10**6, {"from": deployer}
    ).gas_used
    gas["stake_first_of_account_rewards_accrued"] = at(
        t + 30, staking.stake, 500 * POINT, {"from": carol}
    ).gas_used
    gas["stake_again"] = at(t + 40, staking.stake, 100 * POINT, {"from": alice}).gas_used
    gas["stake_again_same_second"] = staking.stake(1 * POINT, {"from": alice}).gas_used
    gas["requestUnstake_from_warming"] = at(
        t + 60, staking.requestUnstake, 100 * POINT, {"from": alice}
    ).gas_used
    gas["cancelUnstake"] = at(t + 70, staking.cancelUnstake, {"from": alice}).gas_used
    staking.requestUnstake(100 * POINT, {"from": alice})
    gas["withdraw"] = at(t + 80 + 7 * DAY, staking.withdraw, {"from": alice}).gas_used
    gas["delegate"] = at(t + 90 + 7 * DAY, staking.delegate, carol, {"from": bob}).gas_used
    # the buckets matured: activation (settles both reward tokens), claims, unstaking earning
    gas["activate_first"] = at(t + 95 + 7 * DAY, staking.activate, carol, {"from": bob}).gas_used
    gas["activate_second"] = at(t + 96 + 7 * DAY, staking.activate, bob, {"from": bob}).gas_used
    chain.sleep(DAY)
    gas["claimRewards"] = staking.claimRewards(wbtc, alice, {"from": bob}).gas_used
    gas["requestUnstake_from_earning"] = staking.requestUnstake(100 * POINT, {"from": bob}).gas_used

    # What castVote reads: getPastVotes of the voter. Its cost depends on the voter's own
    # checkpoints only; measured before and after 150 stakes by others at distinct seconds.
    snapshot = t + 100 + 7 * DAY
    web3.provider.make_request("evm_mine", [snapshot + 1])
    before = staking.getPastVotes.estimate_gas(carol, snapshot)
    now = snapshot + 2
    for i in range(150):
        at(now + i, staking.stake, POINT, {"from": accounts[4 + i % 6], "silent": True})
    after = staking.getPastVotes.estimate_gas(carol, snapshot)
    gas["getPastVotes_call"] = before
    gas["getPastVotes_call_after_150_stakes"] = after
    width = max(map(len, gas))
    for name, value in gas.items():
        print(f"{name:<{width}}  {value:>8,}")
