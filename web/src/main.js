// BTC Bazaar's storefront: a page of fragments (#/, #/listing/7, #/offer/0x…, #/cart, #/orders,
// #/shop, #/sales, #/arbiter, #/relay, #/dao) over the server's read API, with the shopper's own
// wallet for everything signed.
import { h, notice, show } from "./dom.js";
import { isAddress, getAddress } from "viem";
import { shortAddress } from "./format.js";
import { config } from "./chain.js";
import { cart, load, reloadRates, shop } from "./state.js";
import { connect, connected, discover, onRightChain, onWalletChange, switchChain, wallet } from "./wallet.js";
import { cartLink, cartPage } from "./views/cart.js";
import { catalogue, parse } from "./views/catalogue.js";
import { daoPage } from "./views/dao.js";
import { listingPage } from "./views/listing.js";
import { offerPage } from "./views/offer.js";
import { ordersPage } from "./views/orders.js";
import { relayPage } from "./views/relay.js";
import { shopPage } from "./views/shop.js";

const bar = document.getElementById("wallet");
const main = document.getElementById("main");

function walletBar() {
  if (!wallet.providers.length) {
    show(
      bar,
      h(
        "span",
        { class: "no-wallet" },
        "No browser wallet found: you can browse the catalogue. To buy or sell, install a wallet such as MetaMask, Rabby or Coinbase Wallet, then reload this page.",
      ),
    );
    return;
  }
  if (!connected()) {
    show(
      bar,
      wallet.providers.map((p) =>
        h(
          "button",
          {
            type: "button",
            class: "connect",
            onclick: async () => {
              wallet.error = null;
              try {
                await connect(p.info.uuid);
              } catch (err) {
                wallet.error = err.code === 4001 ? "You declined the connection; nothing was shared." : err.message;
                walletBar();
              }
            },
          },
          `Connect ${p.info.name}`,
        ),
      ),
      wallet.error ? notice("error", wallet.error) : null,
    );
    return;
  }
  const parts = [h("span", { class: "account" }, `${wallet.chosen.info.name}: ${shortAddress(wallet.account)}`)];
  if (!onRightChain()) {
    parts.push(
      h(
        "span",
        { class: "notice warning wrong-chain", role: "alert" },
        `Your wallet is on chain ${wallet.chainId}; this marketplace is on chain ${wallet.expectedChainId}. `,
        h(
          "button",
          {
            type: "button",
            class: "switch",
            onclick: () => switchChain().catch((err) => show(bar, notice("error", err.code === 4001 ? "You declined to switch." : err.message))),
          },
          "Switch chain",
        ),
      ),
    );
  }
  show(bar, parts);
}

// Each drawing of a page gets a view of its own in <main>: one still reading the chain when the
// next begins (the wallet's account changed, the shopper moved on) draws into a view no longer
// shown, and does not say the page is ready.
let drawing = 0;

async function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  document.querySelectorAll("nav.site a").forEach((a) => a.classList.toggle("here", a.getAttribute("href") === `#/${parts[0] ?? ""}`));
  const mine = ++drawing;
  const view = h("div", { class: "view" });
  main.replaceChildren(view);
  try {
    if (parts[0] === "listing" && /^\d+$/.test(parts[1] ?? "")) await listingPage(view, parts[1]);
    else if (parts[0] === "offer" && /^0x[0-9a-fA-F]{64}$/.test(parts[1] ?? "")) await offerPage(view, parts[1]);
    else if (parts[0] === "orders") await ordersPage(view, "buyer");
    else if (parts[0] === "sales") await ordersPage(view, "seller");
    else if (parts[0] === "arbiter") await ordersPage(view, "arbiter");
    else if (parts[0] === "shop") await shopPage(view);
    else if (parts[0] === "cart") await cartPage(view);
    else if (parts[0] === "relay") await relayPage(view);
    else if (parts[0] === "dao") await daoPage(view);
    else if (!parts.length) await catalogue(view, parse(new URLSearchParams(query)));
    else show(view, notice("error", "There is no such page."), h("a", { href: "#/" }, "Back to the catalogue"));
  } catch (err) {
    show(view, notice("error", err.message));
  }
  if (mine === drawing) document.body.dataset.ready = location.hash || "#/";
}

/** The referrer, read once from the page's address (`?ref=0x…`, before or inside the
 * fragment) and kept for the visit; an invalid one is ignored with a notice. */
function readReferrer() {
  const inHash = new URLSearchParams(location.hash.split("?")[1] ?? "").get("ref");
  const text = new URLSearchParams(location.search).get("ref") ?? inHash;
  if (text === null) return;
  if (isAddress(text, { strict: false }) && !/^0x0{40}$/i.test(text)) {
    cart.referrer = getAddress(text);
    return;
  }
  const bad = notice("warning", `The referrer in this page's address (${text.slice(0, 60)}) is not an address: it is ignored.`);
  bad.classList.add("bad-referrer");
  main.before(bad);
}

async function start() {
  readReferrer();
  cartLink();
  try {
    await load();
  } catch (err) {
    show(main, notice("error", `The storefront server does not answer: ${err.message}`));
    return;
  }
  Object.assign(config, shop.status.contracts ?? {}, { market: shop.status.market });
  wallet.expectedChainId = shop.status.chainId;
  onWalletChange(() => {
    walletBar();
    route();
  });
  discover();
  walletBar();
  window.addEventListener("hashchange", route);
  setInterval(reloadRates, 30_000);
  await route();
}

start();
