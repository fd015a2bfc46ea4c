// Gasless checkouts through Uniswap's Permit2, as bazaar/signing/permit2.py, signing/checkouts.py
// and clients/checkouts.py do them: a cart signed by its buyer as Permit2's
// PermitWitnessTransferFrom (the cart as the CartCheckout witness), the signed checkout as the
// JSON file `bazaar buy --sign-only` writes and `bazaar relay-checkout` reads, and the checks a
// relayer makes before sending it (each refusal one sentence, nothing sent).
import { abi as permit2Abi } from "abi:Permit2";
import { getAddress, isAddress, recoverTypedDataAddress, zeroAddress } from "viem";
import { Refused, config, market, marketAbi, reason, refusal, read } from "./chain.js";
import { reader, wallet } from "./wallet.js";

export { permit2Abi };

export const FILE_TYPE = "bazaar-gasless-checkout";
// How many words of Permit2's nonce bitmap `nextNonce` reads before giving up (256 each).
const NONCE_WORDS_SCANNED = 64;
const FULL_WORD = (1n << 256n) - 1n;

// Permit2's EIP-712 types for a checkout (bazaar/signing/permit2.py; its domain has no version,
// and viem writes EIP712Domain from the domain's fields).
const TYPES = {
  PermitWitnessTransferFrom: [
    { name: "permitted", type: "TokenPermissions" },
    { name: "spender", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
    { name: "witness", type: "CartCheckout" },
  ],
  TokenPermissions: [
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
  ],
  CartCheckout: [
    { name: "lines", type: "CartLine[]" },
    { name: "arbiter", type: "address" },
    { name: "referrer", type: "address" },
    { name: "relayerFee", type: "uint256" },
  ],
  CartLine: [
    { name: "listingId", type: "uint256" },
    { name: "quantity", type: "uint256" },
    { name: "pointsToRedeem", type: "uint256" },
  ],
};

/**
 * A signed checkout: {chainId, marketplace, permit2, cart, payment}, with `cart` the
 * marketplace's Cart ({lines: [{listingId, quantity, pointsToRedeem}], token, maxTotal,
 * deadline, arbiter, referrer}) and `payment` its Permit2Payment ({buyer, relayerFee, nonce,
 * signature}); every integer a bigint, every address checksummed.
 */

/** What the buyer signs (permit2.py's cart_checkout): Permit2 may move at most `maxTotal` of
 * the token (the cart and the fee) to the marketplace, once (`nonce`), until the deadline. */
export function typedData({ chainId, marketplace, permit2, cart, payment }) {
  return {
    domain: { name: "Permit2", chainId, verifyingContract: permit2 },
    types: TYPES,
    primaryType: "PermitWitnessTransferFrom",
    message: {
      permitted: { token: cart.token, amount: cart.maxTotal },
      spender: marketplace,
      nonce: payment.nonce,
      deadline: cart.deadline,
      witness: { lines: cart.lines, arbiter: cart.arbiter, referrer: cart.referrer, relayerFee: payment.relayerFee },
    },
  };
}

/** The signed checkout as SignedCheckout.to_json writes it (token amounts and the nonce as
 * decimal strings; ids, quantities, the chain and the deadline as numbers). */
export function toJson({ chainId, marketplace, permit2, cart, payment }) {
  return {
    type: FILE_TYPE,
    chainId: Number(chainId),
    marketplace,
    permit2,
    cart: {
      lines: cart.lines.map((l) => ({ listingId: Number(l.listingId), quantity: Number(l.quantity), pointsToRedeem: String(l.pointsToRedeem) })),
      token: cart.token,
      maxTotal: String(cart.maxTotal),
      deadline: Number(cart.deadline),
      arbiter: cart.arbiter,
      referrer: cart.referrer,
    },
    payment: {
      buyer: payment.buyer,
      relayerFee: String(payment.relayerFee),
      nonce: String(payment.nonce),
      signature: payment.signature,
    },
  };
}

function object(value, where) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${where}: expected a JSON object, got ${Array.isArray(value) ? "a list" : value === null ? "null" : typeof value}`);
  }
  return value;
}

function fieldOf(data, key, where) {
  if (!(key in data)) throw new Error(`${where}: missing ${key}`);
  return data[key];
}

function whole(data, key, where) {
  const value = fieldOf(data, key, where);
  let number = null;
  if (typeof value === "number" && Number.isSafeInteger(value)) number = BigInt(value);
  else if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) number = BigInt(value.trim());
  if (number === null) throw new Error(`${where}: ${key} ${JSON.stringify(value)} is not a whole number`);
  if (number >= 1n << 256n) throw new Error(`${where}: ${key} ${JSON.stringify(value)} is out of range`);
  return number;
}

function address(data, key, where) {
  const value = fieldOf(data, key, where);
  if (typeof value !== "string" || !isAddress(value, { strict: false })) throw new Error(`${where}: ${key} ${JSON.stringify(value)} is not an address`);
  return getAddress(value);
}

/** A signed checkout read back from its JSON text, every field checked as
 * SignedCheckout.from_json checks it; throws naming the field that is wrong. */
export function fromJson(text, where = "signed checkout") {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not JSON: expected what "Pay by signature" or bazaar buy --sign-only writes`);
  }
  const top = object(data, where);
  if (top.type !== FILE_TYPE) throw new Error(`${where}: not a signed checkout (type ${JSON.stringify(top.type ?? null)})`);
  const cart = object(fieldOf(top, "cart", where), `${where}: cart`);
  const payment = object(fieldOf(top, "payment", where), `${where}: payment`);
  const rawLines = fieldOf(cart, "lines", where);
  if (!Array.isArray(rawLines) || !rawLines.length) throw new Error(`${where}: cart.lines must be a non-empty list`);
  const lines = rawLines.map((raw, n) => {
    const at = `${where}: line ${n + 1}`;
    const line = object(raw, at);
    return { listingId: whole(line, "listingId", at), quantity: whole(line, "quantity", at), pointsToRedeem: whole(line, "pointsToRedeem", at) };
  });
  const signature = payment.signature;
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new Error(`${where}: signature is not 0x followed by 130 hex digits`);
  const chainId = whole(top, "chainId", where);
  return {
    chainId: Number(chainId),
    marketplace: address(top, "marketplace", where),
    permit2: address(top, "permit2", where),
    cart: {
      lines,
      token: address(cart, "token", where),
      maxTotal: whole(cart, "maxTotal", where),
      deadline: whole(cart, "deadline", where),
      arbiter: address(cart, "arbiter", where),
      referrer: address(cart, "referrer", where),
    },
    payment: {
      buyer: address(payment, "buyer", where),
      relayerFee: whole(payment, "relayerFee", where),
      nonce: whole(payment, "nonce", where),
      signature: signature.toLowerCase(),
    },
  };
}

/** The Permit2 the marketplace takes signed payments through; throws when it has none. */
export async function permit2Of() {
  const found = await market("permit2");
  if (found === zeroAddress) throw new Refused(`The marketplace ${config.market} was deployed without Permit2: no gasless checkout.`);
  return getAddress(found);
}

/** Whether `owner`'s Permit2 nonce `nonce` is used (relayed or cancelled). */
export async function nonceUsed(permit2, owner, nonce) {
  const bitmap = await read(permit2, permit2Abi, "nonceBitmap", [owner, nonce >> 8n]);
  return ((bitmap >> (nonce & 255n)) & 1n) === 1n;
}

/** `owner`'s lowest unused Permit2 nonce (as clients/checkouts.py's next_nonce). */
export async function nextNonce(permit2, owner) {
  for (let word = 0n; word < BigInt(NONCE_WORDS_SCANNED); word++) {
    const bitmap = await read(permit2, permit2Abi, "nonceBitmap", [owner, word]);
    if (bitmap !== FULL_WORD) {
      const free = ~bitmap & FULL_WORD;
      const bit = BigInt((free & -free).toString(2).length - 1);
      return word * 256n + bit;
    }
  }
  throw new Refused(`${owner} has used its first ${NONCE_WORDS_SCANNED * 256} Permit2 nonces.`);
}

/** The highest relayer fee the marketplace takes on a cart of `total` token units. */
export async function feeCap(total) {
  const bps = await market("MAX_RELAYER_FEE_BPS");
  return { cap: (total * bps) / 10_000n, percent: Number(bps) / 100 };
}

/** The relay as a call: `checkoutCartWithPermit2(cart, payment)` of the marketplace. */
export const relayCall = (signed) => ({ address: config.market, abi: marketAbi, functionName: "checkoutCartWithPermit2", args: [signed.cart, signed.payment] });

/**
 * Everything about `signed` that can be known before sending it (clients/checkouts.py's
 * check_relay), in its order: this chain, this marketplace and its Permit2, the buyer's own
 * signature, the deadline, the nonce unused, then the relay run as eth_call from the relayer.
 * Throws Refused with one sentence; nothing is sent.
 */
export async function checkRelay(signed) {
  const chainId = wallet.expectedChainId;
  if (signed.chainId !== chainId) {
    throw new Refused(`The checkout was signed for chain ${signed.chainId}; this marketplace is on chain ${chainId}: a signature is good on its own chain only.`);
  }
  if (signed.marketplace !== getAddress(config.market)) {
    throw new Refused(`The checkout was signed for the marketplace ${signed.marketplace}, not this one (${getAddress(config.market)}).`);
  }
  const permit2 = await permit2Of();
  if (signed.permit2 !== permit2) throw new Refused(`The checkout was signed for Permit2 at ${signed.permit2}; the marketplace uses ${permit2}.`);
  let signer;
  try {
    signer = await recoverTypedDataAddress({ ...typedData(signed), signature: signed.payment.signature });
  } catch {
    throw new Refused("The checkout's signature is malformed: it was altered or forged.");
  }
  if (signer !== signed.payment.buyer) {
    throw new Refused(`The checkout is signed by ${signer}, not by its buyer ${signed.payment.buyer}: altered or forged.`);
  }
  const now = (await reader().getBlock({ blockTag: "latest" })).timestamp;
  if (signed.cart.deadline < now) throw new Refused(`The checkout expired at ${signed.cart.deadline} (unix); the chain is at ${now}.`);
  if (await nonceUsed(permit2, signed.payment.buyer, signed.payment.nonce)) {
    throw new Refused(`The checkout's nonce ${signed.payment.nonce} is used: it was relayed already (or the buyer cancelled it).`);
  }
  const refused = await refusal(relayCall(signed));
  if (refused) {
    const sentence = await reason(refused);
    if (sentence.startsWith("MarketplacePriceAboveMax(")) {
      throw new Refused(`The cart and the fee now cost more than the buyer's signed maximum of ${signed.cart.maxTotal} units (${sentence})`);
    }
    throw new Refused(sentence);
  }
}

/** A signed checkout's JSON as a page address's parameter (base64url), and back. */
export function packCheckout(json) {
  return btoa(JSON.stringify(json)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function unpackCheckout(param) {
  let text;
  try {
    text = atob(param.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw new Error("The signed checkout in this page's address is damaged: paste or load it instead.");
  }
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text; // shown as it came, and refused as not JSON
  }
}
