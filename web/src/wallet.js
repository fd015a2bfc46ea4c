// The browser wallet: found by EIP-6963 discovery, spoken to by EIP-1193. The page follows
// the wallet's account and chain as they change, and asks to switch when the chain is wrong.
import { createPublicClient, createWalletClient, custom, defineChain, getAddress } from "viem";

const listeners = new Set();

export const wallet = {
  providers: [], // EIP-6963 announcements: {info: {uuid, name, icon, rdns}, provider}
  chosen: null, // the announcement in use
  account: null, // checksummed, once connected
  chainId: null, // the wallet's, as a number
  expectedChainId: null, // the marketplace's (from the server)
  error: null,
};

export function onWalletChange(fn) {
  listeners.add(fn);
}

function changed() {
  for (const fn of listeners) fn(wallet);
}

/** Starts listening for wallets and asks the page's wallets to announce themselves. */
export function discover() {
  window.addEventListener("eip6963:announceProvider", (event) => {
    const detail = event.detail;
    if (!detail?.info?.uuid || typeof detail.provider?.request !== "function") return;
    if (wallet.providers.some((p) => p.info.uuid === detail.info.uuid)) return;
    wallet.providers.push(detail);
    changed();
  });
  window.dispatchEvent(new Event("eip6963:requestProvider"));
}

export function connected() {
  return Boolean(wallet.chosen && wallet.account);
}

export function onRightChain() {
  return connected() && wallet.chainId === wallet.expectedChainId;
}

function follow(provider) {
  provider.on?.("accountsChanged", (accounts) => {
    wallet.account = accounts.length ? getAddress(accounts[0]) : null;
    changed();
  });
  provider.on?.("chainChanged", (chainId) => {
    wallet.chainId = Number(chainId);
    changed();
  });
}

/** Asks the wallet `uuid` for its accounts; throws the wallet's refusal. */
export async function connect(uuid) {
  const chosen = wallet.providers.find((p) => p.info.uuid === uuid);
  if (!chosen) throw new Error("that wallet is no longer on the page");
  const accounts = await chosen.provider.request({ method: "eth_requestAccounts" });
  const chainId = await chosen.provider.request({ method: "eth_chainId" });
  if (wallet.chosen !== chosen) follow(chosen.provider);
  wallet.chosen = chosen;
  wallet.account = accounts.length ? getAddress(accounts[0]) : null;
  wallet.chainId = Number(chainId);
  changed();
}

export async function switchChain() {
  await wallet.chosen.provider.request({
    method: "wallet_switchEthereumChain",
    params: [{ chainId: `0x${wallet.expectedChainId.toString(16)}` }],
  });
  wallet.chainId = Number(await wallet.chosen.provider.request({ method: "eth_chainId" }));
  changed();
}

export function chain() {
  return defineChain({
    id: wallet.expectedChainId,
    name: `chain ${wallet.expectedChainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
}

/** Reads through the wallet's node (the chain's answer, not the server's). */
export function reader() {
  return createPublicClient({ chain: chain(), transport: custom(wallet.chosen.provider) });
}

export function signer() {
  return createWalletClient({
    account: wallet.account,
    chain: chain(),
    transport: custom(wallet.chosen.provider),
  });
}
