import { chooseRip, isPublicIp, normaliseIp } from './weibo-rip';

describe('rip (the real address the post is made from)', () => {
  it('reads addresses as Express records them', () => {
    expect(normaliseIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseIp(' 2001:db8::1 ')).toBe('2001:db8::1');
    expect(normaliseIp('localhost')).toBeNull();
    expect(normaliseIp(undefined)).toBeNull();
  });

  it('tells public addresses from private, loopback and link-local ones', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1'])
      expect(isPublicIp(ip)).toBe(false);
    for (const ip of ['211.156.0.1', '172.32.0.1', '203.0.113.9', '2400:da00::6666']) expect(isPublicIp(ip)).toBe(true);
  });

  it("prefers the approver's public address, then the office's configured one, then the approver's as recorded", () => {
    expect(chooseRip({ approverAddress: '211.156.0.1', configured: '203.0.113.9' })).toBe('211.156.0.1');
    expect(chooseRip({ approverAddress: '10.20.30.40', configured: '203.0.113.9' })).toBe('203.0.113.9');
    expect(chooseRip({ approverAddress: '::ffff:10.20.30.40', configured: null })).toBe('10.20.30.40');
    expect(chooseRip({ approverAddress: null, configured: 'not an ip' })).toBeNull();
  });
});
