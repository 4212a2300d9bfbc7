// dara-ts/client bundled for browsers, as an app's build would bundle it.
import { build, type Metafile } from 'esbuild'

/** The client as one browser script defining `window.DaraClient`, and what went into it. */
export async function bundleClient(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [new URL('../../src/client/index.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'DaraClient',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
  })
  const metafile: Metafile = result.metafile
  return {
    code: result.outputFiles[0]?.text ?? '',
    inputs: Object.keys(metafile.inputs).sort(),
  }
}
