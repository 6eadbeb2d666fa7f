import { engineSelectors, useAppStore } from '../store/index.ts';

/** A coloured dot with the engine's state in words; colour is never the only signal. */
export function EngineStatusDot({ compact = false }: { compact?: boolean }) {
  const state = useAppStore(engineSelectors.state);
  const label = useAppStore(engineSelectors.label);
  const message = useAppStore(engineSelectors.message);
  return (
    <span
      className={`engine-status${compact ? ' engine-status-compact' : ''}`}
      data-testid="engine-status"
      data-state={state ?? 'unknown'}
      title={message ?? label}
      role="status"
      aria-label={message ? `${label}. ${message}` : label}
    >
      <span className={`status-dot status-${state ?? 'unknown'}`} aria-hidden="true" />
      {compact ? null : <span className="engine-status-label">{label}</span>}
    </span>
  );
}
