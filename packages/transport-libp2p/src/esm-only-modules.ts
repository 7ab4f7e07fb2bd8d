/**
 * `@chainsafe/libp2p-noise` and `@chainsafe/libp2p-yamux` declare only the `import` condition in their
 * package exports, so `require` cannot resolve them — even on Node ≥ 20.19, where `require` of ES
 * modules works for the rest of js-libp2p. This package ships a CommonJS build too, so it loads these
 * two with a runtime `import()`. The specifiers are held in constants so that the bundler keeps the
 * `import()` instead of rewriting it into a `require` in the CommonJS output.
 */
const NOISE_MODULE = '@chainsafe/libp2p-noise';
const YAMUX_MODULE = '@chainsafe/libp2p-yamux';

/** The connection encrypter and stream muxer factories. */
export interface SecureChannelModules {
  readonly noise: typeof import('@chainsafe/libp2p-noise').noise;
  readonly yamux: typeof import('@chainsafe/libp2p-yamux').yamux;
}

/**
 * Loads noise and yamux. Internal.
 *
 * @throws whatever the module loader throws if they are not installed
 */
export async function loadSecureChannelModules(): Promise<SecureChannelModules> {
  const [noiseModule, yamuxModule] = (await Promise.all([import(NOISE_MODULE), import(YAMUX_MODULE)])) as [
    typeof import('@chainsafe/libp2p-noise'),
    typeof import('@chainsafe/libp2p-yamux'),
  ];
  return { noise: noiseModule.noise, yamux: yamuxModule.yamux };
}
