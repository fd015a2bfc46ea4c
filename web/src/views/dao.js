// The DAO: proposals from the server's index with the state the server reads from the
// governor; for an Active one, the member's vote (its votes at the snapshot, whether it voted,
// read from the governor through the wallet). The member's staking: the stake, a pending
// unstake and its window, points in the wallet, rewards per token; stake (approving the points
// only when the allowance is short), request an unstake, withdraw, cancel it, claim, activate
// a matured warm-up, delegate to itself when its votes count for no one.
//
// What the CLI checks before it sends (bazaar/clients/governor.py, staking.py, erc20.py), the
// page checks too, in the CLI's words; every other refusal is the chain's, explained by the
// server with the CLI's sentence before the wallet is asked (chain.js `send`).
import { abi as governorAbi } from "abi:BazaarGovernor";
import { abi as stakingAbi } from "abi:PointsStaking";
import { zeroAddress } from "viem";
import { get } from "../api.js";
import { Refused, config, erc20Abi, read, reason, refusal, send } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { localTime, parsePoints, points, shortAddress, tokenAmount } from "../format.js";
import { run } from "../progress.js";
import { shop } from "../state.js";
import { connected, onRightChain, reader, wallet } from "../wallet.js";

// IGovernor.ProposalState and the vote types, in declaration order (bazaar/types.py).
const PROPOSAL_STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];
const SUPPORT = [
  { value: 1, name: "For" },
  { value: 0, name: "Against" },
  { value: 2, name: "Abstain" },
];
const SUPPORT_NAMES = ["Against", "For", "Abstain"];
const PER_PAGE = 50;

const governor = (functionName, args = []) => read(config.governor, governorAbi, functionName, args);
const staking = (functionName, args = []) => read(config.staking, stakingAbi, functionName, args);

function member() {
  if (!connected()) throw new Refused("Connect a wallet first (the button at the top).");
  if (!onRightChain()) throw new Refused("Your wallet is on another chain: switch it first (the button at the top).");
  return wallet.account;
}

function button(label, action, done, after, cls = "") {
  const status = h("div", { class: "status" });
  const b = h(
    "button",
    {
      type: "button",
      class: cls,
      onclick: async () => {
        b.disabled = true;
        const ok = await run(status, action, done);
        b.disabled = false;
        if (ok) after(status);
      },
    },
    label,
  );
  return h("div", { class: "action" }, b, status);
}

/** A form of one points amount and its button. */
function amountForm(name, label, placeholder, action, done, after) {
  const input = h("input", { name, placeholder, inputmode: "decimal", autocomplete: "off" });
  const status = h("div", { class: "status" });
  const submit = h("button", { type: "submit" }, label);
  const form = h(
    "form",
    {
      class: `action ${name}`,
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        const ok = await run(status, (progress) => action(parsePoints(input.value), progress), done);
        submit.disabled = false;
        if (ok) after(status);
      },
    },
    field(placeholder, input),
    submit,
  );
  return h("div", {}, form, status);
}

// -- staking ------------------------------------------------------------------------------

const tokenInfo = new Map();

/** A reward token's symbol and decimals: from the server's rates, else from the token. */
async function rewardToken(address) {
  if (shop.tokens[address]) return shop.tokens[address];
  if (!tokenInfo.has(address)) {
    const [symbol, decimals] = await Promise.all([read(address, erc20Abi, "symbol"), read(address, erc20Abi, "decimals")]);
    tokenInfo.set(address, { address, symbol, decimals });
  }
  return tokenInfo.get(address);
}

async function position(account) {
  const [staked, votes, delegate, pending, warming, inWallet, rewardTokens, block] = await Promise.all([
    staking("balanceOf", [account]),
    staking("getVotes", [account]),
    staking("delegates", [account]),
    staking("pendingUnstake", [account]),
    staking("warmingOf", [account]),
    read(config.points, erc20Abi, "balanceOf", [account]),
    staking("rewardTokens"),
    reader().getBlock(),
  ]);
  const rewards = await Promise.all(
    rewardTokens.map(async (address) => ({ token: await rewardToken(address), earned: await staking("earned", [account, address]) })),
  );
  return { account, staked, votes, delegate, pending, warming: { amount: warming[0], maturesAt: warming[1] }, inWallet, rewards, now: block.timestamp };
}

/** Stakes `amount`, approving it first when the allowance is short (StakingClient.stake and
 * Erc20Client.pay): the stake is simulated before the approval, and the wallet's balance is
 * checked, so nothing is approved for a stake the chain would refuse. */
async function stake(amount, progress) {
  const account = member();
  const call = { address: config.staking, abi: stakingAbi, functionName: "stake", args: [amount] };
  const allowance = await read(config.points, erc20Abi, "allowance", [account, config.staking]);
  if (allowance < amount) {
    progress("Checking the stake with the chain…");
    const refused = await refusal(call, true);
    if (refused) throw new Refused(await reason(refused));
    const balance = await read(config.points, erc20Abi, "balanceOf", [account]);
    if (balance < amount) {
      throw new Refused(`not enough points: ${account} holds ${points(balance)}, staking takes up to ${points(amount)}`);
    }
    progress(`Approving ${points(amount)} for the staking contract…`);
    await send({ address: config.points, abi: erc20Abi, functionName: "approve", args: [config.staking, amount] }, progress);
  }
  await send(call, progress);
}

function sendStaking(functionName, args = []) {
  return (progress) => {
    member();
    return send({ address: config.staking, abi: stakingAbi, functionName, args }, progress);
  };
}

function delegateLine(p) {
  if (p.delegate === zeroAddress) {
    return p.staked > 0n ? "none: your staked points vote for no one" : "none yet: your first stake delegates your votes to yourself";
  }
  return p.delegate === p.account ? "yourself" : p.delegate;
}

function pendingLine(p) {
  const { amount, readyAt, closesAt } = p.pending;
  if (amount === 0n) return "none";
  const window = `withdraw from ${localTime(readyAt)} until ${localTime(closesAt)}`;
  if (p.now > closesAt) return `${points(amount)}: the window closed at ${localTime(closesAt)}; cancel the unstake to stake them again, then request anew`;
  if (p.now < readyAt) return `${points(amount)} in cooldown: ${window}`;
  return `${points(amount)}: ${window}`;
}

function stakingActions(p, after) {
  const out = [
    amountForm("stake", "Stake", "Points to stake", stake, "Staked.", after),
  ];
  if (p.staked > 0n) {
    out.push(amountForm("unstake", "Request unstake", "Points to unstake", (amount, progress) => sendStaking("requestUnstake", [amount])(progress), "Unstake requested.", after));
  }
  if (p.pending.amount > 0n) {
    out.push(button("Withdraw", sendStaking("withdraw"), "Withdrawn.", after));
    out.push(button("Cancel unstake", sendStaking("cancelUnstake"), "Unstake cancelled: the points are staked again.", after));
  }
  for (const { token, earned } of p.rewards) {
    if (earned > 0n) {
      out.push(button(`Claim ${tokenAmount(earned, token)}`, sendStaking("claimRewards", [token.address, p.account]), `Claimed ${token.symbol}.`, after));
    }
  }
  if (p.warming.amount > 0n && p.warming.maturesAt > 0n && p.warming.maturesAt <= p.now) {
    out.push(button(`Start earning on ${points(p.warming.amount)}`, sendStaking("activate", [p.account]), "The warmed-up points now earn.", after));
  }
  if (p.delegate === zeroAddress && p.staked > 0n) {
    out.push(button("Delegate my votes to myself", sendStaking("delegate", [p.account]), "Your votes now count for yourself, after the warm-up.", after, "primary"));
  }
  return out;
}

async function stakingSection(box) {
  const p = await position(wallet.account);
  // After an action: the section again from the chain, with the action's outcome.
  const after = async (outcome) => {
    try {
      await stakingSection(box);
      box.append(outcome);
    } catch (err) {
      box.append(notice("error", err.shortMessage ?? err.message));
    }
  };
  const row = (label, cls, ...value) => [h("dt", {}, label), h("dd", { class: cls }, ...value)];
  const earned = p.rewards.map(({ token, earned }) => tokenAmount(earned, token)).join(", ") || "nothing";
  const warming = p.warming.amount > 0n ? `${points(p.warming.amount)}, earning from ${localTime(p.warming.maturesAt)}` : "none";
  show(
    box,
    h("h3", {}, "My stake"),
    h(
      "dl",
      { class: "position" },
      row("Staked", "staked", points(p.staked)),
      row("Votes now", "votes", points(p.votes)),
      row("Delegate", "delegate", delegateLine(p)),
      row("Warming up", "warming", warming),
      row("Pending unstake", "pending", pendingLine(p)),
      row("In your wallet", "in-wallet", points(p.inWallet)),
      row("Rewards earned", "earned", earned),
    ),
    h("p", { class: "explain" }, "Staked points vote, and earn a share of the marketplace's fees, once warmed up. An unstake waits out a cooldown, then may be withdrawn within its window."),
    h("div", { class: "actions" }, stakingActions(p, after)),
  );
}

// -- proposals ----------------------------------------------------------------------------

/** Votes on proposal `p` as `bazaar vote` does: no vote of no weight once the snapshot is past
 * (GovernorClient.check_weight), and, if it is not Active, what its state means
 * (GovernorClient.explained); then castVoteWithReason (castVote without a reason). */
async function vote(p, support, text, progress) {
  const account = member();
  const id = BigInt(p.proposalId);
  progress("Checking the vote with the chain…");
  const [state, snapshot, clock] = await Promise.all([governor("state", [id]), governor("proposalSnapshot", [id]), governor("clock")]);
  if (snapshot > 0n && snapshot < clock && (await governor("getVotes", [account, snapshot])) === 0n) {
    throw new Refused(
      `${account} had no votes at proposal ${p.proposalId}'s snapshot (${snapshot}): points must be staked, and warmed up, before a proposal's snapshot`,
    );
  }
  const name = PROPOSAL_STATES[Number(state)];
  if (name !== "Active") {
    const when = name === "Pending" ? `; voting opens after ${snapshot}` : "";
    throw new Refused(`proposal ${p.proposalId} is ${name}: votes are taken only while it is Active${when}`);
  }
  const [functionName, args] = text ? ["castVoteWithReason", [id, support, text]] : ["castVote", [id, support]];
  await send({ address: config.governor, abi: governorAbi, functionName, args }, progress);
}

/** How the account voted on `p`, from its VoteCast event (null when the node will not say). */
async function votedHow(p, account) {
  try {
    const events = await reader().getContractEvents({
      address: config.governor,
      abi: governorAbi,
      eventName: "VoteCast",
      args: { voter: account },
      fromBlock: BigInt(p.block),
    });
    const mine = events.find((e) => e.args.proposalId === BigInt(p.proposalId));
    return mine ? SUPPORT_NAMES[mine.args.support] : null;
  } catch {
    return null;
  }
}

async function voteBox(p, after) {
  const account = wallet.account;
  const id = BigInt(p.proposalId);
  const [snapshot, clock, voted] = await Promise.all([governor("proposalSnapshot", [id]), governor("clock"), governor("hasVoted", [id, account])]);
  const power = snapshot < clock ? await governor("getVotes", [account, snapshot]) : null;
  const powerLine = h(
    "p",
    { class: "power" },
    power === null ? "Your votes count as they stand at the snapshot, when voting opens." : `Your votes at the snapshot: ${points(power)}`,
  );
  if (voted) {
    const how = await votedHow(p, account);
    return h("div", { class: "vote" }, powerLine, h("p", { class: "notice info voted" }, how ? `You voted ${how}.` : "You have voted on this proposal."));
  }
  const text = h("input", { name: "reason", placeholder: "Why (optional, recorded on chain)", maxlength: 1000 });
  const status = h("div", { class: "status" });
  const buttons = SUPPORT.map(({ value, name }) =>
    h(
      "button",
      {
        type: "button",
        class: value === 1 ? "primary" : "",
        onclick: async () => {
          buttons.forEach((b) => (b.disabled = true));
          const ok = await run(status, (progress) => vote(p, value, text.value.trim(), progress), `Voted ${name}.`);
          buttons.forEach((b) => (b.disabled = false));
          if (ok) after(status);
        },
      },
      name,
    ),
  );
  return h("div", { class: "vote" }, powerLine, h("div", { class: "action ballot" }, field("Reason", text), buttons), status);
}

function tally(p) {
  return h(
    "p",
    { class: "tally" },
    "For ",
    h("strong", { class: "votes-for" }, points(p.votesFor)),
    " · Against ",
    h("strong", { class: "votes-against" }, points(p.votesAgainst)),
    " · Abstain ",
    h("strong", { class: "votes-abstain" }, points(p.votesAbstain)),
    ` (${p.voters} voter${p.voters === 1 ? "" : "s"})`,
  );
}

async function proposalCard(p, voting) {
  // After a vote: the card again from the index (which has caught up), with its outcome.
  const after = async (outcome) => {
    try {
      const fresh = (await proposalsPage()).proposals.find((q) => q.proposalId === p.proposalId);
      const next = await proposalCard(fresh ?? p, voting);
      next.append(outcome);
      card.replaceWith(next);
    } catch {
      // the card stays as it was, with its outcome
    }
  };
  const state = p.state ?? "unknown";
  const card = h(
    "article",
    { class: `proposal state-${state.toLowerCase()}`, "data-proposal": p.proposalId },
    h("header", {}, h("span", { class: "description" }, p.description), h("span", { class: "badge state" }, state)),
    p.stateError ? notice("warning", `The server could not read this proposal's state: ${p.stateError}`) : null,
    h("p", { class: "proposer" }, "Proposed by ", h("code", { title: p.proposer }, shortAddress(p.proposer)), p.calls === 1 ? ", one call" : `, ${p.calls} calls`),
    tally(p),
    h("p", { class: "times" }, `Voting from ${localTime(p.voteStart)} until ${localTime(p.voteEnd)}`),
    p.eta ? h("p", { class: "eta" }, p.state === "Queued" ? `Queued: executable from ${localTime(p.eta)} (eta)` : `Eta ${localTime(p.eta)}`) : null,
    h("p", { class: "proposal-id" }, "Proposal ", h("code", {}, p.proposalId)),
  );
  if (voting && p.state === "Active") {
    try {
      card.append(await voteBox(p, after));
    } catch (err) {
      card.append(notice("error", err.shortMessage ?? err.message));
    }
  }
  return card;
}

function proposalsPage() {
  return get("/api/proposals", { per_page: PER_PAGE });
}

async function proposalsSection(box, voting) {
  const page = await proposalsPage();
  const cards = await Promise.all(page.proposals.map((p) => proposalCard(p, voting)));
  show(
    box,
    page.index.behind ? notice("info", `The index is ${page.index.behind} blocks behind the chain.`) : null,
    cards.length ? cards : notice("info", "No proposals yet."),
    page.more ? notice("info", `The ${PER_PAGE} newest proposals are shown.`) : null,
  );
}

export async function daoPage(root) {
  const stakeBox = h("section", { class: "staking" });
  const list = h("section", { class: "proposals" }, notice("info", "Loading…"));
  show(root, h("h2", {}, "DAO"), stakeBox, h("h3", {}, "Proposals"), list);
  if (!config.governor || !config.staking || !config.points) {
    show(stakeBox);
    show(list, notice("error", "This marketplace's deployment has no DAO contracts (governor, staking, points) in its journal."));
    return;
  }
  const voting = connected() && onRightChain();
  if (!connected()) show(stakeBox, notice("info", "Connect a wallet (the button at the top) to stake your points, vote and claim rewards."));
  else if (!onRightChain()) show(stakeBox, notice("warning", "Your wallet is on another chain: switch it (the button at the top) to stake and vote."));
  const stakeRead = voting
    ? stakingSection(stakeBox).catch((err) => show(stakeBox, notice("error", err.shortMessage ?? err.message)))
    : null;
  await Promise.all([
    stakeRead,
    proposalsSection(list, voting).catch((err) => show(list, notice("error", err.message))),
  ]);
}
