// pngjs ships no types; the pairing tests read the QR image main draws (qrcode depends on pngjs).
declare module 'pngjs' {
  export const PNG: {
    sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } };
  };
}
