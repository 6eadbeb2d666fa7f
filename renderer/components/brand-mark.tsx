import iconUrl from '../../assets/icon.svg';

/** The app icon, from the same SVG the installers use. */
export function BrandMark({ size = 24 }: { size?: number }) {
  return (
    <img className="brand-mark" src={iconUrl} width={size} height={size} alt="" draggable={false} />
  );
}
