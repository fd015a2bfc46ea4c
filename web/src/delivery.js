// Delivery details, private: a shipping address is sealed in the buyer's browser to the
// seller's (and the arbiter's) encryption key with ECIES (eciesjs: x25519 and
// XChaCha20-Poly1305); the server stores only the sealed boxes, the chain nothing at all.
// A seller's key is made for this, not the wallet key: derived from the wallet's signature of
// a fixed text, so the same wallet makes the same key in any browser and nothing is stored.
import { decrypt, encrypt, PrivateKey } from "eciesjs";
import { Config } from "eciesjs/config";
import { bytesToHex, hexToBytes, keccak256, parseSignature, recoverMessageAddress, serializeSignature, toBytes } from "viem";
import { createSiweMessage } from "viem/siwe";
import { get, upload } from "./api.js";
import { verifiedDocument } from "./verify.js";
import { signer, wallet } from "./wallet.js";

export const PROFILE_SCHEMA = "bazaar.profile/1";
export const DELIVERY_SCHEMA = "bazaar.delivery/1";
const CURVE = Object.assign(new Config(), { ellipticCurve: "x25519", symmetricAlgorithm: "xchacha20" });
const keys = new Map(); // account -> PrivateKey, for this page's life only

const PADDED_BYTES = 1024; // a sealed address does not tell its length

/**
 * The text whose signature makes an account's delivery key: a Sign-In with Ethereum message
 * (EIP-4361) for this storefront's own domain, so a wallet warns when another site asks for
 * it. Fixed (no fresh nonce or time) so the same wallet remakes the same key.
 */
export function keyText(account, chainId, market) {
  return createSiweMessage({
    domain: location.host,
    address: account,
    statement: `Make my BTC Bazaar delivery-details key for marketplace ${market}. It opens the shipping addresses buyers seal to me; signing sends nothing. Sign it only on ${location.host}.`,
    uri: location.origin,
    version: "1",
    chainId,
    nonce: "bazaardeliverykey1",
    issuedAt: new Date("2026-01-01T00:00:00Z"),
  });
}

/** The connected account's delivery key (asks the wallet to sign the key text once). */
export async function myKey(chainId, market) {
  const account = wallet.account;
  if (!keys.has(account)) {
    const signed = await signer().signMessage({ account, message: keyText(account, chainId, market) });
    // The same signature, whichever way the wallet writes v (27/28 or 0/1).
    const signature = serializeSignature({ ...parseSignature(signed), v: undefined });
    keys.set(account, new PrivateKey(hexToBytes(keccak256(signature)), "x25519"));
  }
  return keys.get(account);
}

export function publicKeyHex(key) {
  return bytesToHex(key.publicKey.toBytes());
}

/**
 * The encryption key `account` published in its newest profile, or null. The profile is
 * checked by its hash and by its signature, which must be `account`'s own: a server cannot
 * put its key in a seller's name.
 */
export async function publishedKey(account) {
  try {
    const { hash, signature } = await get(`/api/profiles/${account}`);
    const signer = await recoverMessageAddress({ message: { raw: hash }, signature });
    if (signer.toLowerCase() !== account.toLowerCase()) return null;
    const profile = await verifiedDocument(hash);
    if (profile.account?.toLowerCase() !== account.toLowerCase()) return null;
    return profile.encryptionPublicKey ?? null;
  } catch {
    return null;
  }
}

/** Signs and uploads a document as the connected account; its hash. */
export async function uploadDocument(doc) {
  const body = new TextEncoder().encode(JSON.stringify(doc));
  const hash = keccak256(body);
  const signature = await signer().signMessage({ account: wallet.account, message: { raw: toBytes(hash) } });
  await upload("documents", body, "application/json", wallet.account, signature);
  return hash;
}

/** `details` ({order, buyer, address}) sealed to `publicKey`, padded to a fixed length. */
export function seal(publicKey, details) {
  const text = JSON.stringify(details);
  const bytes = new TextEncoder().encode(text.padEnd(Math.max(PADDED_BYTES, text.length), " "));
  return bytesToHex(encrypt(hexToBytes(publicKey), bytes, CURVE));
}

/**
 * Sends an order's delivery details sealed to each of `recipients` ({to, key}). The order
 * and the buyer are sealed with the address, so a copy moved to another order is caught.
 */
export async function sendDetails(orderId, buyer, address, recipients) {
  const details = { order: orderId, buyer, address };
  const sealed = recipients.map(({ to, key }) => ({ to, box: seal(key, details) }));
  return uploadDocument({ schema: DELIVERY_SCHEMA, order: orderId, sealed });
}

/** The order's delivery document (checked by hash), or null when none was sent. */
export async function detailsOf(orderId) {
  let found;
  try {
    found = await get(`/api/deliveries/${orderId}`);
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
  return verifiedDocument(found.document);
}

/**
 * Opens the copy sealed to the connected account for `order` (its id and buyer, checked
 * against what was sealed); throws when there is none it can open.
 */
export async function openDetails(doc, order, chainId, market) {
  const mine = doc.sealed.find((s) => s.to.toLowerCase() === wallet.account.toLowerCase());
  if (!mine || doc.order !== order.orderId) throw new Error("These delivery details were not sealed to you for this order.");
  const key = await myKey(chainId, market);
  let details;
  try {
    details = JSON.parse(new TextDecoder().decode(decrypt(key.secret, hexToBytes(mine.box), CURVE)));
  } catch {
    const published = await publishedKey(wallet.account);
    const rotated = published && published !== publicKeyHex(key);
    throw new Error(
      rotated
        ? "Your wallet makes a key other than the one you published: it signs differently now (a smart or MPC wallet?)."
        : "Your key cannot open these details: they were sealed to another key.",
    );
  }
  if (details.order !== order.orderId || details.buyer?.toLowerCase() !== order.buyer.toLowerCase()) {
    throw new Error("These details were sealed for another order: not shown.");
  }
  return details.address;
}
