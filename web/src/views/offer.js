// Signed offers in the page: a card beside the catalogue's listings, an offer's own view
// (#/offer/0x…) where a shopper buys it (`checkoutOffer`, approving first when the allowance
// is short) after the client's checks, and the seller's own offers to cancel on #/shop.
import { parseUnits } from "viem";
import { get } from "../api.js";
import { Refused, arbiterFor, config, erc20Abi, paidOrders, read, reason, refusal, send, sendMarket } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { localTime, shortAddress, tokenAmount, usd } from "../format.js";
import { checkOffer, checkoutCall, fromJson, offerHash, paymentTokens, quoteOffer, tokensOfMask } from "../offers.js";
import { run } from "../progress.js";
import { approx, cart, shop } from "../state.js";
import { verifiedImage } from "../verify.js";
import { connected, onRightChain, wallet } from "../wallet.js";
import { fillFromDocument } from "./catalogue.js";
import { addressField, sendAddress } from "./delivery.js";

const POINT_DECIMALS = 18;
const ZERO = "0x0000000000000000000000000000000000000000";
const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();

/** The tokens of an offer's mask that the page prices (`accepted`: the marketplace's by id). */
const tokensOf = (signed, accepted) => tokensOfMask(signed.offer.tokenMask, accepted).map((a) => Object.values(shop.tokens).find((t) => same(t.address, a))).filter(Boolean);

/** A live offer's card for the catalogue (`row`: one of GET /api/offers). Hidden when
 * `q` is given and its checked title does not contain it. */
export function offerCard(row, q = "") {
  const title = h("h3", { class: "title" }, "…");
  const picture = h("div", { class: "picture" });
  const warn = h("div", { class: "warn" });
  const wbtc = Object.values(shop.tokens).find((t) => t.name === "wbtc");
  const amount = wbtc ? approx(row.priceUsd, wbtc.address, row.bufferBps) : null;
  const el = h(
    "a",
    { class: "card offer", href: `#/offer/${row.offerHash}`, "data-offer": row.offerHash },
    picture,
    title,
    warn,
    h("p", { class: "badge signed" }, "signed offer"),
    h("p", { class: "price" }, usd(row.priceUsd)),
    amount === null ? null : h("p", { class: "wbtc" }, `≈ ${tokenAmount(amount, wbtc)}`),
    h("p", { class: "left" }, `${row.left} left`),
    row.commissionBps > 0 ? h("p", { class: "commission" }, `${row.commissionBps / 100} % to referrers`) : null,
    h("p", { class: "seller" }, `seller ${shortAddress(row.seller)}`),
  );
  fillFromDocument(row.metadataHash, title, picture, warn).then((doc) => {
    if (q && !String(doc?.title ?? "").toLowerCase().includes(q.toLowerCase())) el.remove();
  });
  return el;
}

/** The live offers for the catalogue's filters (seller, token; a search hides cards by title). */
export async function offersSection(box, query) {
  let rows;
  try {
    ({ offers: rows } = await get("/api/offers", { seller: /^0x[0-9a-fA-F]{40}$/.test(query.seller) ? query.seller : "", token: query.token }));
  } catch (err) {
    show(box, notice("error", err.message));
    return;
  }
  if (query.seller && !/^0x[0-9a-fA-F]{40}$/.test(query.seller)) rows = [];
  if (!rows.length) {
    box.replaceChildren();
    return;
  }
  show(
    box,
    h("h3", {}, "Signed offers"),
    h("p", { class: "explain" }, "Listed by their sellers' signatures (no gas to list); bought like any listing, with the same escrow."),
    h("div", { class: "cards" }, rows.map((row) => offerCard(row, query.q))),
  );
}

/** #/offer/0x…: one published offer, checked against the chain with a wallet, and its checkout. */
export async function offerPage(root, hash) {
  let row;
  try {
    ({ offer: row } = await get(`/api/offers/${hash}`));
  } catch (err) {
    show(root, notice("error", err.message));
    return;
  }
  let signed;
  try {
    signed = fromJson(row.signedOffer, "the server's offer");
    if (offerHash(signed) !== hash.toLowerCase()) throw new Error("The server answered with another offer: not for sale here.");
  } catch (err) {
    show(root, notice("error", err.message));
    return;
  }
  const title = h("h2", { class: "title" }, "…");
  const warn = h("div", { class: "warn" });
  const pictures = h("div", { class: "pictures" });
  const description = h("p", { class: "description" });
  const left = h("p", { class: "left" }, row.cancelled ? "Cancelled by its seller" : `${row.left} of ${row.stock} left`);
  const verdict = h("div", { class: "verdict" });
  const checkoutBox = h("section", { class: "checkout" });
  const sellerBox = h("section", { class: "seller-tools" });
  show(
    root,
    title,
    warn,
    h("p", { class: "badge signed" }, "signed offer"),
    pictures,
    description,
    h("p", { class: "price" }, `${usd(signed.offer.priceUsd)} each`),
    h("p", { class: "seller" }, `Seller ${shortAddress(signed.offer.seller)}; valid until ${localTime(signed.offer.expiry)}`),
    left,
    row.commissionBps > 0 ? h("p", { class: "commission" }, `${row.commissionBps / 100} % to referrers`) : null,
    h("p", { class: "offer-id" }, "Offer ", h("code", {}, hash)),
    verdict,
    checkoutBox,
    sellerBox,
  );
  const doc = await fillFromDocument(signed.offer.metadataHash, title, null, warn, description);
  if (doc && Array.isArray(doc.images)) {
    for (const image of doc.images) {
      verifiedImage(image).then(
        (src) => pictures.append(h("img", { src, alt: String(doc.title ?? "") })),
        (err) => pictures.append(notice("warning", err.message)),
      );
    }
  }
  let accepted = null;
  if (onRightChain()) {
    // With a wallet the chain says what is left, not the server; a refusal shows no form.
    try {
      const state = await checkOffer(signed);
      left.replaceChildren(`${state.left} of ${signed.offer.stock} left`);
      accepted = await paymentTokens();
    } catch (err) {
      show(verdict, notice("error", err instanceof Refused ? err.message : await reason(err)));
      return;
    }
  } else if (row.left === 0) {
    show(verdict, notice("error", "This offer cannot be bought now (sold out, cancelled or expired)."));
    return;
  }
  const mine = connected() && same(wallet.account, signed.offer.seller);
  if (mine) cancelForm(sellerBox, signed);
  else if (accepted) checkoutForm(checkoutBox, signed, tokensOf(signed, accepted));
  else if (connected()) show(checkoutBox, notice("info", "Your wallet is on another chain: switch it (the button at the top) to buy this offer."));
  else show(checkoutBox, notice("info", "Connect a wallet (the button at the top) to buy this offer."));
}

function checkoutForm(box, signed, tokens) {
  const { offer } = signed;
  const quantity = h("input", { type: "number", name: "quantity", min: 1, value: 1 });
  const token = h("select", { name: "token" }, tokens.map((t) => h("option", { value: t.address }, t.symbol)));
  const slippage = h("input", { type: "number", name: "slippage", min: 0, max: 50, step: 0.1, value: 1 });
  const minutes = h("input", { type: "number", name: "deadline", min: 1, max: 1440, value: 20 });
  const points = h("input", { type: "text", name: "points", value: "0", inputmode: "decimal" });
  const summary = h("div", { class: "summary" });
  const status = h("div", { class: "status" });
  const buy = h("button", { type: "submit", class: "primary", name: "buy" }, "Buy");
  const address = addressField();

  async function quote() {
    const q = BigInt(Math.max(1, Math.floor(Number(quantity.value) || 1)));
    const t = shop.tokens[token.value];
    if (!t) return null;
    const slip = BigInt(Math.round(Math.min(50, Math.max(0, Number(slippage.value) || 0)) * 100));
    const locked = await quoteOffer(signed, q, t.address);
    return { q, t, locked, max: locked + (locked * slip) / 10_000n, usdAmount: offer.priceUsd * q };
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
      );
    } catch (err) {
      show(summary, notice("error", err.shortMessage ?? err.message));
    }
  }

  async function checkout(progress) {
    if (!onRightChain()) throw new Error("Your wallet is on another chain: switch it first (the button at the top).");
    const found = await quote();
    if (!found) throw new Error("No price for this token right now.");
    progress("Checking the offer with the chain…");
    await checkOffer(signed, found.q);
    if (same(wallet.account, offer.seller)) throw new Refused("You are the offer's seller: nobody buys from themselves.");
    const referrer = cart.referrer ?? ZERO;
    const arbiter = await arbiterFor([wallet.account, offer.seller, cart.referrer]);
    if (cart.referrer && [wallet.account, arbiter, offer.seller].some((a) => same(a, cart.referrer))) {
      throw new Refused(`The referrer ${cart.referrer} is a party to the order.`);
    }
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 60 * Math.max(1, Number(minutes.value) || 20));
    const purchase = {
      quantity: found.q,
      token: found.t.address,
      maxPayment: found.max,
      deadline,
      arbiter,
      referrer,
      pointsToRedeem: parseUnits((points.value || "0").trim(), POINT_DECIMALS),
    };
    const call = checkoutCall(signed, purchase);
    const allowance = await read(found.t.address, erc20Abi, "allowance", [wallet.account, config.market]);
    if (allowance < found.max) {
      // Would the checkout go through once approved? Asked before the approval is signed.
      progress("Checking the checkout with the chain…");
      const refused = await refusal(call, true);
      if (refused) throw new Refused(await reason(refused));
      progress(`Approving ${tokenAmount(found.max, found.t)} for the marketplace…`);
      await send({ address: found.t.address, abi: erc20Abi, functionName: "approve", args: [config.market, found.max] }, progress);
    }
    const { orderId, terms } = paidOrders(await send(call, progress))[0] ?? {};
    box.dataset.order = orderId;
    box.append(h("p", { class: "notice ok" }, "Your order ", h("code", { class: "order-id" }, orderId), " is paid. ", h("a", { href: "#/orders" }, "See my orders")));
    const text = address.querySelector("textarea").value.trim();
    if (text) {
      const copies = await sendAddress(orderId, terms, text, progress);
      box.append(h("p", { class: "notice ok details-sent" }, `Your delivery address went sealed to ${copies === 2 ? "the seller and the arbiter" : "the seller"}.`));
    }
  }

  for (const input of [quantity, token, slippage, minutes]) input.addEventListener("change", refresh);
  show(
    box,
    h("h3", {}, "Buy"),
    tokens.length
      ? h(
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
          offer.pointsDiscountCapBps > 0n ? field("Reward points to redeem", points, `up to ${Number(offer.pointsDiscountCapBps) / 100}% of the price`) : null,
          summary,
          buy,
        )
      : notice("warning", "This offer accepts no token this shop prices."),
    status,
  );
  if (tokens.length) refresh();
}

/** The seller's own offer: cancel it (`cancelOffer`, a transaction). */
function cancelForm(box, signed) {
  const status = h("div", { class: "status" });
  show(
    box,
    h("h3", {}, "Your offer"),
    h("button", { type: "button", name: "cancel-offer", onclick: () => run(status, (p) => sendMarket("cancelOffer", [signed.offer], p), "Offer cancelled.") }, "Cancel this offer"),
    status,
  );
}

/** #/shop: the seller's live signed offers, each cancellable, and "cancel all"
 * (`cancelAllOffers`: its counter moves on, every offer signed so far is void). */
export async function myOffers(box) {
  const status = h("div", { class: "status" });
  let rows;
  try {
    ({ offers: rows } = await get("/api/offers", { seller: wallet.account }));
  } catch (err) {
    show(box, h("h3", {}, "My signed offers"), notice("error", err.message));
    return;
  }
  const item = (row) => {
    const title = h("strong", { class: "title" }, `Offer ${row.offerHash.slice(0, 10)}…`);
    const warn = h("span", { class: "warn" });
    fillFromDocument(row.metadataHash, title, null, warn);
    const line = h("div", { class: "status" });
    const signed = fromJson(row.signedOffer, "the server's offer");
    return h(
      "article",
      { class: "offer", "data-offer": row.offerHash },
      h("header", {}, h("a", { href: `#/offer/${row.offerHash}` }, title), warn, h("span", { class: "badge" }, `${row.left} of ${row.stock} left`)),
      h("p", {}, `${usd(row.priceUsd)} each, until ${localTime(row.expiry)}`),
      h("button", { type: "button", name: "cancel-offer", onclick: () => run(line, (p) => sendMarket("cancelOffer", [signed.offer], p), "Offer cancelled.") }, "Cancel offer"),
      line,
    );
  };
  show(
    box,
    h("h3", {}, "My signed offers"),
    rows.length ? rows.map(item) : notice("info", "No live signed offers."),
    h(
      "p",
      {},
      h(
        "button",
        { type: "button", name: "cancel-all-offers", onclick: () => run(status, (p) => sendMarket("cancelAllOffers", [], p), "Every offer you signed so far is void.") },
        "Cancel all my offers",
      ),
      " every offer you signed so far, published or not (one transaction)",
    ),
    status,
  );
}

/** An order's title when it was bought from an offer: its document's, as published. */
export function fillOfferTitle(hash, title, warn) {
  title.replaceChildren(`Signed offer ${hash.slice(0, 10)}…`);
  get(`/api/offers/${hash}`).then(
    ({ offer }) => fillFromDocument(offer.metadataHash, title, null, warn),
    () => {},
  );
}
