// Signed listings ("offers"), as bazaar/signing/offers.py and clients/offers.py do them: a
// seller's EIP-712 `Offer` under the marketplace's own domain, signed in the wallet (no
// transaction, no gas) with the seller's current counter; the JSON file `bazaar list
// --sign-only` prints and `publish-offer` and `buy --offer` read; and the checks a buyer makes
// before `checkoutOffer` (each refusal one sentence, nothing sent).
import { abi as oracleAbi } from "abi:WbtcUsdOracle";
import { getAddress, hashTypedData, isAddress, recoverTypedDataAddress } from "viem";
import { Refused, config, market, marketAbi, read } from "./chain.js";
import { reader, signer, wallet } from "./wallet.js";

export const FILE_TYPE = "bazaar-signed-offer";
export const CANCELLED = (1n << 256n) - 1n; // offerFilled of a cancelled offer
// An order's `listingId` above this is an offer's hash (listing ids count from 1).
const OFFER_ID_FLOOR = (1n << 64n) - 1n;
const MAX_BUFFER_BPS = 5_000; // SettlementMath.MAX_BUFFER_BPS
const MAX_POINTS_DISCOUNT_BPS = 2_000; // MarketplaceLimits.MAX_POINTS_DISCOUNT_BPS
const MAX_COMMISSION_BPS = 2_000; // MarketplaceLimits.MAX_COMMISSION_BPS
const ONE_DAY = 86_400;

// The contract's `Offer`, field for field (bazaar/signing/offers.py OFFER).
const FIELDS = [
  ["seller", "address"],
  ["priceUsd", "uint256"],
  ["stock", "uint256"],
  ["tokenMask", "uint256"],
  ["bufferBps", "uint256"],
  ["pointsDiscountCapBps", "uint256"],
  ["commissionBps", "uint256"],
  ["metadataHash", "bytes32"],
  ["expiry", "uint256"],
  ["salt", "uint256"],
  ["counter", "uint256"],
];
const TYPES = { Offer: FIELDS.map(([name, type]) => ({ name, type })) };
// Fields to_json writes as decimal strings (256-bit values); the others are JSON numbers.
const AS_STRING = new Set(["priceUsd", "salt"]);

/**
 * A signed offer: {chainId, marketplace, offer, signature}, with `offer` the contract's Offer
 * (every integer a bigint, `seller` checksummed, `metadataHash` 0x hex).
 */

/** What the seller signs: the offer under the marketplace's domain. */
export function typedData({ chainId, marketplace, offer }) {
  return {
    domain: { name: "BTC Bazaar Marketplace", version: "1", chainId, verifyingContract: marketplace },
    types: TYPES,
    primaryType: "Offer",
    message: offer,
  };
}

/** The offer's id: the full EIP-712 digest (its orders' `listingId`). */
export const offerHash = (signed) => hashTypedData(typedData(signed));

/** The signed offer as SignedOffer.to_json writes it. */
export function toJson(signed) {
  const offer = {};
  for (const [name] of FIELDS) {
    const value = signed.offer[name];
    offer[name] = typeof value === "bigint" ? (AS_STRING.has(name) ? String(value) : Number(value)) : value;
  }
  return {
    type: FILE_TYPE,
    chainId: Number(signed.chainId),
    marketplace: signed.marketplace,
    offerHash: offerHash(signed),
    offer,
    signature: signed.signature,
  };
}

function whole(value, where) {
  let number = null;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) number = BigInt(value);
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) number = BigInt(value.trim());
  if (number === null) throw new Error(`${where} ${JSON.stringify(value)} is not a whole number`);
  if (number >= 1n << 256n) throw new Error(`${where} ${JSON.stringify(value)} is out of range`);
  return number;
}

function hexBytes(value, size, where) {
  if (typeof value !== "string" || !new RegExp(`^0x[0-9a-fA-F]{${2 * size}}$`).test(value)) throw new Error(`${where} is not 0x followed by ${2 * size} hex digits`);
  return value.toLowerCase();
}

function address(value, where) {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) throw new Error(`${where} ${JSON.stringify(value)} is not an address`);
  return getAddress(value);
}

/** A signed offer read back from its JSON (an object), every field checked as
 * SignedOffer.from_json checks it, its offerHash (when given) too. */
export function fromJson(data, where = "signed offer") {
  if (data === null || typeof data !== "object" || data.type !== FILE_TYPE) throw new Error(`${where}: not a signed offer`);
  const raw = data.offer;
  if (raw === null || typeof raw !== "object") throw new Error(`${where}: missing offer`);
  const offer = {};
  for (const [name, type] of FIELDS) {
    if (!(name in raw)) throw new Error(`${where}: offer.${name} is missing`);
    const at = `${where}: offer.${name}`;
    offer[name] = type === "address" ? address(raw[name], at) : type === "bytes32" ? hexBytes(raw[name], 32, at) : whole(raw[name], at);
  }
  const signed = {
    chainId: Number(whole(data.chainId, `${where}: chainId`)),
    marketplace: address(data.marketplace, `${where}: marketplace`),
    offer,
    signature: hexBytes(data.signature, 65, `${where}: signature`),
  };
  if (data.offerHash !== undefined && data.offerHash !== null && String(data.offerHash).toLowerCase() !== offerHash(signed)) {
    throw new Error(`${where}: offerHash ${data.offerHash} is not the hash of its offer`);
  }
  return signed;
}

/** Whether an order's `listingId` is an offer's hash; the hash (0x hex) or null. */
export function offerOfListingId(listingId) {
  const id = BigInt(listingId);
  return id > OFFER_ID_FLOOR ? `0x${id.toString(16).padStart(64, "0")}` : null;
}

/** The marketplace's payment tokens by id (`config().tokenCount`, `paymentToken(id)`). */
export async function paymentTokens() {
  const { tokenCount } = await market("config");
  const out = [];
  for (let id = 1n; id <= BigInt(tokenCount); id++) out.push(getAddress(await market("paymentToken", [id])));
  return out;
}

/** The mask of the marketplace's token ids for `tokens` (as `list` computes it). */
export async function tokenMask(tokens) {
  if (!tokens.length) throw new Refused("An offer accepts at least one payment token.");
  const accepted = await paymentTokens();
  let mask = 0n;
  for (const token of tokens) {
    const at = accepted.indexOf(getAddress(token));
    if (at < 0) throw new Refused(`The marketplace does not accept ${getAddress(token)} as a payment token.`);
    mask |= 1n << BigInt(at);
  }
  return mask;
}

/** The tokens an offer's mask accepts (addresses), given the marketplace's by id. */
export const tokensOfMask = (mask, accepted) => accepted.filter((_, at) => (BigInt(mask) >> BigInt(at)) & 1n);

function randomUint256() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

const chainNow = async () => (await reader().getBlock({ blockTag: "latest" })).timestamp;

/**
 * The connected seller's offer signed for the marketplace with its current counter, as
 * clients/offers.py sign_offer (the same bounds); sends nothing. `fields`: {priceUsd, stock,
 * tokens (addresses), validDays, bufferBps, pointsCapBps, commissionBps, metadataHash}.
 */
export async function signOffer(fields, progress) {
  const { priceUsd, stock, validDays, bufferBps = 0n, pointsCapBps = 0n, commissionBps = 0n } = fields;
  if (!(priceUsd >= 1n && priceUsd < 1n << 64n)) throw new Refused(`A price of ${priceUsd} USD units: from 1 to 2^64 - 1.`);
  if (!(stock >= 1n && stock < 1n << 32n)) throw new Refused(`A stock of ${stock}: from 1 to 2^32 - 1.`);
  if (!(bufferBps >= 0n && bufferBps <= BigInt(MAX_BUFFER_BPS))) throw new Refused(`A buffer of ${bufferBps} bps: 0 to ${MAX_BUFFER_BPS}.`);
  if (!(pointsCapBps >= 0n && pointsCapBps <= BigInt(MAX_POINTS_DISCOUNT_BPS))) throw new Refused(`A points cap of ${pointsCapBps} bps: 0 to ${MAX_POINTS_DISCOUNT_BPS}.`);
  if (!(commissionBps >= 0n && commissionBps <= BigInt(MAX_COMMISSION_BPS))) throw new Refused(`A commission of ${commissionBps} bps: 0 to ${MAX_COMMISSION_BPS}.`);
  if (!(Number.isInteger(validDays) && validDays >= 1)) throw new Refused("An offer is valid for a whole number of days, at least 1.");
  progress("Reading your offer counter and the marketplace's tokens…");
  const seller = getAddress(wallet.account);
  const now = await chainNow();
  const offer = {
    seller,
    priceUsd,
    stock,
    tokenMask: await tokenMask(fields.tokens),
    bufferBps,
    pointsDiscountCapBps: pointsCapBps,
    commissionBps,
    metadataHash: fields.metadataHash,
    // As `bazaar list --sign-only`: from the later of the chain's clock and this computer's.
    expiry: BigInt(Math.max(Number(now), Math.floor(Date.now() / 1000)) + validDays * ONE_DAY),
    salt: randomUint256(),
    counter: await market("offerCounter", [seller]),
  };
  const draft = { chainId: wallet.expectedChainId, marketplace: getAddress(config.market), offer };
  progress("Waiting for your wallet to sign the offer (no transaction, no gas)…");
  const signature = await signer().signTypedData({ account: wallet.account, ...typedData(draft) });
  return { ...draft, signature: signature.toLowerCase() };
}

/** What the chain says of an offer now (clients/offers.py offer_state). */
export async function offerState(signed) {
  const { offer } = signed;
  const filled = await market("offerFilled", [offerHash(signed)]);
  const cancelled = filled === CANCELLED;
  const superseded = (await market("offerCounter", [offer.seller])) !== offer.counter;
  const expired = (await chainNow()) > offer.expiry;
  const left = cancelled || superseded || expired ? 0n : offer.stock > filled ? offer.stock - filled : 0n;
  return { filled: cancelled ? 0n : filled, cancelled, superseded, expired, left };
}

/**
 * `signed` good for `quantity` units on this chain and marketplace now (clients/offers.py
 * check_offer, in its order and words). Throws Refused with one sentence; nothing is sent.
 */
export async function checkOffer(signed, quantity = 1n) {
  const chainId = wallet.expectedChainId;
  const hash = offerHash(signed);
  if (signed.chainId !== chainId) throw new Refused(`The offer was signed for chain ${signed.chainId}; this marketplace is on chain ${chainId}.`);
  if (signed.marketplace !== getAddress(config.market)) {
    throw new Refused(`The offer was signed for the marketplace ${signed.marketplace}, not this one (${getAddress(config.market)}).`);
  }
  let signer;
  try {
    signer = await recoverTypedDataAddress({ ...typedData(signed), signature: signed.signature });
  } catch {
    throw new Refused("The offer's signature is malformed: it was altered or forged.");
  }
  if (signer !== signed.offer.seller) throw new Refused(`The offer is signed by ${signer}, not by its seller ${signed.offer.seller}: altered or forged.`);
  const state = await offerState(signed);
  if (state.cancelled) throw new Refused(`The offer ${hash} was cancelled by its seller.`);
  if (state.superseded) throw new Refused(`The offer ${hash} is no longer valid: its seller cancelled all its offers since.`);
  if (state.expired) throw new Refused(`The offer ${hash} expired at ${signed.offer.expiry} (unix).`);
  if (quantity > state.left) throw new Refused(`The offer ${hash} has ${state.left} unit(s) left, not ${quantity}.`);
  return state;
}

/** Token units a checkout of `quantity` units pays now (clients/offers.py quote_offer): the
 * oracle's quote, with the buffer of a USD-protected offer, before any points discount. */
export async function quoteOffer(signed, quantity, token) {
  const oracle = await market("oracle");
  const { tokenAmount } = await read(oracle, oracleAbi, "quote", [token, signed.offer.priceUsd * quantity]);
  const buffer = signed.offer.bufferBps;
  return buffer === 0n ? tokenAmount : (tokenAmount * (10_000n + buffer) + 9_999n) / 10_000n;
}

/** The checkout as a call: `checkoutOffer(offer, signature, purchase)` of the marketplace. */
export const checkoutCall = (signed, purchase) => ({ address: config.market, abi: marketAbi, functionName: "checkoutOffer", args: [signed.offer, signed.signature, purchase] });
