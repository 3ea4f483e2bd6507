// @ts-check
import { h, replace } from "./dom.js";

/**
 * Sign-in: the usual way is the one-time link `dbserve ui` prints; pasting a token works too (a non-admin user's
 * token shows that user's view). Nothing about the workspace is shown before sign-in.
 * @param {HTMLElement} main
 * @param {string | undefined} message
 * @param {(body: { token: string }) => Promise<void>} submit
 */
export function renderLogin(main, message, submit) {
  const input = /** @type {HTMLInputElement} */ (
    h("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "token-help" })
  );
  const error = h("p", { id: "login-error", class: "error", role: "alert" }, message ?? "");
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "primary" }, "Sign in"));
  const form = h(
    "form",
    {
      class: "card login",
      "aria-labelledby": "login-title",
      onsubmit: async (/** @type {SubmitEvent} */ e) => {
        e.preventDefault();
        button.disabled = true;
        error.textContent = "";
        try {
          await submit({ token: input.value.trim() });
        } catch (err) {
          error.textContent = String(/** @type {Error} */ (err).message);
          input.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
    h("h1", { id: "login-title" }, "Sign in to the Serving page"),
    h("p", null, "Run ", h("code", null, "dbserve ui"), " and open the link it prints: it signs this browser in once."),
    h("label", { for: "token" }, "Access token"),
    input,
    h("p", { id: "token-help", class: "hint" }, "Or paste a token of this plane (dapi…). It is exchanged for a browser session and not stored by the page."),
    button,
    error,
  );
  replace(main, form);
  input.focus();
}
