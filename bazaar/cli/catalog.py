"""Every top-level `bazaar` command, its group module (bazaar/cli/<group>.py) and its one-line
help, in the order `bazaar --help` lists them: the one place these are written. `bazaar --help`
reads only this table; running a command imports only its group's module."""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("account", "account", "create, import or inspect a keystore"),
    ("deploy", "deploy", "deploy or resume the suite"),
    ("mocks", "mocks", "mint mock tokens, refresh mock feeds (deployments made with --mocks)"),
    ("quote", "market", "token units for a listing, or for a USD amount, now"),
    (
        "list",
        "market",
        "list an item priced in USD; --sign-only: sign it as an offer off-line (no gas)",
    ),
    (
        "buy",
        "market",
        "check out a listing, or a cart of --line's in one transaction (approves the token "
        "first if needed); --sign-only: sign it for a gasless relay, print it as JSON",
    ),
    (
        "approve-permit2",
        "cart",
        "buyer: approve Uniswap's Permit2 for a token once, for gasless checkouts",
    ),
    (
        "relay-checkout",
        "cart",
        "anyone: check and send a signed checkout (buy --sign-only), earning its relayer fee",
    ),
    ("cancel-checkout", "cart", "buyer: cancel a signed checkout nobody has relayed yet"),
    ("publish-offer", "offers", "publish a signed offer to the index (listings shows it)"),
    ("cancel-offer", "offers", "seller: cancel one signed offer for good"),
    ("cancel-offers", "offers", "seller: void every offer you signed so far"),
    ("update-listing", "market", "seller: change a listing's price or stock"),
    ("delist", "market", "seller: withdraw a listing (a digital item comes back)"),
    (
        "set-commission",
        "cart",
        "seller: offer referrers a commission of a listing's proceeds (--percent or --bps)",
    ),
    (
        "approve-referrer",
        "cart",
        "seller: approve a referrer; only approved referrers earn your listings' commissions",
    ),
    ("revoke-referrer", "cart", "seller: revoke a referrer (orders already paid keep theirs)"),
    (
        "ship",
        "market",
        "seller: mark one or several orders shipped (only a hash of --tracking is sent)",
    ),
    ("checkpoint", "market", "seller or carrier: add a logistics checkpoint"),
    ("confirm", "market", "buyer: confirm receipt of one or several orders, pay the seller"),
    ("release", "market", "anyone: pay the seller after the window"),
    ("reclaim", "market", "anyone: refund the buyer after a missed ship"),
    ("cancel", "market", "buyer asks / seller cancels before shipping"),
    ("refund", "market", "seller: refund part or all of the escrow"),
    ("dispute", "market", "buyer or seller: open a dispute"),
    ("evidence", "market", "buyer, seller or arbiter: add dispute evidence"),
    (
        "resolve-timeout",
        "market",
        "anyone: apply the default ruling after the arbiter missed its deadline",
    ),
    ("rule", "market", "arbiter: rule a dispute"),
    ("review", "market", "buyer: review a completed order"),
    ("claim", "market", "claim a credit (a payout your address could not take)"),
    ("withdraw-fees", "market", "anyone: pay accrued fees to stakers/treasury"),
    ("sweep", "market", "anyone: send tokens sent by mistake to the treasury"),
    ("pause", "market", "guardian: pause new listings and checkouts"),
    ("unpause", "market", "guardian: resume new listings and checkouts"),
    ("transfer", "market", "send tokens or reward points to an address"),
    ("goods", "goods", "mint, show and list digital items"),
    ("record-outage", "oracle", "anyone: record (or clear) a price feed outage"),
    ("status", "status", "an order, a listing, a DAO proposal, a staker or the arbiters"),
    ("index", "index", "follow the suite's events into the index (SQLite by default)"),
    ("orders", "index", "your orders as buyer, seller or arbiter, from the index (--due)"),
    ("listings", "index", "what is for sale, from the index"),
    ("proposals", "index", "DAO proposals with their state, votes and deadlines, from the index"),
    (
        "earnings",
        "index",
        "a seller's proceeds and credits, a staker's rewards, from the index; --referrer: "
        "commissions earned, from the chain",
    ),
    (
        "keeper",
        "keeper",
        "send releases, reclaims and default rulings once deadlines pass (a service)",
    ),
    ("serve", "serve", "the storefront server: a JSON API over the index and the catalogue"),
    (
        "catalogue",
        "serve",
        "upload listing documents and images to a storefront server (signed)",
    ),
    ("stake", "staking", "stake reward points for votes and a share of fees"),
    (
        "unstake",
        "staking",
        "request an unstake (points stop voting now, withdrawable after the cooldown), "
        "or --withdraw it inside its window, or --cancel it",
    ),
    ("claim-rewards", "staking", "staker: claim your share of the fees"),
    ("deposit-rewards", "staking", "anyone: add tokens to the stakers' stream"),
    ("activate", "staking", "anyone: start a matured warm-up earning now"),
    ("delegate", "staking", "staker: give your votes to ADDRESS (yourself: back)"),
    ("sign-delegation", "staking", "sign a delegation off-line; prints it as JSON"),
    ("relay-delegation", "staking", "send a signed delegation (anyone)"),
    ("propose", "governance", "propose a marketplace fee change or any call"),
    ("cancel-proposal", "governance", "proposer: withdraw a Pending proposal"),
    ("vote", "governance", "vote on an Active proposal"),
    ("sign-vote", "governance", "sign a vote off-line; prints the ballot as JSON"),
    ("relay-votes", "governance", "send signed ballots (castVoteBySig)"),
    ("queue", "governance", "queue a Succeeded proposal in the timelock"),
    ("execute", "governance", "execute a Queued proposal after the timelock's delay"),
)

HELP = {name: text for name, _, text in COMMANDS}
GROUP = {name: group for name, group, _ in COMMANDS}
