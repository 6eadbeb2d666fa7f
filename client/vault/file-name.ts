// The contract keeps a file's name as `fileName` plus an optional `extension` (≤32 characters, no
// dot), as in {"fileName":"report","extension":"pdf"}. "archive.tar.gz" splits at the last dot;
// a leading dot (".bashrc") is part of the name, not an extension.

const MAX_EXTENSION = 32;

export interface SplitName {
  fileName: string;
  extension?: string;
}

export function splitFileName(name: string): SplitName {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { fileName: name };
  const extension = name.slice(dot + 1);
  if (extension.length > MAX_EXTENSION) return { fileName: name };
  return { fileName: name.slice(0, dot), extension };
}

export function joinFileName(fileName: string, extension: string | null | undefined): string {
  return extension ? `${fileName}.${extension}` : fileName;
}
