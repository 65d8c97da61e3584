/** Jest runs the TypeScript sources directly through ts-jest in ESM mode. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: { isolatedModules: true, module: 'NodeNext', moduleResolution: 'NodeNext', types: ['node', 'jest'] } },
    ],
  },
  testTimeout: 120000,
  // jest's default is (cores - 1), one worker on a 2-core machine; the heavy files' arithmetic runs in child
  // processes (test/helpers/plainNode.ts) and the rest is light, so two workers keep both cores busy
  maxWorkers: 2,
};
