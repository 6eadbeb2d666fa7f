// Vite turns an imported image into its URL (or a data: URI when small, which the CSP allows).
declare module '*.svg' {
  const url: string;
  export default url;
}
