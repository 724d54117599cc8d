export * from './errors';
export * from './roles';
export * from './ids';
export * from './documents';
export * from './rest';
export * from './validate';
export * from './events/index';
