// The catalogue: search, filters, sort, pages; each card checked against its hash.
import { get } from "../api.js";
import { field, h, notice, show } from "../dom.js";
import { shortAddress, stars, tokenAmount, usd } from "../format.js";
import { approx, shop } from "../state.js";
import { verifiedDocument, verifiedImage } from "../verify.js";
import { offersSection } from "./offer.js";

const PER_PAGE = 12;

export function parse(params) {
  return {
    q: params.get("q") ?? "",
    token: params.get("token") ?? "",
    seller: params.get("seller") ?? "",
    sort: params.get("sort") ?? "id",
    page: Number(params.get("page") ?? 1) || 1,
  };
}

function href(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v && !(k === "page" && v === 1)) params.set(k, v);
  return `#/?${params}`;
}

/** Fills a card's title and picture once its document is verified. */
export async function fillFromDocument(hash, titleEl, pictureEl, warnEl, descriptionEl) {
  try {
    const doc = await verifiedDocument(hash);
    titleEl.replaceChildren(String(doc.title ?? "(untitled)"));
    if (descriptionEl) descriptionEl.replaceChildren(String(doc.description ?? ""));
    const first = Array.isArray(doc.images) ? doc.images[0] : null;
    if (first && pictureEl) {
      try {
        pictureEl.replaceChildren(h("img", { src: await verifiedImage(first), alt: String(doc.title ?? "") }));
      } catch (err) {
        pictureEl.replaceChildren(notice("warning", err.message));
      }
    }
    return doc;
  } catch (err) {
    titleEl.replaceChildren("(description unavailable)");
    warnEl.replaceChildren(notice("warning", err.message));
    return null;
  }
}

function card(listing) {
  const title = h("h3", { class: "title" }, "…");
  const picture = h("div", { class: "picture" });
  const warn = h("div", { class: "warn" });
  const wbtc = Object.values(shop.tokens).find((t) => t.name === "wbtc");
  const amount = wbtc && listing.tokens.includes(wbtc.address) ? approx(listing.priceUsd, wbtc.address, listing.bufferBps) : null;
  const el = h(
    "a",
    { class: "card", href: `#/listing/${listing.listingId}`, "data-listing": listing.listingId },
    picture,
    title,
    warn,
    h("p", { class: "price" }, usd(listing.priceUsd)),
    h("p", { class: "wbtc" }, amount === null ? "WBTC price unavailable" : `≈ ${tokenAmount(amount, wbtc)}`),
    h("p", { class: "rating" }, stars(listing.sellerRating.sum, listing.sellerRating.reviews)),
    listing.commissionBps > 0 ? h("p", { class: "commission" }, `${listing.commissionBps / 100} % to referrers`) : null,
    h("p", { class: "seller" }, `seller ${shortAddress(listing.seller)}`),
  );
  if (listing.metadataHash && listing.document) {
    fillFromDocument(listing.metadataHash, title, picture, warn);
  } else {
    title.replaceChildren(`Listing ${listing.listingId} (no description on this server)`);
  }
  return el;
}

export async function catalogue(root, query) {
  const search = h("input", { type: "search", name: "q", value: query.q, placeholder: "Search titles", maxlength: 100 });
  const token = h(
    "select",
    { name: "token" },
    h("option", { value: "" }, "any token"),
    Object.values(shop.tokens).map((t) => h("option", { value: t.name, selected: t.name === query.token }, t.symbol)),
  );
  const seller = h("input", { name: "seller", value: query.seller, placeholder: "0x… (any seller)", size: 44 });
  const sort = h(
    "select",
    { name: "sort" },
    [["id", "oldest first"], ["price", "price: low to high"], ["rating", "best rated sellers"]].map(
      ([v, label]) => h("option", { value: v, selected: v === query.sort }, label),
    ),
  );
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = href({ q: search.value.trim(), token: token.value, seller: seller.value.trim(), sort: sort.value, page: 1 });
      },
    },
    field("Search", search),
    field("Pays in", token),
    field("Seller", seller),
    field("Sort", sort),
    h("button", { type: "submit" }, "Search"),
  );
  const results = h("div", { class: "results" }, notice("info", "Loading…"));
  // Signed offers beside the listings: on the first page, for the same seller, token and search.
  const offers = h("section", { class: "offers" });
  show(root, h("h2", {}, "Catalogue"), form, results, offers);
  if (query.page === 1) await offersSection(offers, query);

  let page;
  try {
    page = await get("/api/listings", {
      q: query.q,
      token: query.token,
      seller: query.seller,
      sort: query.sort === "id" ? "" : query.sort,
      page: query.page,
      per_page: PER_PAGE,
    });
  } catch (err) {
    show(results, notice("error", err.message));
    return;
  }
  if (!page.listings.length) {
    show(results, notice("info", query.q ? `Nothing matches “${query.q}”.` : "No listings yet."));
    return;
  }
  const pages = Math.max(1, Math.ceil(page.total / PER_PAGE));
  show(
    results,
    h("p", { class: "count" }, `${page.total} listing${page.total === 1 ? "" : "s"}, page ${page.page} of ${pages}`),
    h("div", { class: "cards" }, page.listings.map(card)),
    h(
      "nav",
      { class: "pages" },
      page.page > 1 ? h("a", { href: href({ ...query, page: page.page - 1 }) }, "← previous") : null,
      page.page < pages ? h("a", { href: href({ ...query, page: page.page + 1 }), rel: "next" }, "next →") : null,
    ),
  );
}
