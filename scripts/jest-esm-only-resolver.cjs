// Jest resolver for ESM-only dependencies (js-libp2p's tree). Jest resolves `require` with the
// conditions ['require', 'node', 'default', …]; packages whose `exports` offer only `import` then fail
// to resolve. This resolver retries such a failed resolution with the `import` condition added, so
// @swc/jest can compile the ESM file (see `transformIgnorePatterns`). Resolutions that already work
// are untouched, so dual packages keep their CommonJS entry.
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    const conditions = options.conditions;
    if (!Array.isArray(conditions) || conditions.includes('import')) throw error;
    return options.defaultResolver(request, { ...options, conditions: [...conditions, 'import'] });
  }
};
