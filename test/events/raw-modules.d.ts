/** Vite's `?raw` imports (a file's text), which the Workers-runtime suite uses to read docs it checks. */
declare module '*.md?raw' {
  const text: string
  export default text
}
