import type { Request } from 'express';
import { clientAddress } from './client-address';

describe('clientAddress', () => {
  const of = (ip: string) => clientAddress({ ip } as Request);
  it('keeps IPv4 addresses, unwrapping IPv4-mapped IPv6', () => {
    expect(of('203.0.113.9')).toBe('203.0.113.9');
    expect(of('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
  it('counts IPv6 clients by their /64', () => {
    expect(of('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(of('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(of('2001:0db8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(of('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(of('::1')).toBe('0:0:0:0::/64');
  });
});
