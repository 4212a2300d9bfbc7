// The modules the UI lends to the app's own components (`static ui`): one
// React on the page, which a component's bundle does not carry again.
export const SHARED_MODULES = ['react', 'react/jsx-runtime', 'react-dom'] as const

export type SharedModule = (typeof SHARED_MODULES)[number]
