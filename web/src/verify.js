// Documents and pictures are shown only after their bytes hash to what the chain says
// (keccak256, as bazaar/catalogue.py content_hash): a server that swaps them is caught.
import { keccak256 } from "viem";
import { bytes } from "./api.js";

export class Tampered extends Error {}

const documents = new Map();
const images = new Map();

/** The parsed document whose keccak256 is `hash`; Tampered when the server's bytes differ. */
export function verifiedDocument(hash) {
  if (!documents.has(hash)) {
    const found = (async () => {
      const body = await bytes(`/api/documents/${hash}`);
      if (keccak256(body) !== hash.toLowerCase()) {
        throw new Tampered("the server's description does not match the hash on chain: not shown");
      }
      return JSON.parse(new TextDecoder().decode(body));
    })();
    found.catch(() => documents.delete(hash)); // try again next time
    documents.set(hash, found);
  }
  return documents.get(hash);
}

const SIGNATURES = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
  ["image/webp", [0x52, 0x49, 0x46, 0x46]],
];

export function imageType(body) {
  for (const [type, magic] of SIGNATURES) {
    if (magic.every((b, i) => body[i] === b)) return type;
  }
  return null;
}

/** A blob: URL of the image whose keccak256 is `hash`; Tampered when the bytes differ. */
export function verifiedImage(hash) {
  if (!images.has(hash)) {
    const found = (async () => {
      const body = await bytes(`/api/images/${hash}`);
      const type = imageType(body);
      if (keccak256(body) !== hash.toLowerCase() || !type) {
        throw new Tampered("the server's picture does not match its hash: not shown");
      }
      return URL.createObjectURL(new Blob([body], { type }));
    })();
    found.catch(() => images.delete(hash));
    images.set(hash, found);
  }
  return images.get(hash);
}
