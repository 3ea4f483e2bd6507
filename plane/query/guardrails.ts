/**
 * AI-gateway guardrails (`guardrails.input|output`: `pii {behavior}`, `safety`, `invalid_keywords`, `valid_topics`)
 * applied to query text. Detection is the plane's own stand-in, deterministic and documented:
 * - **PII**: e-mail addresses, phone numbers (10+ digits), credit-card numbers (13–19 digits passing Luhn), US SSNs and
 *   IPv4 addresses. `BLOCK` refuses the request (or response); `MASK` replaces each finding with `[<TYPE>]`.
 * - **safety**: a short list of clearly harmful requests (weapons, self-harm, …) is refused.
 * - **invalid_keywords**: case-insensitive string matching, as the API describes it.
 * - **valid_topics**: the text is on topic when it mentions a topic or one of its words; otherwise it is refused.
 * A refusal is 400 `BAD_REQUEST` naming the guardrail, never echoing the matched text.
 */
import type * as s from "@databricks/sdk-experimental/dist/apis/serving/model";
import { PlaneError } from "../errors";

type Params = s.AiGatewayGuardrailParameters;
export type Side = "input" | "output";

const PII: readonly { type: string; pattern: RegExp; check?: (m: string) => boolean }[] = [
  { type: "EMAIL_ADDRESS", pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  { type: "CREDIT_CARD", pattern: /\b(?:\d[ -]?){12,18}\d\b/g, check: luhn },
  { type: "US_SSN", pattern: /\b\d{3}-\d{2}-\d{4}\b/g },
  { type: "PHONE_NUMBER", pattern: /(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}[ .-]\d{3,4}[ .-]\d{3,4}\b/g, check: (m) => m.replace(/\D/g, "").length >= 10 },
  { type: "IP_ADDRESS", pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g },
];

function luhn(m: string): boolean {
  const digits = m.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** PII types found in a text. */
export function findPii(text: string): string[] {
  const found = new Set<string>();
  for (const d of PII) for (const m of text.matchAll(d.pattern)) if (!d.check || d.check(m[0])) found.add(d.type);
  return [...found];
}

export function maskPii(text: string): string {
  let out = text;
  for (const d of PII) out = out.replace(d.pattern, (m) => (!d.check || d.check(m) ? `[${d.type}]` : m));
  return out;
}

const UNSAFE = /\b(?:how (?:do i|to) (?:make|build) (?:a )?(?:bomb|explosive|nerve agent|bioweapon)|kill (?:myself|yourself|them all)|self[- ]harm|synthesi[sz]e (?:meth|sarin|ricin))\b/i;

function blocked(side: Side, why: string): PlaneError {
  return new PlaneError(400, "BAD_REQUEST", `${side === "input" ? "Input" : "Output"} guardrail triggered: ${why}; the ${side === "input" ? "request" : "response"} was blocked.`);
}

function onTopic(text: string, topics: readonly string[]): boolean {
  const t = text.toLowerCase();
  return topics.some((topic) => {
    const lower = topic.toLowerCase().trim();
    if (lower !== "" && t.includes(lower)) return true;
    return lower.split(/[^\p{L}\p{N}]+/u).some((w) => w.length > 2 && new RegExp(`\\b${w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "i").test(t));
  });
}

/**
 * Apply one side's guardrails to the texts of a request or response: throws when a rule blocks, otherwise returns the
 * texts (masked where PII is MASKed). `texts` are the user-visible strings (message contents, prompts, inputs).
 */
export function applyGuardrails(params: Params | undefined, side: Side, texts: string[]): string[] {
  if (!params) return texts;
  const all = texts.join("\n");
  if (params.safety && UNSAFE.test(all)) throw blocked(side, "the safety filter flagged unsafe content");
  for (const k of params.invalid_keywords ?? []) {
    if (k !== "" && all.toLowerCase().includes(k.toLowerCase())) throw blocked(side, "an invalid keyword was found");
  }
  if (params.valid_topics && params.valid_topics.length > 0 && all.trim() !== "" && !onTopic(all, params.valid_topics)) {
    throw blocked(side, `the content is not about the allowed topics (${params.valid_topics.join(", ")})`);
  }
  const behavior = params.pii?.behavior;
  if (behavior === "BLOCK") {
    const pii = findPii(all);
    if (pii.length > 0) throw blocked(side, `personally identifiable information detected (${pii.join(", ")})`);
  }
  if (behavior === "MASK") return texts.map(maskPii);
  return texts;
}

/** Whether the request or response log must be masked: any PII guardrail means payloads are stored masked. */
export function masksLogs(g: s.AiGatewayConfig | undefined): boolean {
  const b = (p: Params | undefined) => p?.pii?.behavior === "BLOCK" || p?.pii?.behavior === "MASK";
  return b(g?.guardrails?.input) || b(g?.guardrails?.output);
}
