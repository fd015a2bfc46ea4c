// The storefront server (bazaar serve): its read API, the catalogue, and revert sentences.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // a proxy's HTML error page, say
  }
  if (!response.ok) {
    throw new ApiError(response.status, body?.error ?? `the server answered ${response.status}`);
  }
  return body;
}

export async function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const url = query.size ? `${path}?${query}` : path;
  return answer(await fetch(url, { headers: { Accept: "application/json" } }));
}

/** Raw bytes of a stored document or image (checked by the caller against its hash). */
export async function bytes(path) {
  const response = await fetch(path);
  if (!response.ok) await answer(response);
  return new Uint8Array(await response.arrayBuffer());
}

/** Uploads `body` (a document or an image) signed by `uploader`. */
export async function upload(kind, body, contentType, uploader, signature) {
  const response = await fetch(`/api/${kind}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": contentType,
      "X-Bazaar-Uploader": uploader,
      "X-Bazaar-Signature": signature,
    },
  });
  return answer(response);
}

/** The CLI's sentence for revert data (bazaar/errors.py, through the server). */
export async function explain(data) {
  const response = await fetch("/api/explain", {
    method: "POST",
    body: JSON.stringify({ data }),
    headers: { "Content-Type": "application/json" },
  });
  return (await answer(response)).sentence;
}

/** Publishes a signed offer (its JSON) into the server's index: {offerHash, published}. */
export async function publishOffer(json) {
  const response = await fetch("/api/offers", {
    method: "POST",
    body: JSON.stringify(json),
    headers: { "Content-Type": "application/json" },
  });
  return answer(response);
}
