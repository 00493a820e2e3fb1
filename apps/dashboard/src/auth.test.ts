import { describe, expect, it } from 'vitest';
import { assertSafeBinding, authFromConfig, checkBasicAuth, isLoopback } from './auth.ts';

const basic = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

describe('basic auth', () => {
  const auth = { user: 'curator', password: 'p:ss' };

  it('accepts the configured credentials only', () => {
    expect(checkBasicAuth(basic('curator:p:ss'), auth)).toBe(true);
    expect(checkBasicAuth(basic('curator:wrong'), auth)).toBe(false);
    expect(checkBasicAuth(basic('other:p:ss'), auth)).toBe(false);
    expect(checkBasicAuth(basic('nocolon'), auth)).toBe(false);
    expect(checkBasicAuth(undefined, auth)).toBe(false);
    expect(checkBasicAuth('Bearer x', auth)).toBe(false);
  });

  it('needs both variables or neither', () => {
    expect(authFromConfig({})).toBeNull();
    expect(authFromConfig({ DASHBOARD_USER: 'u', DASHBOARD_PASSWORD: 'p' })).toEqual({ user: 'u', password: 'p' });
    expect(() => authFromConfig({ DASHBOARD_USER: 'u' })).toThrow(/both/);
  });

  it('refuses a public address without credentials', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(() => assertSafeBinding('0.0.0.0', null)).toThrow(/DASHBOARD_USER/);
    expect(() => assertSafeBinding('0.0.0.0', auth)).not.toThrow();
    expect(() => assertSafeBinding('127.0.0.1', null)).not.toThrow();
  });
});
