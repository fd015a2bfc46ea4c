// The delivery-details parts of the pages: a seller's or arbiter's key, the address field of a
// checkout, and an order's details (sent or not; opened by the seller or the arbiter).
import { field, h, notice, show } from "../dom.js";
import { detailsOf, myKey, openDetails, PROFILE_SCHEMA, publicKeyHex, publishedKey, sendDetails, uploadDocument } from "../delivery.js";
import { run } from "../progress.js";
import { shop } from "../state.js";
import { wallet } from "../wallet.js";

const facts = () => [shop.status.chainId, shop.status.market];

/** "My delivery-details key": publish the key buyers seal addresses to. */
export function keyPanel() {
  const name = h("input", { name: "profile-name", placeholder: "Shop or arbiter name", maxlength: 80, required: true });
  const state = h("p", { class: "key-state" }, "Looking for your published key…");
  const status = h("div", { class: "status" });
  const refresh = async () => {
    const key = await publishedKey(wallet.account);
    state.replaceChildren(key ? `Published: ${key.slice(0, 18)}…` : "Not published yet: buyers cannot send you a shipping address.");
  };
  refresh();
  return h(
    "section",
    { class: "keys" },
    h("h3", {}, "Delivery-details key"),
    h("p", { class: "explain" }, "Buyers seal their shipping address to this key in their browser; only your wallet can remake it. The server and the chain never see an address."),
    state,
    h(
      "form",
      {
        class: "action publish-key",
        onsubmit: async (e) => {
          e.preventDefault();
          const ok = await run(
            status,
            async (progress) => {
              progress("Sign the key text in your wallet (this makes your key; it sends nothing)…");
              const key = await myKey(...facts());
              progress("Sign the upload of your profile…");
              await uploadDocument({ schema: PROFILE_SCHEMA, account: wallet.account, name: name.value.trim(), encryptionPublicKey: publicKeyHex(key) });
            },
            "Key published.",
          );
          if (ok) refresh();
        },
      },
      field("Name", name),
      h("button", { type: "submit" }, "Publish my key"),
    ),
    status,
  );
}

/** The checkout's address field (physical goods). */
export function addressField() {
  return field(
    "Delivery address",
    h("textarea", { name: "address", rows: 3, maxlength: 1000, placeholder: "Name, street, city, postcode, country" }),
    "Sealed in your browser to the seller and the arbiter: the server and the chain never see it.",
  );
}

/**
 * After a paid checkout: the address sealed to the order's seller (and arbiter, when it has a
 * key), as the receipt's terms name them.
 */
export async function sendAddress(orderId, { buyer, seller, arbiter }, text, progress) {
  progress("Sealing your address to the seller…");
  const sellerKey = await publishedKey(seller);
  if (!sellerKey) throw new Error("The seller has no delivery key yet; your address was not sent. Use their contact.");
  const recipients = [{ to: seller, key: sellerKey }];
  const arbiterKey = await publishedKey(arbiter);
  if (arbiterKey) recipients.push({ to: arbiter, key: arbiterKey });
  progress("Sign the upload of your sealed address…");
  await sendDetails(orderId, buyer, text, recipients);
  return recipients.length;
}

/** An order's delivery details line: sent or not; the seller and the arbiter may open them. */
export function detailsLine(order, role) {
  const line = h("div", { class: "delivery" }, "Delivery details: …");
  detailsOf(order.orderId).then(
    (doc) => {
      if (!doc) {
        show(line, `Delivery details: ${role === "buyer" ? "not sent" : "none sent by the buyer"}`);
        return;
      }
      if (role === "buyer") {
        show(line, `Delivery details: sent, sealed to ${doc.sealed.length === 2 ? "the seller and the arbiter" : "the seller"}`);
        return;
      }
      const out = h("div", { class: "status" });
      show(
        line,
        "Delivery details: sent. ",
        h(
          "button",
          {
            type: "button",
            class: "open-details",
            onclick: async () => {
              try {
                show(out, h("p", { class: "address" }, await openDetails(doc, order, ...facts())));
              } catch (err) {
                show(out, notice("error", err.message));
              }
            },
          },
          "Open",
        ),
        out,
      );
    },
    (err) => show(line, notice("warning", `Delivery details: ${err.message}`)),
  );
  return line;
}
