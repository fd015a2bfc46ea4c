// Orders by role: a buyer's (confirm, dispute, review, reclaim, cancel request), a seller's
// (ship, checkpoint, refund) and an arbiter's (disputes with their evidence, rule a split).
import { keccak256, toBytes } from "viem";
import { get } from "../api.js";
import { config, market, marketAbi, sendMarket as sendOrder, termsOf } from "../chain.js";
import { field, h, notice, show } from "../dom.js";
import { localTime, shortAddress, tokenAmount, usd } from "../format.js";
import { run } from "../progress.js";
import { shop } from "../state.js";
import { connected, reader, wallet } from "../wallet.js";
import { offerOfListingId } from "../offers.js";
import { fillFromDocument } from "./catalogue.js";
import { detailsLine, keyPanel } from "./delivery.js";
import { fillOfferTitle } from "./offer.js";

const TITLES = { buyer: "My orders", seller: "Orders to my shop", arbiter: "Disputes assigned to me" };
// Orders a role may act on several at once: a seller ships Paid ones, a buyer confirms Shipped.
const BATCH = { seller: { status: "Paid", label: "Ship the selected orders", done: "Shipped." }, buyer: { status: "Shipped", label: "Confirm the selected orders", done: "Deliveries confirmed." } };

function textHash(text) {
  return keccak256(toBytes(text));
}

/** An action with a text input whose hash goes on chain (tracking, evidence, review). */
function hashedAction(label, placeholder, send, after, done = "Done.") {
  const input = h("input", { name: label.toLowerCase().replace(/\W+/g, "-"), placeholder, maxlength: 2000 });
  const status = h("div", { class: "status" });
  const form = h(
    "form",
    {
      class: "action",
      onsubmit: async (e) => {
        e.preventDefault();
        if (!input.value.trim()) {
          show(status, notice("error", `${placeholder}: it may not be empty.`));
          return;
        }
        if (await run(status, (progress) => send(textHash(input.value.trim()), progress), done)) after?.(status);
      },
    },
    input,
    h("button", { type: "submit" }, label),
  );
  return h("div", {}, form, status);
}

function button(label, send, after, done = "Done.", cls = "") {
  const status = h("div", { class: "status" });
  const b = h("button", { type: "button", class: cls, onclick: async () => (await run(status, send, done)) && after?.(status) }, label);
  return h("div", { class: "action" }, b, status);
}

async function evidenceOf(orderId) {
  const client = reader();
  const [opened, more] = await Promise.all([
    client.getContractEvents({ address: config.market, abi: marketAbi, eventName: "DisputeOpened", args: { orderId }, fromBlock: 0n }),
    client.getContractEvents({ address: config.market, abi: marketAbi, eventName: "Evidence", args: { orderId }, fromBlock: 0n }),
  ]);
  return [...opened, ...more].map((e) => ({ by: e.args.by, hash: e.args.evidenceHash }));
}

// The chain's time (its latest block), which deadlines are measured by: it can differ from
// the browser's clock (a local chain moved forward, a wrong system clock).
const clock = { offset: 0 };

async function readChainTime() {
  try {
    const block = await reader().getBlock();
    clock.offset = Number(block.timestamp) - Date.now() / 1000;
  } catch {
    clock.offset = 0;
  }
}

const chainNow = () => Date.now() / 1000 + clock.offset;

/** The order's terms checked before anything is signed: they hash to its id (the contract's
 * own `orderIdOf`), and the connected account holds the role (the server is not trusted). */
async function checked(order, terms, role) {
  const id = await market("orderIdOf", [terms]);
  if (id.toLowerCase() !== order.orderId.toLowerCase()) throw new Error("The server's terms for this order do not hash to its id: nothing was sent.");
  if (terms[role].toLowerCase() !== wallet.account.toLowerCase()) throw new Error(`You are not this order's ${role}.`);
}

function actions(order, role, after) {
  const terms = termsOf(order);
  const now = chainNow();
  const sendMarket = async (functionName, args, progress) => {
    await checked(order, terms, role);
    return sendOrder(functionName, args, progress);
  };
  const out = [];
  if (role === "buyer") {
    if (order.status === "Shipped") {
      out.push(button("Confirm delivery", (p) => sendMarket("confirm", [terms], p), after, "Delivery confirmed.", "primary"));
    }
    if (order.status === "Paid" || order.status === "Shipped") {
      out.push(hashedAction("Open dispute", "What went wrong (only its hash goes on chain)", (hash, p) => sendMarket("openDispute", [terms, hash], p), after, "Dispute opened."));
    }
    if (order.status === "Paid" && order.deadline && now > order.deadline) {
      out.push(button("Reclaim my payment", (p) => sendMarket("reclaim", [terms], p), after, "Payment reclaimed."));
    } else if (order.status === "Paid" && !order.cancelRequested) {
      out.push(button("Ask to cancel", (p) => sendMarket("cancel", [terms], p), after, "Cancellation asked."));
    }
    if (["Completed", "Resolved", "Refunded"].includes(order.status)) {
      const rating = h("select", { name: "rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, `${n} ★`)));
      const review = hashedAction("Review", "Your review (only its hash goes on chain)", (hash, p) =>
        sendMarket("review", [terms, Number(rating.value), hash], p),
        after,
        "Review recorded.",
      );
      review.prepend(field("Rating", rating));
      out.push(review);
    }
  } else if (role === "seller") {
    if (order.status === "Paid") {
      out.push(hashedAction("Ship", "Tracking number (only its hash goes on chain)", (hash, p) => sendMarket("ship", [terms, hash], p), after, "Shipped."));
    }
    if (order.status === "Shipped") {
      out.push(hashedAction("Add checkpoint", "Where the parcel is (hashed)", (hash, p) => sendMarket("addCheckpoint", [terms, hash], p), after, "Checkpoint added."));
    }
    if (order.status === "Paid" || order.status === "Shipped") {
      out.push(
        button("Refund in full", async (p) => {
          const state = await market("getOrder", [order.orderId]);
          await sendMarket("refund", [terms, state.amount], p);
        }, after, "Refunded."),
      );
    }
  } else if (role === "arbiter" && order.status === "Disputed") {
    const share = h("input", { type: "number", name: "buyer-share", min: 0, max: 100, step: 1, value: 50 });
    const status = h("div", { class: "status" });
    const evidence = h("ul", { class: "evidence" }, h("li", {}, "Loading evidence…"));
    evidenceOf(order.orderId).then(
      (items) =>
        evidence.replaceChildren(
          ...(items.length ? items : [{ by: null, hash: "none" }]).map((i) => h("li", {}, i.by ? `${shortAddress(i.by)}: ` : "", h("code", {}, i.hash))),
        ),
      (err) => evidence.replaceChildren(h("li", {}, err.shortMessage ?? err.message)),
    );
    out.push(
      h("div", {}, h("h4", {}, "Evidence hashes"), evidence),
      h(
        "form",
        {
          class: "action rule",
          onsubmit: async (e) => {
            e.preventDefault();
            const bps = BigInt(Math.round(Math.min(100, Math.max(0, Number(share.value) || 0)) * 100));
            if (await run(status, (p) => sendMarket("resolveDispute", [terms, bps], p), "Ruled.")) after(status);
          },
        },
        field("Buyer's share (%)", share, "the rest goes to the seller"),
        h("button", { type: "submit", class: "primary" }, "Rule"),
      ),
      status,
    );
  }
  return out;
}

function orderCard(order, role) {
  const token = shop.tokens[order.token];
  const title = h("strong", { class: "title" }, `Listing ${order.listingId}`);
  const warn = h("span", { class: "warn" });
  // An order bought from a signed offer has the offer's hash as its listing id.
  const offer = offerOfListingId(order.terms.listingId);
  if (offer) {
    fillOfferTitle(offer, title, warn);
  } else {
    get(`/api/listings/${order.listingId}`).then(
      ({ listing }) => listing.document && fillFromDocument(listing.metadataHash, title, null, warn),
      () => {},
    );
  }
  const late = order.deadline && chainNow() > order.deadline && ["Paid", "Shipped", "Disputed"].includes(order.status);
  const due = order.deadline ? `${order.status === "Paid" ? "ship by" : "deadline"} ${localTime(order.deadline)}${late ? " (passed)" : ""}` : "";
  // After an action: the card again from the index (which has caught up), with its outcome.
  const after = async (outcome) => {
    try {
      const fresh = await get(`/api/orders/${order.orderId}`);
      const next = orderCard(fresh.order, role);
      next.append(outcome);
      card.replaceWith(next);
    } catch {
      // the card stays as it was, with its outcome
    }
  };
  const card = h(
    "article",
    { class: `order status-${order.status.toLowerCase()}`, "data-order": order.orderId },
    h("header", {}, title, warn, h("span", { class: "badge" }, order.status)),
    h(
      "p",
      {},
      `${order.quantity} × ${usd(BigInt(order.usdAmount) / BigInt(order.quantity))}, paid ${tokenAmount(order.lockedAmount, token)}`,
      role !== "buyer" ? ` by ${shortAddress(order.buyer)}` : ` to ${shortAddress(order.seller)}`,
    ),
    due ? h("p", { class: "deadline" }, due) : null,
    order.cancelRequested ? h("p", { class: "notice info" }, "The buyer asked to cancel.") : null,
    h("p", { class: "order-id" }, "Order ", h("code", {}, order.orderId)),
    BATCH[role]?.status === order.status ? h("label", { class: "pick" }, h("input", { type: "checkbox", name: "batch", value: order.orderId }), " Select for a batch") : null,
    detailsLine(order, role),
    actions(order, role, after),
  );
  return card;
}

export async function ordersPage(root, role) {
  if (!connected()) {
    show(root, h("h2", {}, TITLES[role]), notice("info", "Connect a wallet (the button at the top) to see your orders."));
    return;
  }
  await readChainTime();
  const list = h("div", { class: "orders" }, notice("info", "Loading…"));
  show(root, h("h2", {}, TITLES[role]), list, role === "arbiter" ? keyPanel() : null);
  const batchBox = h("section", { class: "batch" });
  list.before(batchBox);
  const draw = async () => {
    const page = await get("/api/orders", { account: wallet.account, role, per_page: 50 });
    const shown = role === "arbiter" ? page.orders.filter((o) => o.status === "Disputed") : page.orders;
    show(list, shown.length ? shown.map((o) => orderCard(o, role)) : notice("info", role === "arbiter" ? "No open disputes." : "No orders yet."));
    if (page.index.behind) list.prepend(notice("info", `The index is ${page.index.behind} blocks behind the chain.`));
    const batch = BATCH[role];
    const eligible = shown.filter((o) => o.status === batch?.status);
    if (!batch || eligible.length < 2) {
      batchBox.replaceChildren();
      return;
    }
    const status = h("div", { class: "status" });
    const act = async (progress) => {
      const picked = [...list.querySelectorAll("input[name=batch]:checked")].map((box) => eligible.find((o) => o.orderId === box.value)).filter(Boolean);
      if (!picked.length) throw new Error("Select the orders first (the boxes on the orders).");
      const terms = picked.map(termsOf);
      for (let i = 0; i < picked.length; i++) await checked(picked[i], terms[i], role);
      if (role === "seller") {
        const hashes = picked.map((o) => {
          const text = list.querySelector(`article.order[data-order='${o.orderId}'] input[name=ship]`)?.value.trim();
          if (!text) throw new Error(`Order ${o.orderId.slice(0, 10)}…: its tracking number may not be empty.`);
          return textHash(text);
        });
        await sendOrder("shipBatch", [terms, hashes], progress);
      } else {
        await sendOrder("confirmBatch", [terms], progress);
      }
    };
    show(
      batchBox,
      h("p", {}, role === "seller" ? "Select several orders, type each one's tracking number, and ship them in one transaction." : "Select several orders and confirm their delivery in one transaction."),
      h(
        "button",
        {
          type: "button",
          class: "primary",
          onclick: async () => {
            if (await run(status, act, batch.done)) {
              await draw().catch((err) => list.prepend(notice("error", err.message)));
              batchBox.append(status);
            }
          },
        },
        batch.label,
      ),
      status,
    );
  };
  try {
    await draw();
  } catch (err) {
    show(list, notice("error", err.message));
  }
}
