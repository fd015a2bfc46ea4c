// The cart: lines of any sellers paid in one token every line accepts, with one approval of
// the total and one checkoutCart (one order per line); the referrer read from the page's
// address (`?ref=0x…`) goes with it and earns the lines' commissions. Or paid by signature:
// the cart signed for Permit2 (no gas; Permit2 approved once), handed to whoever relays it.
import { maxUint256, zeroAddress } from "viem";
import { get } from "../api.js";
import { Refused, arbiterFor, config, erc20Abi, market, marketAbi, paidOrders, read, reason, refusal, send, sendMarket } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { localTime, parseToken, shortAddress, tokenAmount, usd } from "../format.js";
import { feeCap, nextNonce, packCheckout, permit2Of, relayCall, toJson, typedData } from "../gasless.js";
import { run } from "../progress.js";
import { approx, cart, commonTokens, shop } from "../state.js";
import { connected, onRightChain, signer, wallet } from "../wallet.js";
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

function ready() {
  if (!connected()) throw new Error("Connect a wallet first (the button at the top).");
  if (!onRightChain()) throw new Error("Your wallet is on another chain: switch it first (the button at the top).");
}

/** The marketplace's Cart for `lines` in `token`: at most `maxTotal`, the deadline `minutes`
 * from now, an arbiter that is none of the buyer, the sellers and the referrer. */
async function cartOf(lines, token, maxTotal, minutes) {
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 60 * Math.max(1, Number(minutes) || 20));
  const arbiter = await arbiterFor([wallet.account, cart.referrer, ...lines.map((l) => l.seller)]);
  return {
    lines: lines.map((l) => ({ listingId: BigInt(l.listingId), quantity: BigInt(l.quantity), pointsToRedeem: l.points ?? 0n })),
    token: token.address,
    maxTotal,
    deadline,
    arbiter,
    referrer: cart.referrer ?? zeroAddress,
  };
}

/**
 * Pays `lines` in `token` with one approval of the total (when the allowance is short) and one
 * checkoutCart naming the cart's referrer; the new orders [{orderId, terms}].
 */
export async function payLines(lines, token, slipBps, minutes, progress) {
  ready();
  const total = await quoteLines(lines, token.address);
  if (total === null) throw new Error("No price for this token right now.");
  const order = await cartOf(lines, token, withSlippage(total, slipBps), minutes);
  const maxTotal = order.maxTotal;
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

/**
 * A gasless checkout of `lines` in `token`, before signing (clients/checkouts.py's
 * sign_checkout): the fee within the marketplace's cap of the quoted total, the most the buyer
 * pays (the quote, the slippage and the fee), Permit2's allowance and the balance.
 * {unsigned, token, allowed}: `allowed` short of `unsigned.cart.maxTotal` means Permit2 must
 * be approved first. Throws Refused before anything is signed.
 */
export async function prepareSignature(lines, token, slipBps, minutes, fee) {
  ready();
  const total = await quoteLines(lines, token.address);
  if (total === null) throw new Error("No price for this token right now.");
  const { cap, percent } = await feeCap(total);
  if (fee > cap) {
    throw new Refused(`A relayer fee of ${tokenAmount(fee, token)} is above the marketplace's cap of ${percent} % of the cart (${tokenAmount(cap, token)}); nothing was signed.`);
  }
  const permit2 = await permit2Of();
  const order = await cartOf(lines, token, withSlippage(total, slipBps) + fee, minutes);
  const held = await read(token.address, erc20Abi, "balanceOf", [wallet.account]);
  if (held < total + fee) throw new Refused(`You hold ${tokenAmount(held, token)}; the cart and the fee cost ${tokenAmount(total + fee, token)}.`);
  const allowed = await read(token.address, erc20Abi, "allowance", [wallet.account, permit2]);
  const unsigned = { chainId: wallet.expectedChainId, marketplace: config.market, permit2, cart: order, payment: { buyer: wallet.account, relayerFee: fee, nonce: null, signature: null } };
  return { unsigned, token, allowed };
}

/** Lets Permit2 take `token` from the wallet's account, each transfer only against a
 * signature of it (as `bazaar approve-permit2`): one transaction, paid in gas. */
export async function approvePermit2(prepared, progress) {
  const { unsigned, token } = prepared;
  progress(`Approving Permit2 for your ${token.symbol} (once; this transaction costs gas)…`);
  await send({ address: token.address, abi: erc20Abi, functionName: "approve", args: [unsigned.permit2, maxUint256] }, progress);
  prepared.allowed = maxUint256;
}

/** Signs the prepared checkout with the lowest unused Permit2 nonce, then runs its relay as
 * eth_call from the buyer; the signed checkout (nothing sent). */
export async function signPrepared({ unsigned }, progress) {
  progress("Reading your next Permit2 nonce…");
  const nonce = await nextNonce(unsigned.permit2, wallet.account);
  const draft = { ...unsigned, payment: { ...unsigned.payment, nonce } };
  progress("Waiting for your wallet to sign the checkout (no transaction, no gas)…");
  let signature;
  try {
    signature = await signer().signTypedData({ account: wallet.account, ...typedData(draft) });
  } catch (err) {
    throw new Refused(await reason(err));
  }
  const signed = { ...draft, payment: { ...draft.payment, signature } };
  progress("Checking the signed checkout with the chain…");
  const refused = await refusal(relayCall(signed));
  if (refused) throw new Refused(`The chain would refuse this signed checkout: ${await reason(refused)}`);
  return signed;
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
  const relayerFee = h("input", { type: "text", name: "relayer-fee", inputmode: "decimal", value: "0" });
  const sign = h("button", { type: "button", name: "sign" }, "Pay by signature (no gas)");
  const gasless = h("div", { class: "gasless" });
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

  // Paid by signature: checked (fee, balance, Permit2's allowance), Permit2 approved once if
  // it must be (a transaction), then signed and shown for a relayer; nothing else is sent.
  const signed = async (prepared, box) => {
    const approving = prepared.allowed < prepared.unsigned.cart.maxTotal;
    const ok = await run(
      box,
      async (progress) => {
        if (approving) await approvePermit2(prepared, progress);
        prepared.signed = await signPrepared(prepared, progress);
      },
      approving ? "Permit2 approved (this transaction), then signed: nothing else was sent." : "Signed: nothing was sent.",
    );
    if (ok) show(gasless, signedCheckout(prepared.signed, prepared.token), box);
    sign.disabled = false;
  };
  const bySignature = async () => {
    sign.disabled = true;
    const box = h("div", { class: "status" });
    show(gasless, box);
    const t = shop.tokens[token.value];
    let prepared = null;
    const checked = await run(
      box,
      async (progress) => {
        progress("Checking the cart, the fee and Permit2…");
        prepared = await prepareSignature(lines, t, slipBps(), minutes.value, parseToken(relayerFee.value || "0", t, "relayer fee"));
      },
      "Checked.",
    );
    if (!checked) {
      sign.disabled = false;
      return;
    }
    if (prepared.allowed >= prepared.unsigned.cart.maxTotal) {
      await signed(prepared, box);
      return;
    }
    const approve = h("button", { type: "button", name: "approve-permit2" }, "Approve Permit2");
    approve.addEventListener("click", () => {
      approve.disabled = true;
      signed(prepared, box);
    });
    const step = notice(
      "warning",
      `First, once: let Uniswap's Permit2 (${shortAddress(prepared.unsigned.permit2)}) take your ${t.symbol}, each transfer only against your signature of it. `,
      `This one step is a transaction and costs gas; after it, every cart you pay in ${t.symbol} by signature costs you none.`,
    );
    step.classList.add("approve-permit2");
    show(gasless, step, approve, box);
    box.replaceChildren();
  };
  sign.addEventListener("click", bySignature);
  relayerFee.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return; // the form's submit would pay the cart with gas
    e.preventDefault();
    if (!sign.disabled) sign.click();
  });

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
    h(
      "fieldset",
      { class: "by-signature" },
      h("legend", {}, "Or pay by signature"),
      h("p", {}, "Sign the cart instead of sending it: whoever relays your signature pays the gas and earns the fee you offer (once Permit2 may take the token, you need no ETH)."),
      field("Relayer fee", relayerFee, "in the token you pay with; at most 3 % of the cart; part of the most you pay"),
      sign,
      gasless,
    ),
  );
  refresh();
  return form;
}

/** The signed checkout: what it allows, its JSON to download (the file bazaar relay-checkout
 * reads) and a link to the relay page carrying it. */
function signedCheckout(signed, token) {
  const json = toJson(signed);
  const text = `${JSON.stringify(json, null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const { cart: c, payment } = signed;
  return h(
    "div",
    { class: "signed-checkout", "data-nonce": String(payment.nonce) },
    notice(
      "ok",
      `Signed; nothing was sent and you paid no gas. Whoever relays it before ${localTime(c.deadline)} pays the gas and earns your fee of ${tokenAmount(payment.relayerFee, token)}; `,
      `you pay at most ${tokenAmount(c.maxTotal, token)} in all (Permit2 nonce ${payment.nonce}).`,
    ),
    h(
      "p",
      {},
      h("a", { class: "download", href: url, download: `checkout-${payment.nonce}.json` }, "Download"),
      " the signed checkout (for bazaar relay-checkout), or ",
      h("a", { class: "relay-link", href: `#/relay?checkout=${packCheckout(json)}` }, "open it on the relay page"),
      ". Until it is relayed, your cart stays here.",
    ),
    h("textarea", { class: "signed-json", name: "signed-checkout", readonly: true, rows: 10, "aria-label": "The signed checkout" }, text),
  );
}
