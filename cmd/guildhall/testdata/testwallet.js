// An EIP-1193 test wallet for the dashboard's browser tests, injected before the page's own
// scripts. It announces itself through EIP-6963 and as window.ethereum, holds one account (set by
// the test in window.__testWalletConfig) and hands every signature to the Go test through the
// guildhallWalletSign binding; the test signs with the account's dev key and calls resolve.
(() => {
  if (!/^https?:$/.test(location.protocol)) return; // about:blank between pages has no storage
  const cfg = window.__testWalletConfig;
  const listeners = {};
  const pending = new Map();
  // Like a real wallet, it remembers (for the tab) the chains added and the one it is on.
  const saved = JSON.parse(sessionStorage.getItem("__testWallet") || "null") || { chainId: cfg.chainId, known: [cfg.chainId] };
  const known = new Set(saved.known); // chains the wallet can switch to without adding
  let chainId = saved.chainId;
  const save = () => sessionStorage.setItem("__testWallet", JSON.stringify({ chainId, known: [...known] }));
  let next = 1;
  const emit = (ev, arg) => (listeners[ev] || []).forEach((fn) => fn(arg));
  const fail = (code, message) => Object.assign(new Error(message), { code });
  const wallet = {
    calls: [],
    reject: false,
    resolve(id, result, error) {
      const p = pending.get(id);
      pending.delete(id);
      if (error) p.reject(fail(-32603, error));
      else p.resolve(result);
    },
  };
  const sign = (method, params) => new Promise((resolve, reject) => {
    if (wallet.reject) return reject(fail(4001, "User rejected the request."));
    const id = next++;
    pending.set(id, { resolve, reject });
    window.guildhallWalletSign(JSON.stringify({ id, method, params }));
  });
  const provider = {
    isGuildhallTestWallet: true,
    async request({ method, params }) {
      wallet.calls.push(method);
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [cfg.account];
        case "eth_chainId":
          return "0x" + chainId.toString(16);
        case "wallet_switchEthereumChain": {
          const want = parseInt(params[0].chainId, 16);
          if (!known.has(want)) throw fail(4902, "Unrecognized chain ID. Try adding the chain using wallet_addEthereumChain first.");
          chainId = want;
          save();
          emit("chainChanged", params[0].chainId);
          return null;
        }
        case "wallet_addEthereumChain": {
          const want = parseInt(params[0].chainId, 16);
          if (!params[0].rpcUrls || !params[0].rpcUrls.length) throw fail(-32602, "rpcUrls is required");
          known.add(want);
          chainId = want;
          save();
          emit("chainChanged", params[0].chainId);
          return null;
        }
        case "personal_sign":
        case "eth_sendTransaction": // sent by the test with the account's dev key
        case "eth_signTypedData_v4":
          return sign(method, params);
        default:
          throw fail(4200, `The test wallet does not support ${method}`);
      }
    },
    on(ev, fn) {
      (listeners[ev] = listeners[ev] || []).push(fn);
    },
    removeListener(ev, fn) {
      listeners[ev] = (listeners[ev] || []).filter((f) => f !== fn);
    },
  };
  window.__testWallet = wallet;
  window.ethereum = provider;
  const info = Object.freeze({
    uuid: "7f6a5c1e-0c1d-4c6e-9a59-3d0b1b2e4f11", name: "Guildhall Test Wallet", rdns: "org.guildhall.testwallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'%3E%3Crect width='8' height='8'/%3E%3C/svg%3E",
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();
