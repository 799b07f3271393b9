/** [methods (space-separated), path template, 'global' when FusionAuth classes the API as global]. */
export const SERVED: [string, string, string?][]
export const NOT_SERVED: [string, string][]
export function pathOf(url: string): string
export function classify(method: string, url: string): { served: true; global: boolean } | { served: false; family: string; reason: string }
