// ESLint (flat config) with typescript-eslint's recommended rules, without type information (seconds, not minutes).
// Rules the existing code did not pass when ESLint arrived are warnings for now (listed with their findings then):
// fix the findings, then delete the line so the rule is an error again.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const WARN_FOR_NOW = {
  "no-control-regex": "warn", // plane/catalog/models.ts (1)
  "@typescript-eslint/no-unused-expressions": "warn", // plane/catalog/models.ts (3)
  "preserve-caught-error": "warn", // provider/client/http.ts, provider/resources/model-version.ts (2), tests/plane/harness.ts
  "no-useless-assignment": "warn", // tests/e2e/serving-bad-inputs.test.ts, tests/plane/harness.ts
  "@typescript-eslint/no-explicit-any": "warn", // tests/plane/durability.test.ts (1)
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".tmp/", "coverage/", "**/.pulumi-state/", "**/.dbserve/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        fetch: "readonly",
        URL: "readonly",
        URLSearchParams: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Headers: "readonly",
        AbortController: "readonly",
        structuredClone: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        Response: "readonly",
        Request: "readonly",
        performance: "readonly",
        queueMicrotask: "readonly",
        setImmediate: "readonly",
        AbortSignal: "readonly",
        crypto: "readonly",
      },
    },
    rules: {
      // Unused: provider/residency.ts SERVING_MODES, an import in provider/resources/model-version.ts; then make this "error".
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      ...WARN_FOR_NOW,
    },
  },
  {
    // The serialized provider requires the implementation by the package's name inside each method, by design
    // (see the file's comment): an import would be captured into Pulumi state.
    files: ["provider/shim.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // CommonJS files (jest config, setup scripts, the bin).
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
