// A second level of the app's own TypeScript (routes.ts imports it): in a
// CommonJS project it must load as an ES module too, TypeScript-only syntax
// (an enum) and import.meta included.
import { EndpointConfiguration } from 'dara-ts/definitions'

export enum Word {
  Hello = 'Hello',
  Howdy = 'Howdy',
}

/** Where this module was loaded from: import.meta exists in ES modules only. */
export const loadedFrom: string = import.meta.url

export class Greeting extends EndpointConfiguration<Greeting> {
  declare word: Word
  static default() {
    return new Greeting({ word: Word.Hello })
  }
}
