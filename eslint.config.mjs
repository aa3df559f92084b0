// ESLint: Next.js's own rules (core web vitals, TypeScript) for the whole
// project; generated code and build output are not ours to lint.
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  { ignores: ["lib/generated/**", ".next/**", "node_modules/**", "test-artifacts/**", "next-env.d.ts", "prisma/**"] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      // The guide: no `any`, no ts-ignore.
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-ignore": true, "ts-expect-error": "allow-with-description" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The stand-ins' servers run as plain CommonJS on the images' own Node.js.
    files: ["test/standins/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
];

export default config;
