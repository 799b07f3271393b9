/** Copies uPlot's dist files into public/console/vendor/; returns the uplot version copied. */
export function copyConsoleAssets(): string
