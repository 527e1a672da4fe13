/**
 * The layering of the monorepo, checked by `npm run lint:deps` (part of `npm run lint`, run by CI):
 *
 *   common ← domain ← persistence ← features (channels, media, compliance, stats, review, imports) ← composition ← apps
 *
 * An arrow points from what is imported to who imports it: a layer may import itself and the layers to
 * its left, never to its right. Features may import each other as long as no two libraries import each
 * other, directly or round about (no-library-cycle; no-circular is the same per module). apps never import apps (apps/dev, which starts the api, the worker and
 * the simulators in one process, is the exception), specs beside library code import neither apps nor
 * test/ (integration suites live under test/ and may import anything), and the console imports only the
 * pure-TypeScript parts of libs/common. See README.md, "Layering".
 */
const LIB = (names) => `^libs/(${names})/src/`;
const FEATURES = 'channels|media|compliance|stats|review|imports';

/** A layer's files may import only `allowed` (plus packages and node built-ins). */
function layer(name, from, allowed) {
  return {
    name: `layer-${name}`,
    severity: 'error',
    comment: `${name} may import only ${allowed.join(', ')} (see the layering at the top of .dependency-cruiser.cjs)`,
    from: { path: from },
    to: { path: '^(libs|apps|test|bench|scripts)/', pathNot: allowed.map((a) => `^${a}`) },
  };
}

module.exports = {
  forbidden: [
    layer('common', '^libs/common/src/', ['libs/common/src/']),
    layer('domain', '^libs/domain/src/', ['libs/(common|domain)/src/']),
    layer('persistence', '^libs/persistence/src/', ['libs/(common|domain|persistence)/src/']),
    layer('features', LIB(FEATURES), [`libs/(common|domain|persistence|${FEATURES})/src/`]),
    layer('composition', '^libs/composition/src/', ['libs/']),
    {
      name: 'lib-spec-imports-app-or-test',
      severity: 'error',
      comment: 'a spec beside library code tests the library alone; suites that need apps, simulators or test/ utilities live under test/',
      from: { path: '^libs/.+\\.spec\\.ts$' },
      to: { path: '^(apps|test|bench|scripts)/' },
    },
    {
      name: 'app-imports-app',
      severity: 'error',
      comment: 'apps are composed from libraries; one app never imports another (apps/dev, which starts the others in one process, excepted)',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/(dev|console)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'dev-imports-app-entry-only',
      severity: 'error',
      comment: 'apps/dev starts the api, the worker and the simulators through their factories, and reaches no further into them',
      from: { path: '^apps/dev/' },
      to: { path: '^apps/(?!dev/)', pathNot: '^apps/(api/src/api-app|worker/src/worker-app|channel-sim/src/channel-sim)\\.ts$' },
    },
    {
      name: 'console-imports-shared-code-only',
      severity: 'error',
      comment: "the console is a browser bundle: it shares types and pure TypeScript with libs/ and the API's *.types.ts, nothing else",
      from: { path: '^apps/console/' },
      to: { path: '^(libs|apps|test|bench|scripts)/', pathNot: ['^apps/console/', '^libs/[^/]+/src/', '^apps/api/src/.+\\.types\\.ts$'] },
    },
    {
      name: 'production-imports-test-code',
      severity: 'error',
      comment: 'production code never imports test/, bench/ or scripts/',
      from: { path: '^(libs|apps)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles between modules at run time (a cycle through a type-only import costs nothing at run time)',
      from: { path: '^(libs|apps)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-library-cycle',
      severity: 'error',
      scope: 'folder',
      comment: 'two libraries never import each other, directly or round about (features may use each other one way only)',
      from: { path: '^libs/[^/]+/src$' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import that resolves to nothing (a typo in a path alias, a missing package)',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
