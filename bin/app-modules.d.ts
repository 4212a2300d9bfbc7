/** Makes the app's own .ts, .tsx and .mts files ES modules; register it before tsx. */
export declare function registerAppModuleHook(): void
