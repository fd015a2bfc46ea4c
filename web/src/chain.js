// Transactions from the page: each is simulated first, and a refusal is shown as the CLI's
// sentence (bazaar/errors.py through /api/explain) before the wallet is asked to sign.
import { abi as erc20Abi } from "abi:IERC20Metadata";
import { abi as marketAbi } from "abi:EscrowMarketplace";
import { decodeEventLog, toFunctionSelector } from "viem";
import { explain, get } from "./api.js";
import { reader, signer, wallet } from "./wallet.js";

export { erc20Abi, marketAbi };

export class Refused extends Error {}

// The deployment's contracts, set from /api/status: the marketplace, and the DAO's (governor,
// staking, points, timelock) when the journal holds them.
export const config = { market: null, governor: null, staking: null, points: null, timelock: null };

function find(err, test) {
  let hit = null;
  const visit = (e) => {
    for (let depth = 0; e && depth < 12; depth++, e = e.cause) {
      if (test(e)) {
        hit = e;
        return;
      }
    }
  };
  visit(err);
  return hit;
}

export function rejected(err) {
  return Boolean(find(err, (e) => e.code === 4001 || e.name === "UserRejectedRequestError"));
}

function revertData(err) {
  const hex = (v) => typeof v === "string" && /^0x([0-9a-fA-F]{2})+$/.test(v);
  const hit = find(err, (e) => hex(e.raw) || hex(e.data) || hex(e.data?.data));
  if (!hit) return null;
  if (hex(hit.raw)) return hit.raw;
  return hex(hit.data) ? hit.data : hit.data.data;
}

/** What went wrong, in one sentence a shopper can act on. */
export async function reason(err) {
  if (rejected(err)) return "You rejected the request in your wallet; nothing was sent.";
  const data = revertData(err);
  if (data) {
    try {
      return await explain(data);
    } catch {
      return `The transaction would fail (revert data ${data.slice(0, 74)}).`;
    }
  }
  return err?.shortMessage ?? err?.message ?? String(err);
}

// A token's refusal to move funds the marketplace was not allowed to take: what a checkout
// simulated before its approval meets, and the approval will cure.
const ALLOWANCE_SHORT = [
  toFunctionSelector("ERC20InsufficientAllowance(address,uint256,uint256)"),
  toFunctionSelector("SafeERC20FailedOperation(address)"),
];

/**
 * Simulates a call; null when the chain would take it, else the error. A refusal that is only
 * the token's allowance (cured by approving first) counts as taken when `allowanceCures`.
 */
export async function refusal({ address, abi, functionName, args }, allowanceCures = false) {
  try {
    await reader().simulateContract({ address, abi, functionName, args, account: wallet.account });
    return null;
  } catch (err) {
    const data = revertData(err);
    if (allowanceCures && data && ALLOWANCE_SHORT.includes(data.slice(0, 10))) return null;
    return err;
  }
}

export function read(address, abi, functionName, args = []) {
  return reader().readContract({ address, abi, functionName, args });
}

export function market(functionName, args = []) {
  return read(config.market, marketAbi, functionName, args);
}

/**
 * Simulates, then asks the wallet to send, then waits for the receipt. `progress(text, hash)`
 * hears each step. Throws Refused with the sentence when the chain or the wallet says no.
 */
export async function send({ address, abi, functionName, args }, progress) {
  const account = wallet.account;
  progress("Checking the transaction with the chain…");
  let request;
  try {
    ({ request } = await reader().simulateContract({ address, abi, functionName, args, account }));
  } catch (err) {
    throw new Refused(await reason(err));
  }
  progress("Waiting for your wallet to sign…");
  let hash;
  try {
    hash = await signer().writeContract(request);
  } catch (err) {
    throw new Refused(await reason(err));
  }
  progress("Sent; waiting for it to be mined…", hash);
  const receipt = await reader().waitForTransactionReceipt({ hash, pollingInterval: 500 });
  if (receipt.status !== "success") throw new Refused(`The transaction ${hash} failed on chain.`);
  progress("Mined; the storefront's index is catching up…", hash);
  await indexed(receipt.blockNumber);
  return receipt;
}

/** Waits (at most `seconds`) until the server's index holds `block`, so what the page reads
 * next includes the transaction. */
export async function indexed(block, seconds = 20) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const { index } = await get("/api/status");
    if (index.lastBlock !== null && BigInt(index.lastBlock) >= block) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

export function sendMarket(functionName, args, progress) {
  return send({ address: config.market, abi: marketAbi, functionName, args }, progress);
}

/** An order's terms from the API as the contract's struct (integers as bigint). */
export function termsOf(order) {
  const t = order.terms;
  const out = {};
  for (const item of marketAbi.find((f) => f.name === "confirm").inputs[0].components) {
    const value = t[item.name];
    if (value === undefined) throw new Error(`the order's terms lack ${item.name}`);
    out[item.name] = item.type === "address" ? value : BigInt(value);
  }
  return out;
}

/** The orders a checkout's receipt paid, in the order of their logs: [{orderId, terms}]. */
export function paidOrders(receipt) {
  const out = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== config.market.toLowerCase()) continue;
    try {
      const event = decodeEventLog({ abi: marketAbi, data: log.data, topics: log.topics });
      if (event.eventName === "OrderPaid") out.push({ orderId: event.args.orderId, terms: event.args.terms });
    } catch {
      // another of the marketplace's events
    }
  }
  return out;
}

/** The first active arbiter that is none of `excluded` (as `bazaar buy`: not the buyer, not a
 * seller, not the referrer). */
export async function arbiterFor(excluded) {
  const out = excluded.filter(Boolean).map((a) => a.toLowerCase());
  const arbiters = await market("arbiters");
  const found = arbiters.find((a) => !out.includes(a.toLowerCase()));
  if (!found) throw new Error("No arbiter may take this order now; try again later.");
  return found;
}
