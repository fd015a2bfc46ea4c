// My shop (seller): create a listing (sign and upload the document and pictures, then list,
// or list by signature: a signed offer published to the shop, no gas), edit price and stock,
// delist, cancel signed offers, credits to claim; the orders to ship are on #/sales.
import { keccak256, toBytes } from "viem";
import { get, publishOffer, upload } from "../api.js";
import { Refused, market, reason, sendMarket } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { parseUsd, tokenAmount, usd } from "../format.js";
import { signOffer, toJson } from "../offers.js";
import { run } from "../progress.js";
import { shop } from "../state.js";
import { imageType } from "../verify.js";
import { connected, signer, wallet } from "../wallet.js";
import { fillFromDocument } from "./catalogue.js";
import { keyPanel } from "./delivery.js";
import { myOffers } from "./offer.js";

const LISTING_SCHEMA = "bazaar.listing/1";
const PHYSICAL = 0;

/** Signs `body`'s hash (EIP-191, as bazaar/catalogue.py sign_upload) and uploads it. */
async function signedUpload(kind, body, contentType, progress) {
  const hash = keccak256(body);
  progress(`Sign the upload of the ${kind === "images" ? "picture" : "description"} in your wallet…`);
  const signature = await signer().signMessage({ account: wallet.account, message: { raw: toBytes(hash) } });
  progress(`Uploading the ${kind === "images" ? "picture" : "description"}…`);
  await upload(kind, body, contentType, wallet.account, signature);
  return hash;
}

function createForm() {
  const title = h("input", { name: "title", required: true, maxlength: 140 });
  const description = h("textarea", { name: "description", rows: 4, maxlength: 8000 });
  const picture = h("input", { type: "file", name: "picture", accept: "image/png,image/jpeg,image/webp,image/gif" });
  const price = h("input", { name: "price", required: true, placeholder: "12.50", inputmode: "decimal" });
  const stock = h("input", { type: "number", name: "stock", min: 1, value: 1 });
  const tokens = Object.values(shop.tokens).map((t) => h("input", { type: "checkbox", name: `token-${t.name}`, value: t.address, checked: true }));
  const bySignature = h("input", { type: "checkbox", name: "by-signature" });
  const validDays = h("input", { type: "number", name: "valid-days", min: 1, max: 3650, value: 30 });
  const commission = h("input", { type: "number", name: "offer-commission", min: 0, max: 20, step: 0.01, value: 0 });
  const status = h("div", { class: "status" });
  const published = h("div", { class: "published" });

  /** A percent field as basis points within 0..max %. */
  const bps = (input, max, what) => {
    const value = Number(input.value || 0);
    if (!(value >= 0 && value <= max)) throw new Error(`The ${what} is a percent from 0 to ${max}.`);
    return BigInt(Math.round(value * 100));
  };

  async function create(progress) {
    const priceUsd = parseUsd(price.value);
    const chosen = tokens.filter((t) => t.checked).map((t) => t.value);
    if (!chosen.length) throw new Error("Choose at least one token to be paid in.");
    const images = [];
    if (picture.files.length) {
      const body = new Uint8Array(await picture.files[0].arrayBuffer());
      const type = imageType(body);
      if (!type) throw new Error("That file is not a PNG, JPEG, WebP or GIF picture.");
      images.push(await signedUpload("images", body, type, progress));
    }
    const doc = { schema: LISTING_SCHEMA, title: title.value.trim(), description: description.value.trim(), images };
    const body = new TextEncoder().encode(JSON.stringify(doc));
    const hash = await signedUpload("documents", body, "application/json", progress);
    if (bySignature.checked) return offer(priceUsd, chosen, hash, progress);
    await sendMarket("list", [priceUsd, BigInt(stock.value || 1), chosen, 0n, 0n, PHYSICAL, hash], progress);
  }

  /** Lists by signature (as `bazaar list --sign-only` then `publish-offer`): the offer signed
   * in the wallet, then published to this shop; no transaction. */
  async function offer(priceUsd, chosen, metadataHash, progress) {
    const fields = {
      priceUsd,
      stock: BigInt(stock.value || 1),
      tokens: chosen,
      validDays: Number(validDays.value),
      commissionBps: bps(commission, 20, "commission"),
      metadataHash,
    };
    let signed;
    try {
      signed = await signOffer(fields, progress);
    } catch (err) {
      throw err instanceof Refused ? err : new Refused(await reason(err));
    }
    const json = toJson(signed);
    progress("Publishing the signed offer to this shop…");
    const { offerHash } = await publishOffer(json);
    const text = `${JSON.stringify(json, null, 2)}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    show(
      published,
      h("p", { class: "notice ok offer-published" }, "Published: offer ", h("code", { class: "offer-hash" }, offerHash), ". ", h("a", { href: `#/offer/${offerHash}` }, "See it as shoppers do")),
      h("p", {}, "The signed offer, which anyone may publish or buy with ", h("code", {}, "bazaar buy --offer FILE"), ": ", h("a", { class: "download", href: url, download: `offer-${offerHash.slice(2, 10)}.json` }, "Download")),
      h("textarea", { class: "signed-json", name: "signed-offer", readonly: true, rows: 8, "aria-label": "The signed offer" }, text),
    );
  }

  return h(
    "form",
    {
      class: "create",
      onsubmit: async (e) => {
        e.preventDefault();
        published.replaceChildren();
        await run(status, create, bySignature.checked ? "Signed and published: no transaction was sent." : "Listed.");
      },
    },
    h("h3", {}, "New listing"),
    field("Title", title),
    field("Description", description),
    field("Picture", picture, "PNG, JPEG, WebP or GIF, at most 2 MiB"),
    field("Price (USD)", price),
    field("Stock", stock),
    h("fieldset", {}, h("legend", {}, "Paid in"), Object.values(shop.tokens).map((t, i) => h("label", {}, tokens[i], ` ${t.symbol}`))),
    h(
      "fieldset",
      { class: "by-signature" },
      h("legend", {}, h("label", {}, bySignature, " List by signature (no gas)")),
      h("p", { class: "explain" }, "Your wallet signs an offer instead of sending a transaction; this shop publishes it, and buyers check out against it until it expires, sells out or you cancel it."),
      field("Valid for (days)", validDays),
      field("Commission to referrers (%)", commission, "0 to 20, of your proceeds on orders your approved referrers bring"),
    ),
    h("button", { type: "submit", class: "primary" }, "Upload and list"),
    status,
    published,
  );
}

function myListing(listing) {
  const title = h("strong", { class: "title" }, `Listing ${listing.listingId}`);
  const warn = h("span", { class: "warn" });
  if (listing.document) fillFromDocument(listing.metadataHash, title, null, warn);
  const price = h("input", { name: "price", value: usd(listing.priceUsd).slice(1).replaceAll(",", ""), size: 10 });
  const stock = h("input", { type: "number", name: "stock", min: 0, value: listing.stock, size: 6 });
  const status = h("div", { class: "status" });
  return h(
    "article",
    { class: "listing", "data-listing": listing.listingId },
    h("header", {}, title, warn, h("span", { class: "badge" }, listing.active ? "for sale" : "delisted")),
    listing.active
      ? h(
          "form",
          {
            class: "action",
            onsubmit: async (e) => {
              e.preventDefault();
              await run(status, (p) => sendMarket("updateListing", [BigInt(listing.listingId), parseUsd(price.value), BigInt(stock.value)], p), "Updated.");
            },
          },
          field("Price (USD)", price),
          field("Stock", stock),
          h("button", { type: "submit" }, "Update"),
          h("button", { type: "button", onclick: () => run(status, (p) => sendMarket("delist", [BigInt(listing.listingId)], p), "Delisted.") }, "Delist"),
        )
      : null,
    status,
  );
}

async function credits(box) {
  const rows = [];
  for (const token of Object.values(shop.tokens)) {
    const amount = await market("credits", [wallet.account, token.address]);
    if (amount > 0n) {
      const status = h("div", { class: "status" });
      rows.push(
        h(
          "p",
          {},
          `${tokenAmount(amount, token)} to claim `,
          h("button", { type: "button", onclick: () => run(status, (p) => sendMarket("claim", [token.address, wallet.account], p), "Claimed.") }, "Claim"),
          status,
        ),
      );
    }
  }
  show(box, h("h3", {}, "Credits"), rows.length ? rows : notice("info", "Nothing to claim."));
}

export async function shopPage(root) {
  if (!connected()) {
    show(root, h("h2", {}, "My shop"), notice("info", "Connect a wallet (the button at the top) to sell."));
    return;
  }
  const listings = h("div", { class: "listings" }, notice("info", "Loading…"));
  const creditBox = h("section", { class: "credits" });
  const offerBox = h("section", { class: "my-offers" });
  show(
    root,
    h("h2", {}, "My shop"),
    h("p", {}, h("a", { href: "#/sales" }, "Orders to ship →")),
    createForm(),
    keyPanel(),
    h("h3", {}, "My listings"),
    listings,
    offerBox,
    creditBox,
  );
  myOffers(offerBox).catch((err) => show(offerBox, notice("error", err.message)));
  try {
    const page = await get("/api/listings", { seller: wallet.account, per_page: 100 });
    show(listings, page.listings.length ? page.listings.map(myListing) : notice("info", "No listings yet."));
  } catch (err) {
    show(listings, notice("error", err.message));
  }
  credits(creditBox).catch((err) => show(creditBox, notice("error", err.shortMessage ?? err.message)));
}

