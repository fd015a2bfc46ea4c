// Numbers as people read them. USD amounts carry 8 decimals on chain (bazaar/settings.py USD).
import { formatUnits, parseUnits } from "viem";

export const USD_DECIMALS = 8;
export const BPS = 10_000n;

export function usd(amount) {
  const text = formatUnits(BigInt(amount), USD_DECIMALS);
  const [whole, fraction = ""] = text.split(".");
  const cents = (fraction + "00").slice(0, 2);
  return `$${BigInt(whole).toLocaleString("en-US")}.${cents}`;
}

export function parseUsd(text) {
  const clean = String(text).trim().replace(/^\$/, "");
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) throw new Error(`"${text}" is not a dollar amount like 12.50`);
  return parseUnits(clean, USD_DECIMALS);
}

/** A token amount with its symbol, at most `digits` significant decimals. */
export function tokenAmount(amount, token, digits = 8) {
  if (!token) return String(amount);
  let text = formatUnits(BigInt(amount), token.decimals);
  if (text.includes(".")) {
    const [whole, fraction] = text.split(".");
    text = `${whole}.${fraction.slice(0, digits)}`.replace(/\.?0+$/, "");
  }
  return `${text} ${token.symbol}`;
}

/** Unix seconds as the viewer's local date and time, with the zone. */
export function localTime(seconds) {
  if (seconds === null || seconds === undefined) return "none";
  return new Date(Number(seconds) * 1000).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

export function shortAddress(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : "";
}

export function stars(sum, count) {
  if (!count) return "no reviews yet";
  const mean = Number(sum) / Number(count);
  return `★ ${mean.toFixed(1)} (${count} review${Number(count) === 1 ? "" : "s"})`;
}

export const POINT_DECIMALS = 18;

/** Reward points (18 decimals) as bazaar/units.py format_points writes them: "1000.5 points". */
export function points(units) {
  return `${formatUnits(BigInt(units), POINT_DECIMALS)} points`;
}

/** A points amount typed by the member, refused in bazaar/units.py parse_amount's words. */
export function parsePoints(text) {
  const what = "points amount";
  const raw = String(text).trim().replaceAll("_", "");
  if (/^-/.test(raw) && /^-\d*\.?\d+$/.test(raw)) throw new Error(`${what} '${text}' is negative`);
  const shape = raw.match(/^\+?(\d*)(?:\.(\d*))?$/);
  if (!raw || !shape || !(shape[1] + (shape[2] ?? ""))) throw new Error(`${what} '${text}' is not a number (expected e.g. 12.34)`);
  const fraction = (shape[2] ?? "").replace(/0+$/, "");
  if (fraction.length > POINT_DECIMALS) throw new Error(`${what} '${text}' has more than ${POINT_DECIMALS} decimals`);
  return parseUnits(`${shape[1] || "0"}.${fraction || "0"}`, POINT_DECIMALS);
}

/** A token amount typed by the user ("0.5"), in the token's units; refuses what is not one. */
export function parseToken(text, token, what = "amount") {
  const clean = String(text).trim();
  if (!/^\d*\.?\d+$|^\d+\.$/.test(clean)) throw new Error(`The ${what} "${text}" is not a ${token.symbol} amount like 0.5.`);
  const fraction = clean.split(".")[1] ?? "";
  if (fraction.length > token.decimals) throw new Error(`The ${what} "${text}" has more than ${token.decimals} decimals (${token.symbol}).`);
  return parseUnits(clean.endsWith(".") ? clean.slice(0, -1) : clean, token.decimals);
}
