/** The number domains moved to src/domains.ts (below the accountants, which share them); re-exported here. */
export * from '../domains.js';
