import { generateMemberKeyPair, signMessage, verifyMessage } from '@brightchain/core';
it('signs and verifies with domain separation', () => {
  const k = generateMemberKeyPair();
  const m = new Uint8Array([1, 2, 3]);
  const s = signMessage(k.secretKey, 'brightchain/test/v1', m);
  expect(s.length).toBe(64);
  expect(verifyMessage(k.publicKey, 'brightchain/test/v1', m, s)).toBe(true);
  expect(verifyMessage(k.publicKey, 'brightchain/test/v2', m, s)).toBe(false);
});
