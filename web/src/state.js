// What every view shares: the server's status (chain, marketplace) and the tokens' rates.
import { get } from "./api.js";

export const shop = {
  status: null, // /api/status
  rates: null, // /api/rates, or null when the server reads no prices
  tokens: {}, // address -> {address, name, symbol, decimals, perUsd (bigint|null), error}
};

export async function load() {
  shop.status = await get("/api/status");
  try {
    shop.rates = await get("/api/rates");
  } catch {
    shop.rates = null;
  }
  refreshTokens();
}

function refreshTokens() {
  shop.tokens = {};
  for (const [address, t] of Object.entries(shop.rates?.tokens ?? {})) {
    shop.tokens[address] = { address, ...t, perUsd: t.perUsd === null ? null : BigInt(t.perUsd) };
  }
}

export async function reloadRates() {
  try {
    shop.rates = await get("/api/rates");
    refreshTokens();
  } catch {
    // keep the last rates
  }
}

/** Approximate token units for `usdAmount` (8 decimals) at the last rate, buffer included. */
export function approx(usdAmount, address, bufferBps = 0) {
  const token = shop.tokens[address];
  if (!token?.perUsd) return null;
  const units = (BigInt(usdAmount) * token.perUsd + BigInt(shop.rates.usdAmount) - 1n) / BigInt(shop.rates.usdAmount);
  return (units * (10_000n + BigInt(bufferBps))) / 10_000n;
}

// The cart (in memory: the page persists nothing): lines {listingId, quantity, seller,
// tokens, priceUsd}, and the referrer read once from the address (`?ref=0x…`), if any.
export const cart = { lines: [], referrer: null };

/** Adds `quantity` of `listing` (a line of the same listing grows). */
export function addToCart(listing, quantity) {
  const id = String(listing.listingId);
  const line = cart.lines.find((l) => l.listingId === id);
  if (line) line.quantity += quantity;
  else cart.lines.push({ listingId: id, quantity, seller: listing.seller, tokens: [...listing.tokens], priceUsd: BigInt(listing.priceUsd), bufferBps: Number(listing.bufferBps ?? 0) });
}

/** The tokens every line of `lines` accepts (and the page knows a rate for). */
export function commonTokens(lines) {
  if (!lines.length) return [];
  return Object.values(shop.tokens).filter((t) => lines.every((l) => l.tokens.some((a) => a.toLowerCase() === t.address.toLowerCase())));
}
