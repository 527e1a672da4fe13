/**
 * One jest run for everything: unit specs beside the code (*.spec.ts) and integration suites under
 * test/ (*.int-spec.ts) that talk to real Postgres and Redis. Each integration suite creates its own
 * database (test/utils/test-db.ts), so suites run in parallel without seeing each other.
 */
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.$schema;
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  testMatch: [
    '<rootDir>/libs/**/*.spec.ts',
    '<rootDir>/apps/*/src/**/*.spec.ts',
    '<rootDir>/test/**/*.int-spec.ts',
    '<rootDir>/test/architecture/**/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/apps/console/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', swc],
    // console components rendered in a suite (react-dom/server), e.g. test/architecture/fixture-channel
    '^.+\\.tsx$': [
      '@swc/jest',
      { ...swc, jsc: { ...swc.jsc, parser: { ...swc.jsc.parser, tsx: true }, transform: { ...swc.jsc.transform, react: { runtime: 'automatic' } } } },
    ],
  },
  moduleNameMapper: {
    '^@app/(common|domain|persistence|channels|media|compliance|stats|review|imports|composition)$': '<rootDir>/libs/$1/src',
    '^@app/(common|domain|persistence|channels|media|compliance|stats|review|imports|composition)/(.*)$': '<rootDir>/libs/$1/src/$2',
    '^@app/channel-sim/(.*)$': '<rootDir>/apps/channel-sim/src/$1',
    '^@app/test/(.*)$': '<rootDir>/test/$1',
  },
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/utils/summary-reporter.js'],
  // A safety net for a hung test, not a performance bound: a browser flow (sign in, write, preview for
  // every channel, submit) took over 60 s beside two busy loops and a second suite on 2 cores.
  testTimeout: 180000,
  maxWorkers: 2,
};
