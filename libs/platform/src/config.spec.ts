import { z } from 'zod';
import { assertProductionSecrets, commonEnv, ConfigError, loadConfig, port } from './config.js';

const schema = z.object({ ...commonEnv, LEADS_PORT: port(3001) });

describe('loadConfig', () => {
  it('applies the defaults of CONTRACT.md', () => {
    const config = loadConfig(schema, {});
    expect(config.LEADS_PORT).toBe(3001);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
  });

  it('splits comma-separated brokers', () => {
    expect(loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9093' }).KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
  });

  it('names every bad variable', () => {
    try {
      loadConfig(schema, { LEADS_PORT: 'eighty', KAFKA_BROKERS: 'nohostport' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('LEADS_PORT');
      expect((error as Error).message).toContain('KAFKA_BROKERS');
    }
  });

  it('refuses the dev JWT secret in production', () => {
    const config = loadConfig(schema, { NODE_ENV: 'production' });
    expect(() => assertProductionSecrets(config)).toThrow('AUTH_JWT_SECRET');
  });
});
