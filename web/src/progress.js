// A pending transaction's progress, shown where the action was taken.
import { h, notice, show } from "./dom.js";
import { Refused, reason } from "./chain.js";

/** Runs `action(progress)` showing its steps in `box`; true when it succeeded. */
export async function run(box, action, done = "Done.") {
  const line = h("p", { class: "notice info progress", role: "status" });
  show(box, line);
  let last = null;
  const progress = (text, hash) => {
    last = hash ?? last;
    line.replaceChildren(text, last ? h("code", { class: "tx" }, ` ${last}`) : "");
  };
  try {
    await action(progress);
    line.className = "notice ok progress";
    line.replaceChildren(done, last ? h("code", { class: "tx" }, ` ${last}`) : "");
    return true;
  } catch (err) {
    show(box, notice("error", err instanceof Refused ? err.message : await reason(err)));
    return false;
  }
}
