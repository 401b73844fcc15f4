// Jest runs in native ESM mode (NestJS 12 and MikroORM 7 are ESM-only); SWC strips types
// and emits the decorator metadata Nest's DI needs. See docs/adr/0002-esm-jest-swc.md.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2024',
      keepClassNames: true,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'es6' },
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^#platform/(.*)$': '<rootDir>/libs/platform/src/$1.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Its ESM build imports JSON without an import attribute, which Jest warns about on every suite.
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/apps/*/test/**/*.int.test.ts',
        '<rootDir>/libs/*/test/**/*.int.test.ts',
        '<rootDir>/test/deploy/**/*.int.test.ts',
      ],
    },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'] },
    // The fault suite needs the broker that `npm run test:faults` prepares (FAULTS_KAFKA_DIR); plain `npm test` leaves it out.
    ...(process.env.FAULTS_KAFKA_DIR
      ? [{ ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults.test.ts'] }]
      : []),
  ],
};
