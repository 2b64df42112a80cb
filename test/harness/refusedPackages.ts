/**
 * A script for `node --input-type=module -e` that registers a module hook refusing `packages` (and their subpaths)
 * with "refused at start: <name>", then runs `body`: how a test shows that something starts without loading them.
 */
export function withPackagesRefused(packages: readonly string[], body: string): string {
  const hooks = `
    const refused = ${JSON.stringify(packages)};
    export async function resolve(specifier, context, next) {
      if (refused.some((name) => specifier === name || specifier.startsWith(name + '/'))) {
        throw new Error('refused at start: ' + specifier);
      }
      return next(specifier, context);
    }`;
  return `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    ${body}
  `;
}
