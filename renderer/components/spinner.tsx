/** A small busy indicator; the text next to it (or `label`) says what is happening. */
export function Spinner({ label, size = 16 }: { label?: string; size?: number }) {
  return (
    <span
      className="spinner"
      style={{ width: size, height: size }}
      {...(label ? { role: 'status', 'aria-label': label } : { 'aria-hidden': true })}
    />
  );
}
