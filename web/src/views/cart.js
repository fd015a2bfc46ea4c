// The cart: lines of any sellers paid in one token every line accepts, with one approval of
// the total and one checkoutCart (one order per line); the referrer read from the page's
// address (`?ref=0x…`) goes with it and earns the lines' commissions.
import { zeroAddress } from "viem";
import { get } from "../api.js";
import { Refused, arbiterFor, config, erc20Abi, market, marketAbi, paidOrders, read, reason, refusal, send, sendMarket } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { shortAddress, tokenAmount, usd } from "../format.js";
import { run } from "../progress.js";
import { approx, cart, commonTokens, shop } from "../state.js";
import { connected, onRightChain, wallet } from "../wallet.js";
import { fillFromDocument } from "./catalogue.js";

/** The nav's "Cart" link with the number of lines. */
export function cartLink() {
  const link = document.querySelector('nav.site a[href="#/cart"]');
  if (link) link.textContent = cart.lines.length ? `Cart (${cart.lines.length})` : "Cart";
}

/** What the lines cost in `token` now: the chain's `quote` per line, summed (an estimate from
 * the last rates without a wallet on the chain). */
export async function quoteLines(lines, token) {
  let total = 0n;
  for (const line of lines) {
    const q = BigInt(line.quantity);
    const each = onRightChain()
      ? await market("quote", [BigInt(line.listingId), q, token])
      : approx(line.priceUsd * q, token, line.bufferBps ?? 0);
    if (each === null) return null;
    total += each;
  }
  return total;
}

/** The most the buyer agrees to pay: `total` and `slipBps` of it (as the single checkout). */
export const withSlippage = (total, slipBps) => total + (total * slipBps) / 10_000n;

/**
 * Pays `lines` in `token` with one approval of the total (when the allowance is short) and one
 * checkoutCart naming the cart's referrer; the new orders [{orderId, terms}].
 */
export async function payLines(lines, token, slipBps, minutes, progress) {
  if (!connected()) throw new Error("Connect a wallet first (the button at the top).");
  if (!onRightChain()) throw new Error("Your wallet is on another chain: switch it first (the button at the top).");
  const total = await quoteLines(lines, token.address);
  if (total === null) throw new Error("No price for this token right now.");
  const maxTotal = withSlippage(total, slipBps);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 60 * Math.max(1, Number(minutes) || 20));
  const arbiter = await arbiterFor([wallet.account, cart.referrer, ...lines.map((l) => l.seller)]);
  const order = {
    lines: lines.map((l) => ({ listingId: BigInt(l.listingId), quantity: BigInt(l.quantity), pointsToRedeem: l.points ?? 0n })),
    token: token.address,
    maxTotal,
    deadline,
    arbiter,
    referrer: cart.referrer ?? zeroAddress,
  };
  const allowance = await read(token.address, erc20Abi, "allowance", [wallet.account, config.market]);
  if (allowance < maxTotal) {
    progress("Checking the checkout with the chain…");
    const refused = await refusal({ address: config.market, abi: marketAbi, functionName: "checkoutCart", args: [order] }, true);
    if (refused) throw new Refused(await reason(refused));
    progress(`Approving ${tokenAmount(maxTotal, token)} for the marketplace…`);
    await send({ address: token.address, abi: erc20Abi, functionName: "approve", args: [config.market, maxTotal] }, progress);
  }
  return paidOrders(await sendMarket("checkoutCart", [order], progress));
}

export function referrerLine() {
  return cart.referrer ? h("p", { class: "referrer", title: cart.referrer }, `referred by ${shortAddress(cart.referrer)}`) : null;
}

function lineRow(line, redraw) {
  const title = h("strong", { class: "title" }, `Listing ${line.listingId}`);
  const warn = h("span", { class: "warn" });
  get(`/api/listings/${line.listingId}`).then(
    ({ listing }) => listing.document && fillFromDocument(listing.metadataHash, title, null, warn),
    () => {},
  );
  const remove = () => {
    cart.lines = cart.lines.filter((l) => l !== line);
    cartLink();
    redraw();
  };
  return h(
    "article",
    { class: "cart-line", "data-listing": line.listingId },
    h("header", {}, title, warn),
    h("p", {}, `${line.quantity} × ${usd(line.priceUsd)} = ${usd(line.priceUsd * BigInt(line.quantity))}, seller ${shortAddress(line.seller)}`),
    h("button", { type: "button", class: "remove", onclick: remove }, "Remove"),
  );
}

export async function cartPage(root) {
  const section = h("section", { class: "cart" });
  show(root, h("h2", {}, "Cart"), section);
  const draw = (paid) => {
    const lines = cart.lines;
    const parts = [referrerLine()];
    if (paid) {
      parts.push(
        h(
          "div",
          { class: "paid-orders" },
          notice("ok", `Your ${paid.length} order${paid.length === 1 ? " is" : "s are"} paid. `, h("a", { href: "#/orders" }, "See my orders")),
          h("ul", {}, paid.map((o) => h("li", {}, "Order ", h("code", { class: "order-id" }, o.orderId)))),
        ),
      );
      section.dataset.orders = paid.map((o) => o.orderId).join(",");
    }
    if (!lines.length) {
      show(section, parts, notice("info", "Your cart is empty: add listings from their pages."));
      return;
    }
    parts.push(h("div", { class: "cart-lines" }, lines.map((l) => lineRow(l, () => draw(null)))));
    const total = lines.reduce((sum, l) => sum + l.priceUsd * BigInt(l.quantity), 0n);
    parts.push(h("p", { class: "cart-total" }, `Total ${usd(total)}`));
    const tokens = commonTokens(lines);
    if (!tokens.length) {
      const none = notice("warning", "No token is accepted by every line of the cart: remove a line to pay for the rest.");
      none.classList.add("no-common-token");
      parts.push(none);
      show(section, parts);
      return;
    }
    parts.push(payForm(tokens, lines, draw));
    show(section, parts);
  };
  draw(null);
}

function payForm(tokens, lines, draw) {
  const token = h("select", { name: "token" }, tokens.map((t) => h("option", { value: t.address }, t.symbol)));
  const slippage = h("input", { type: "number", name: "slippage", min: 0, max: 50, step: 0.1, value: 1 });
  const minutes = h("input", { type: "number", name: "deadline", min: 1, max: 1440, value: 20 });
  const summary = h("div", { class: "summary" });
  const status = h("div", { class: "status" });
  const pay = h("button", { type: "submit", class: "primary", name: "pay" }, "Pay for the cart");
  const slipBps = () => BigInt(Math.round(Math.min(50, Math.max(0, Number(slippage.value) || 0)) * 100));

  async function refresh() {
    try {
      const t = shop.tokens[token.value];
      const total = await quoteLines(lines, t.address);
      if (total === null) {
        show(summary, notice("warning", "No price for this token right now."));
        return;
      }
      show(
        summary,
        h("p", {}, "The amount locked now: ", h("strong", { class: "locked" }, tokenAmount(total, t))),
        h("p", {}, "You agree to pay at most ", h("strong", { class: "max-pay" }, tokenAmount(withSlippage(total, slipBps()), t)), ` within ${minutes.value} minutes.`),
      );
    } catch (err) {
      show(summary, notice("error", err.shortMessage ?? err.message));
    }
  }

  let paid = null;
  const checkout = async (progress) => {
    paid = await payLines(lines, shop.tokens[token.value], slipBps(), minutes.value, progress);
  };
  for (const input of [token, slippage, minutes]) input.addEventListener("change", refresh);
  const form = h(
    "form",
    {
      class: "cart-pay",
      onsubmit: async (e) => {
        e.preventDefault();
        pay.disabled = true;
        if (await run(status, checkout, "Paid.")) {
          cart.lines = [];
          cartLink();
          draw(paid);
          document.querySelector("section.cart")?.append(status);
          return;
        }
        pay.disabled = false;
      },
    },
    field("Pay with", token, "only the tokens every line accepts"),
    field("Slippage (%)", slippage, "how far the price may move before you sign and it runs"),
    field("Deadline (minutes)", minutes),
    summary,
    pay,
    status,
  );
  refresh();
  return form;
}
