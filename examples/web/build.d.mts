/** Bundles the app into public/app.js; with `write: false`, answers the bundled code instead. */
export function bundleApp(options?: { write?: boolean }): Promise<string | undefined>;
