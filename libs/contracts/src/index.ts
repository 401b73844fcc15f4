export * from './topics.js';
export * from './vocabulary.js';
export * from './envelope.js';
export * from './lead-events.js';
export * from './notification-events.js';
export * from './registry.js';
