// Delivery details, private: a shipping address is sealed in the buyer's browser to the
// seller's (and the arbiter's) encryption key with ECIES (eciesjs: x25519 and
// XChaCha20-Poly1305); the server stores only the sealed boxes, the chain nothing at all.
// A seller's key is made for this, not the wallet key: derived from the wallet's signature of
// a fixed text, so the same wallet makes the same key in any browser and nothing is stored.
import { decrypt, encrypt, PrivateKey } from "eciesjs";
import { Config } from "eciesjs/config";
import { bytesToHex, hexToBytes, keccak256, toBytes } from "viem";
import { get, upload } from "./api.js";
import { verifiedDocument } from "./verify.js";
import { signer, wallet } from "./wallet.js";

export const PROFILE_SCHEMA = "bazaar.profile/1";
export const DELIVERY_SCHEMA = "bazaar.delivery/1";
const CURVE = Object.assign(new Config(), { ellipticCurve: "x25519", symmetricAlgorithm: "xchacha20" });
const keys = new Map(); // account -> PrivateKey, for this page's life only

export function keyText(chainId, market) {
  return (
    "BTC Bazaar: my delivery-details key\n\n" +
    `Signing this text makes the key that opens the shipping addresses buyers send you on marketplace ${market} (chain ${chainId}). ` +
    "It sends nothing and costs nothing. Sign it only on the BTC Bazaar storefront."
  );
}

/** The connected account's delivery key (asks the wallet to sign the key text once). */
export async function myKey(chainId, market) {
  const account = wallet.account;
  if (!keys.has(account)) {
    const signature = await signer().signMessage({ account, message: keyText(chainId, market) });
    keys.set(account, new PrivateKey(hexToBytes(keccak256(signature)), "x25519"));
  }
  return keys.get(account);
}

export function publicKeyHex(key) {
  return bytesToHex(key.publicKey.toBytes());
}

/** The encryption key `account` published in its newest profile (checked by hash), or null. */
export async function publishedKey(account) {
  try {
    const { hash } = await get(`/api/profiles/${account}`);
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

export function seal(publicKey, text) {
  return bytesToHex(encrypt(hexToBytes(publicKey), new TextEncoder().encode(text), CURVE));
}

/** Sends an order's delivery details sealed to each of `recipients` ({to, key}). */
export async function sendDetails(orderId, text, recipients) {
  const sealed = recipients.map(({ to, key }) => ({ to, box: seal(key, text) }));
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

/** Opens the copy sealed to the connected account; throws when there is none it can open. */
export async function openDetails(doc, chainId, market) {
  const mine = doc.sealed.find((s) => s.to.toLowerCase() === wallet.account.toLowerCase());
  if (!mine) throw new Error("These delivery details were not sealed to you.");
  const key = await myKey(chainId, market);
  try {
    return new TextDecoder().decode(decrypt(key.secret, hexToBytes(mine.box), CURVE));
  } catch {
    throw new Error("Your key cannot open these details: they were sealed to another key.");
  }
}
