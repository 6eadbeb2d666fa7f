// ESLint flat config. STYLE: the top-level folder names the runtime, and these rules keep each
// folder to the imports its runtime allows. Formatting belongs to Prettier: no formatting rules here.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];

/** Our top-level source folders (assets/ holds no code). */
const FOLDERS = [
  'main',
  'preload',
  'renderer',
  'bridge',
  'client',
  'engine',
  'cli',
  'test',
  'scripts',
  'bin',
  'examples',
];

/** Every folder of ours except `self` and `allowed`, as paths for `import-x/no-restricted-paths`. */
const othersThan = (self, ...allowed) =>
  FOLDERS.filter((f) => f !== self && !allowed.includes(f)).map((f) => `./${f}`);

/** main/ and cli/ may reach into engine/ only through engine/host.ts. */
const engineExceptHost = (target) => ({
  target: `./${target}`,
  from: './engine',
  except: ['./host.ts'],
  message: `${target}/ may import only engine/host.ts from engine/.`,
});

// Relative imports end in `.ts`, so plain file resolution finds them.
const resolver = createNodeResolver({
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json', '.node'],
});

/**
 * `import-x/no-restricted-paths` has no option to let `import type` through, so the renderer zone
 * goes through this wrapper, which drops reports on type-only imports and exports (erased at build
 * time under verbatimModuleSyntax). `import { type A }` is NOT type-only: it stays a runtime import.
 */
const baseRestrictedPaths = importX.rules['no-restricted-paths'];
const isTypeOnly = (node) => {
  const parent = node?.parent;
  if (!parent) return false;
  if (parent.type === 'ImportDeclaration') return parent.importKind === 'type';
  if (parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportAllDeclaration') {
    return parent.exportKind === 'type';
  }
  return false;
};
const restrictedValuePaths = {
  meta: {
    ...baseRestrictedPaths.meta,
    docs: { description: 'no-restricted-paths, type-only imports exempt' },
  },
  defaultOptions: baseRestrictedPaths.defaultOptions,
  create(context) {
    const filtered = Object.create(context, {
      report: {
        value: (descriptor) => {
          if (!isTypeOnly(descriptor.node)) context.report(descriptor);
        },
      },
    });
    return baseRestrictedPaths.create(filtered);
  },
};

const NODE_BUILTINS = {
  patterns: [{ group: ['node:*'], message: 'This runtime has no Node.js built-ins.' }],
  paths: builtinModules
    .filter((m) => !m.startsWith('_'))
    .map((name) => ({ name, message: 'This runtime has no Node.js built-ins.' })),
};
const NO_ELECTRON = {
  name: 'electron',
  message: 'Only main/ and preload/ may import electron.',
};

/** Node.js globals for the plain-JS files (scripts/, bin/, this config); TS gets them from @types/node. */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextEncoder',
    'TextDecoder',
    'AbortController',
    'AbortSignal',
    'structuredClone',
    'fetch',
    'queueMicrotask',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
  ].map((g) => [g, 'readonly']),
);

export default defineConfig([
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/out/',
    '**/release/',
    '**/test-results/',
    '**/coverage/',
    '**/.vite/',
  ]),

  js.configs.recommended,
  tseslint.configs.strict,

  {
    plugins: {
      'import-x': importX,
      vault: { rules: { 'no-restricted-value-paths': restrictedValuePaths } },
    },
    settings: { 'import-x/resolver-next': [resolver] },
    rules: {
      // We use noUncheckedIndexedAccess; `!` is how a checked index is asserted.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `void` as a call's type argument (the bridge's `channel<Input, void>(...)` table) is fine.
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],

      // Import boundaries between the runtimes (see STYLE.md). Paths are from the repo root.
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            // renderer/ and client/: enforced by vault/no-restricted-value-paths below.
            {
              target: './preload',
              from: othersThan('preload', 'bridge'),
              message: 'preload/ may import only bridge/ (and electron).',
            },
            {
              target: './main',
              from: othersThan('main', 'bridge', 'client', 'engine'),
              message: 'main/ may import only bridge/, client/ and engine/host.ts.',
            },
            engineExceptHost('main'),
            // bridge/ is plain TypeScript any runtime can load; the CLI shares its wording table.
            {
              target: './cli',
              from: othersThan('cli', 'client', 'engine', 'bridge'),
              message: 'cli/ may import only client/, bridge/ and engine/host.ts.',
            },
            engineExceptHost('cli'),
            {
              target: './engine',
              from: othersThan('engine'),
              message: 'engine/ may import nothing outside engine/.',
            },
            {
              target: './bridge',
              from: othersThan('bridge'),
              message: 'bridge/ may import nothing of ours.',
            },
            {
              // A third party's application: it stands alone (README there), on Node only.
              target: './examples',
              from: othersThan('examples'),
              message: 'examples/ may import nothing of ours: an example runs on its own.',
            },
            // test/, scripts/ and bin/ may import anything.
          ],
        },
      ],
      'vault/no-restricted-value-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: './renderer',
              from: othersThan('renderer', 'bridge'),
              message: 'renderer/ may import only bridge/ (`import type` is exempt).',
            },
            // Types may cross (STYLE 1): the client names the engine's device bundle type.
            {
              target: './client',
              from: othersThan('client', 'bridge'),
              message: 'client/ may import only bridge/ of ours (`import type` is exempt).',
            },
          ],
        },
      ],

      // Only main/ and preload/ (and test/) may import electron; narrowed per folder below.
      'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }],
    },
  },

  // Type-aware rules, TypeScript files only; everything else is type-free and fast.
  {
    files: TS,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },

  {
    files: JS,
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },

  // Runtime-specific import bans. Each block restates the whole option (flat config replaces it).
  {
    files: ['renderer/**', 'bridge/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...NODE_BUILTINS.paths, NO_ELECTRON], patterns: NODE_BUILTINS.patterns },
      ],
    },
  },
  {
    files: ['preload/**'],
    rules: { 'no-restricted-imports': ['error', NODE_BUILTINS] },
  },
  {
    files: ['main/**', 'test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },

  // The renderer reaches the main process only through renderer/api.ts.
  {
    files: ['renderer/**'],
    ignores: ['renderer/api.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'vault', message: 'Use renderer/api.ts, not window.vault.' },
        {
          object: 'globalThis',
          property: 'vault',
          message: 'Use renderer/api.ts, not globalThis.vault.',
        },
      ],
    },
  },

  // test/ may import anything.
  {
    files: ['test/**'],
    rules: {
      'import-x/no-restricted-paths': 'off',
      'vault/no-restricted-value-paths': 'off',
    },
  },
]);
