// Debian's chromium driven by playwright-core: nothing is downloaded, the
// browser is the system's (installed by scripts/setup-system.sh).
import { chromium, type Browser, type Page } from 'playwright-core'
import type { TestContext } from 'node:test'
import { which } from '../helpers/system.ts'

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches chromium for the test and closes it when the test ends. */
export async function launch(t: TestContext): Promise<Browser> {
  const executablePath = which('chromium')
  if (!executablePath) throw new Error('chromium is not installed')
  const browser = await chromium.launch({ executablePath, args: ARGS, timeout: 30_000 })
  t.after(() => browser.close())
  return browser
}

/**
 * Statistics of a PNG's pixels, decoded by the browser itself: how many
 * distinct colours, and the variance of the luminance (0 for a blank image).
 */
export async function pixelStats(
  page: Page,
  png: Buffer,
): Promise<{ colours: number; variance: number; width: number; height: number }> {
  const dataUrl = `data:image/png;base64,${png.toString('base64')}`
  return page.evaluate(async (src) => {
    const image = new Image()
    image.src = src
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = image.width
    canvas.height = image.height
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    context.drawImage(image, 0, 0)
    const { data } = context.getImageData(0, 0, image.width, image.height)
    const colours = new Set<number>()
    let sum = 0
    let squares = 0
    const count = data.length / 4
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0
      const g = data[i + 1] ?? 0
      const b = data[i + 2] ?? 0
      colours.add((r << 16) | (g << 8) | b)
      const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
      sum += y
      squares += y * y
    }
    const mean = sum / count
    return {
      colours: colours.size,
      variance: squares / count - mean * mean,
      width: image.width,
      height: image.height,
    }
  }, dataUrl)
}
