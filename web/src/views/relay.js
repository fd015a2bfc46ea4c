// The relay page (#/relay): anyone with a wallet sends a shopper's signed checkout
// (`checkoutCartWithPermit2`), pays the gas and earns the fee the shopper signed. The checkout
// is pasted, loaded from a file or carried by the page's address (`#/relay?checkout=…`), shown,
// and checked as `bazaar relay-checkout` checks it before anything is sent.
import { decodeEventLog, getAddress } from "viem";
import { Refused, config, marketAbi, paidOrders, send } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { localTime, shortAddress, tokenAmount } from "../format.js";
import { checkRelay, fromJson, relayCall, unpackCheckout } from "../gasless.js";
import { run } from "../progress.js";
import { shop } from "../state.js";
import { connected, onRightChain } from "../wallet.js";

// What the page shows across redraws (a wallet's change redraws it): the checkout's text, and
// the address's parameter it came from, if any (a new one replaces the text).
const kept = { param: null, text: "" };

/** The token as the page knows it ({address, symbol, decimals}), or its address alone. */
function tokenOf(address) {
  return Object.values(shop.tokens).find((t) => t.address.toLowerCase() === address.toLowerCase()) ?? null;
}

function amount(units, token) {
  return token ? tokenAmount(units, token) : `${units} units`;
}

/** The fee the relay earned (CartRelayed in the receipt). */
function feeEarned(receipt) {
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== config.market.toLowerCase()) continue;
    try {
      const event = decodeEventLog({ abi: marketAbi, data: log.data, topics: log.topics });
      if (event.eventName === "CartRelayed") return event.args.fee;
    } catch {
      // another of the marketplace's events
    }
  }
  return 0n;
}

function details(signed) {
  const { cart, payment } = signed;
  const token = tokenOf(cart.token);
  const row = (label, ...value) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, ...value));
  return h(
    "table",
    { class: "checkout-details" },
    h(
      "tbody",
      {},
      row("Buyer", h("code", { class: "buyer" }, payment.buyer)),
      row(
        "Lines",
        h(
          "ul",
          { class: "lines" },
          cart.lines.map((l) =>
            h("li", {}, h("a", { href: `#/listing/${l.listingId}` }, `Listing ${l.listingId}`), ` × ${l.quantity}`, l.pointsToRedeem ? `, ${l.pointsToRedeem} points redeemed (units)` : ""),
          ),
        ),
      ),
      row("Token", token ? `${token.symbol} ` : "", h("code", {}, cart.token)),
      row("Most the buyer pays", h("span", { class: "max-total" }, amount(cart.maxTotal, token)), " (the cart and the fee)"),
      row("Relayer's fee", h("strong", { class: "fee" }, amount(payment.relayerFee, token))),
      row("Deadline", `${localTime(cart.deadline)} (unix ${cart.deadline})`),
      row("Permit2 nonce", h("span", { class: "nonce" }, String(payment.nonce))),
      row("Arbiter", h("code", {}, cart.arbiter)),
      row("Referrer", /^0x0{40}$/.test(cart.referrer) ? "none" : h("code", {}, cart.referrer)),
      row("Chain and marketplace", `chain ${signed.chainId}, `, h("code", {}, signed.marketplace)),
    ),
  );
}

export async function relayPage(root) {
  const param = new URLSearchParams(location.hash.split("?")[1] ?? "").get("checkout");
  const section = h("section", { class: "relay" });
  show(
    root,
    h("h2", {}, "Relay a signed checkout"),
    h(
      "p",
      {},
      "A shopper who paid a cart by signature sends nothing and needs no gas: whoever relays the signature sends the transaction, pays its gas and earns the fee the shopper signed. ",
      "Paste or load the signed checkout (from “Pay by signature” on a cart, or bazaar buy --sign-only).",
    ),
    section,
  );
  let loadError = null;
  if (param !== null && param !== kept.param) {
    kept.param = param;
    try {
      kept.text = unpackCheckout(param);
    } catch (err) {
      loadError = err.message;
    }
  }
  const text = h("textarea", { name: "checkout", rows: 10, spellcheck: "false", "aria-label": "The signed checkout (JSON)" }, kept.text);
  const file = h("input", { type: "file", name: "file", accept: "application/json,.json" });
  const shown = h("div", { class: "checked" });
  const status = h("div", { class: "status" });

  let turn = 0; // the latest examination's number: an older one that ends later shows nothing
  const examine = async () => {
    const mine = ++turn;
    kept.text = text.value;
    status.replaceChildren();
    if (!text.value.trim()) {
      show(shown);
      return;
    }
    let signed;
    try {
      signed = fromJson(text.value);
    } catch (err) {
      show(shown, notice("error", err.message));
      return;
    }
    const verdict = h("div", { class: "verdict" });
    show(shown, details(signed), verdict);
    if (!connected() || !onRightChain()) {
      show(verdict, notice("info", "Connect a wallet on this marketplace's chain (the button at the top) to check it with the chain and relay it."));
      return;
    }
    show(verdict, notice("info", "Checking it with the chain…"));
    try {
      await checkRelay(signed);
    } catch (err) {
      if (mine !== turn) return;
      const refused = notice("error", err instanceof Refused ? err.message : err.shortMessage ?? err.message);
      refused.classList.add("refused");
      show(verdict, refused, notice("info", "Nothing was sent."));
      return;
    }
    if (mine !== turn) return;
    const token = tokenOf(signed.cart.token);
    const relay = h("button", { type: "button", class: "primary", name: "relay" }, "Relay it");
    let relayed = null;
    relay.addEventListener("click", async () => {
      relay.disabled = true;
      const ok = await run(
        status,
        async (progress) => {
          progress("Checking it with the chain…");
          await checkRelay(signed);
          const receipt = await send(relayCall(signed), progress);
          relayed = { orders: paidOrders(receipt), fee: feeEarned(receipt) };
        },
        "Relayed.",
      );
      if (!ok) {
        relay.disabled = false;
        return;
      }
      section.dataset.orders = relayed.orders.map((o) => o.orderId).join(",");
      show(
        verdict,
        notice("ok", `You earned ${amount(relayed.fee, token)}; ${relayed.orders.length} order${relayed.orders.length === 1 ? "" : "s"} paid for ${shortAddress(signed.payment.buyer)}:`),
        h("ul", { class: "relayed-orders" }, relayed.orders.map((o) => h("li", {}, "Order ", h("code", { class: "order-id" }, o.orderId), ` (listing ${o.terms.listingId}, buyer ${shortAddress(getAddress(o.terms.buyer))})`))),
      );
    });
    show(verdict, notice("ok", `It would go through now. Relaying it costs you the gas and earns you ${amount(signed.payment.relayerFee, token)}.`), relay);
  };

  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    text.value = await chosen.text();
    examine();
  });
  text.addEventListener("input", examine);
  show(
    section,
    loadError ? notice("error", loadError) : null,
    h("form", { class: "relay-load", onsubmit: (e) => e.preventDefault() }, field("Signed checkout (JSON)", text), field("Or load a file", file)),
    shown,
    status,
  );
  if (kept.text) await examine();
}
