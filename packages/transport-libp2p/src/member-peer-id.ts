/**
 * The libp2p identity of a member: its PeerId *is* its secp256k1 member key.
 *
 * A member's 32-byte secret (core `generateMemberKeyPair`) is used unchanged as a libp2p secp256k1
 * private key (`@libp2p/crypto` `privateKeyFromRaw`; 32 raw bytes are always secp256k1 there, since
 * raw Ed25519 keys are 64 bytes). The PeerId is then the identity multihash of the protobuf-encoded
 * 33-byte compressed public key (libp2p peer-ids spec), which is the member's public key byte for
 * byte. Noise authenticates that key on every connection, so the remote PeerId of a connection is a
 * proof that the remote holds the member secret.
 */
import { BrightChainError, CoreErrorCode, parsePublicKey, publicKeyOf } from '@brightchain/core';
import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { PeerId, PrivateKey } from '@libp2p/interface';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';

/**
 * The libp2p private key of a member secret, checked to encode the same public key as core's
 * `publicKeyOf`. Internal.
 *
 * @throws BrightChainError `BC_KEY_INVALID` if `secretKey` is not a valid secp256k1 secret
 */
export function memberPrivateKey(secretKey: Uint8Array): PrivateKey {
  const publicKey = publicKeyOf(secretKey);
  const privateKey = privateKeyFromRaw(Uint8Array.from(secretKey));
  if (privateKey.type !== 'secp256k1' || Buffer.compare(privateKey.publicKey.raw, publicKey) !== 0) {
    throw new BrightChainError(
      CoreErrorCode.KEY_INVALID,
      'libp2p derived a different key from the member secret',
      {
        details: { keyType: privateKey.type },
      },
    );
  }
  return privateKey;
}

/**
 * The libp2p PeerId string (base58btc, `16Uiu2…`) of a member public key: the address part after
 * `/p2p/` in a multiaddr.
 *
 * @param publicKey - a 33-byte compressed or 65-byte uncompressed secp256k1 member public key
 * @throws BrightChainError `BC_KEY_INVALID` if `publicKey` is not a valid secp256k1 point
 * @example
 * ```ts
 * const keys = generateMemberKeyPair();
 * const peerId = peerIdForMemberKey(keys.publicKey); // '16Uiu2HAm…'
 * const bootstrap = `/ip4/192.0.2.10/tcp/4001/p2p/${peerId}`;
 * ```
 */
export function peerIdForMemberKey(publicKey: Uint8Array): string {
  return peerIdFromPublicKey(publicKeyFromRaw(parsePublicKey(publicKey))).toString();
}

/**
 * The 33-byte compressed member key inside a secp256k1 PeerId, or undefined for any other PeerId
 * (Ed25519, RSA, …), which cannot belong to a member. Internal.
 */
export function memberKeyOfPeerId(peerId: PeerId | string): Uint8Array | undefined {
  let parsed: PeerId;
  try {
    parsed = typeof peerId === 'string' ? peerIdFromString(peerId) : peerId;
  } catch {
    return undefined;
  }
  if (parsed.type !== 'secp256k1' || parsed.publicKey === undefined) return undefined;
  return parsed.publicKey.raw;
}
