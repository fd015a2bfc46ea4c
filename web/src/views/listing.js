// One listing and its checkout: quantity, token, the locked amount, the buyer's slippage and
// deadline, approve only when the allowance is short, then checkout.
import { getAddress, isAddress, parseUnits } from "viem";
import { get } from "../api.js";
import { Refused, arbiterFor, config, erc20Abi, market, marketAbi, paidOrders, read, reason, refusal, send, sendMarket } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { shortAddress, stars, tokenAmount, usd } from "../format.js";
import { run } from "../progress.js";
import { addToCart, approx, cart, shop } from "../state.js";
import { verifiedImage } from "../verify.js";
import { connected, onRightChain, wallet } from "../wallet.js";
import { cartLink, payLines, referrerLine } from "./cart.js";
import { fillFromDocument } from "./catalogue.js";
import { addressField, sendAddress } from "./delivery.js";

const POINT_DECIMALS = 18;

export async function listingPage(root, id) {
  let listing;
  let refApproved = false;
  // Referred (`?ref=`): the server also says whether this seller approved the referrer.
  const ref = cart.referrer;
  try {
    ({ listing, refApproved } = await get(`/api/listings/${id}`, { ref }));
  } catch (err) {
    show(root, notice("error", err.message));
    return;
  }
  const title = h("h2", { class: "title" }, "…");
  const warn = h("div", { class: "warn" });
  const pictures = h("div", { class: "pictures" });
  const description = h("p", { class: "description" });
  const checkoutBox = h("section", { class: "checkout" });
  const commission = h("p", { class: "commission" });
  const sellerBox = h("section", { class: "seller-tools" });
  show(
    root,
    title,
    warn,
    pictures,
    description,
    h("p", { class: "price" }, `${usd(listing.priceUsd)} each`),
    h("p", { class: "rating" }, `Seller ${shortAddress(listing.seller)}: ${stars(listing.sellerRating.sum, listing.sellerRating.reviews)}`),
    h("p", { class: "stock" }, listing.active ? `${listing.stock} in stock` : "No longer for sale"),
    commission,
    checkoutBox,
    sellerBox,
  );

  // With a wallet, the hash to check is the chain's own, not the server's copy of it.
  let hash = listing.metadataHash;
  if (onRightChain()) {
    try {
      hash = (await market("getListing", [BigInt(id)])).metadataHash;
    } catch {
      // the index's copy then
    }
  }
  const doc = listing.document || hash !== listing.metadataHash ? await fillFromDocument(hash, title, null, warn, description) : null;
  if (!doc) title.replaceChildren(title.textContent === "…" ? `Listing ${id}` : title.textContent);
  if (doc && Array.isArray(doc.images)) {
    for (const image of doc.images) {
      verifiedImage(image).then(
        (src) => pictures.append(h("img", { src, alt: String(doc.title ?? "") })),
        (err) => pictures.append(notice("warning", err.message)),
      );
    }
  }
  if (String(listing.listingId) !== String(id)) {
    show(checkoutBox, notice("error", "The server answered with another listing: not for sale here."));
    return;
  }
  if (onRightChain()) {
    // Seller, kind and price as the chain has them, not as the server says.
    const onChain = await market("getListing", [BigInt(id)]);
    listing = {
      ...listing,
      seller: onChain.seller,
      kind: onChain.kind === 0 ? "Physical" : "Digital",
      priceUsd: onChain.priceUsd,
      stock: Number(onChain.stock),
      active: onChain.active,
      commissionBps: Number(onChain.commissionBps ?? listing.commissionBps ?? 0),
    };
  }
  let bps = Number(listing.commissionBps ?? 0);
  // A referrer earns only where the seller approved it (setReferrer): with a wallet, as the
  // chain says.
  if (ref && bps > 0 && !(onRightChain() ? await market("isReferrer", [listing.seller, ref]) : refApproved)) bps = 0;
  show(commission, bps > 0 ? `${bps / 100} % to referrers` : null);
  if (listing.active && listing.stock > 0) checkoutForm(checkoutBox, listing);
  if (connected() && wallet.account.toLowerCase() === String(listing.seller).toLowerCase()) commissionForm(sellerBox, listing, commission);
}

function checkoutForm(box, listing) {
  const tokens = listing.tokens.map((a) => shop.tokens[a]).filter(Boolean);
  const quantity = h("input", { type: "number", name: "quantity", min: 1, max: listing.stock, value: 1 });
  const token = h("select", { name: "token" }, tokens.map((t) => h("option", { value: t.address }, t.symbol)));
  const slippage = h("input", { type: "number", name: "slippage", min: 0, max: 50, step: 0.1, value: 1 });
  const minutes = h("input", { type: "number", name: "deadline", min: 1, max: 1440, value: 20 });
  const points = h("input", { type: "text", name: "points", value: "0", inputmode: "decimal" });
  const summary = h("div", { class: "summary" });
  const status = h("div", { class: "status" });
  const buy = h("button", { type: "submit", class: "primary", name: "buy" }, "Buy");
  const physical = listing.kind === "Physical";
  const address = physical ? addressField() : null;

  const terms = () => {
    const q = BigInt(Math.max(1, Math.floor(Number(quantity.value) || 1)));
    return { q, token: shop.tokens[token.value], usdAmount: BigInt(listing.priceUsd) * q };
  };

  async function quote() {
    const { q, token: t, usdAmount } = terms();
    if (!t) return null;
    const slip = BigInt(Math.round(Math.min(50, Math.max(0, Number(slippage.value) || 0)) * 100));
    let locked = null;
    if (onRightChain()) {
      locked = await market("quote", [BigInt(listing.listingId), q, t.address]);
    } else {
      locked = approx(usdAmount, t.address, listing.bufferBps);
    }
    if (locked === null) return null;
    return { locked, max: locked + (locked * slip) / 10_000n, slip, t, q, usdAmount };
  }

  async function refresh() {
    try {
      const found = await quote();
      if (!found) {
        show(summary, notice("warning", "No price for this token right now."));
        return;
      }
      show(
        summary,
        h("p", {}, `Total ${usd(found.usdAmount)}; the amount locked now: `, h("strong", { class: "locked" }, tokenAmount(found.locked, found.t))),
        h("p", {}, "You agree to pay at most ", h("strong", { class: "max-pay" }, tokenAmount(found.max, found.t)), ` within ${minutes.value} minutes.`),
        h(
          "p",
          { class: "explain" },
          `If bitcoin's price moves between this quote and the moment your transaction runs, the amount locked follows it, up to your ${slippage.value}% slippage. ` +
            "Beyond that, or after your deadline, the checkout is refused and nothing is paid.",
        ),
      );
    } catch (err) {
      show(summary, notice("error", err.shortMessage ?? err.message));
    }
  }

  async function checkout(progress) {
    if (!connected()) throw new Error("Connect a wallet first (the button at the top).");
    if (!onRightChain()) throw new Error("Your wallet is on another chain: switch it first (the button at the top).");
    const found = await quote();
    if (!found) throw new Error("No price for this token right now.");
    const pointsUnits = parseUnits((points.value || "0").trim(), POINT_DECIMALS);
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 60 * Math.max(1, Number(minutes.value) || 20));
    let orderId;
    let terms;
    if (cart.referrer) {
      // A referred purchase is a one-line cart (the single checkout takes no referrer).
      const line = { listingId: listing.listingId, quantity: found.q, seller: listing.seller, points: pointsUnits };
      ({ orderId, terms } = (await payLines([line], found.t, found.slip, minutes.value, progress))[0]);
    } else {
      const arbiter = await arbiterFor([wallet.account, listing.seller]);
      const args = [BigInt(listing.listingId), found.q, found.t.address, found.max, deadline, arbiter, pointsUnits];
      const allowance = await read(found.t.address, erc20Abi, "allowance", [wallet.account, config.market]);
      if (allowance < found.max) {
        // Would the checkout go through once approved? Asked before the approval is signed.
        progress("Checking the checkout with the chain…");
        const refused = await refusal({ address: config.market, abi: marketAbi, functionName: "checkout", args }, true);
        if (refused) throw new Refused(await reason(refused));
        progress(`Approving ${tokenAmount(found.max, found.t)} for the marketplace…`);
        await send({ address: found.t.address, abi: erc20Abi, functionName: "approve", args: [config.market, found.max] }, progress);
      }
      ({ orderId, terms } = paidOrders(await sendMarket("checkout", args, progress))[0] ?? {});
    }
    box.dataset.order = orderId;
    box.append(h("p", { class: "notice ok" }, "Your order ", h("code", { class: "order-id" }, orderId), " is paid. ", h("a", { href: "#/orders" }, "See my orders")));
    const text = address?.querySelector("textarea").value.trim();
    if (text) {
      const copies = await sendAddress(orderId, terms, text, progress);
      box.append(h("p", { class: "notice ok details-sent" }, `Your delivery address went sealed to ${copies === 2 ? "the seller and the arbiter" : "the seller"}.`));
    }
  }

  async function toCart() {
    const q = Math.max(1, Math.floor(Number(quantity.value) || 1));
    addToCart(listing, q);
    cartLink();
  }

  for (const input of [quantity, token, slippage, minutes]) input.addEventListener("change", refresh);
  show(
    box,
    h("h3", {}, "Buy"),
    h(
      "form",
      {
        class: "buy",
        onsubmit: async (e) => {
          e.preventDefault();
          buy.disabled = true;
          await run(status, checkout, "Paid.");
          buy.disabled = false;
        },
      },
      field("Quantity", quantity),
      field("Pay with", token),
      field("Slippage (%)", slippage, "how far the price may move before you sign and it runs"),
      field("Deadline (minutes)", minutes),
      address,
      listing.pointsCapBps > 0 ? field("Reward points to redeem", points, `up to ${listing.pointsCapBps / 100}% of the price`) : null,
      summary,
      referrerLine(),
      buy,
      h("button", { type: "button", name: "add-to-cart", onclick: () => run(status, toCart, "Added to your cart.") }, "Add to cart"),
    ),
    status,
  );
  refresh();
}

/** The seller's own listing: the commission offered to referrers (0 to 20 %). */
function commissionForm(box, listing, shown) {
  const percent = h("input", { type: "number", name: "commission", min: 0, max: 20, step: 0.01, value: Number(listing.commissionBps ?? 0) / 100 });
  const status = h("div", { class: "status" });
  const set = async (progress) => {
    const value = Number(percent.value);
    if (!(value >= 0 && value <= 20)) throw new Error("The commission is a percent from 0 to 20.");
    const bps = Math.round(value * 100);
    await sendMarket("setCommission", [BigInt(listing.listingId), BigInt(bps)], progress);
    show(shown, bps > 0 ? `${bps / 100} % to referrers` : null);
  };
  show(
    box,
    h("h3", {}, "Commission"),
    h(
      "form",
      {
        class: "commission-form",
        onsubmit: async (e) => {
          e.preventDefault();
          await run(status, set, "Commission set.");
        },
      },
      field("Commission to referrers (%)", percent, "of your proceeds after the platform fee, on orders a referrer brings; 0 to 20"),
      h("button", { type: "submit" }, "Set commission"),
    ),
    status,
    referrerForm(),
  );
}

/** The seller's affiliates: only referrers it approved earn its listings' commissions. */
function referrerForm() {
  const address = h("input", { type: "text", name: "referrer", placeholder: "0x…", spellcheck: "false" });
  const status = h("div", { class: "status" });
  const set = (approved) => async (progress) => {
    const text = address.value.trim();
    if (!isAddress(text) || /^0x0{40}$/i.test(text)) throw new Error("The referrer is an address: 0x followed by 40 hex digits, not zero.");
    await sendMarket("setReferrer", [getAddress(text), approved], progress);
  };
  const submit = (approved, done) => async (e) => {
    e.preventDefault();
    await run(status, set(approved), done);
  };
  return h(
    "div",
    { class: "referrers" },
    h(
      "form",
      { class: "referrer-form", onsubmit: submit(true, "Referrer approved.") },
      field("Referrer", address, "only referrers you approve earn your commissions; orders already paid keep theirs"),
      h("button", { type: "submit", name: "approve" }, "Approve referrer"),
      h("button", { type: "button", name: "revoke", onclick: submit(false, "Referrer revoked.") }, "Revoke referrer"),
    ),
    status,
  );
}
