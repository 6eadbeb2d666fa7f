import type { StateCreator } from 'zustand';
import type { HeldOperation } from '../../bridge/types.ts';
import { heldKey } from '../model/vote-hold.ts';
import type { AppState } from './app-store.ts';

/** Operations of this computer that wait (or waited) for a vote, by operation and subject. */
export interface HoldsSlice {
  heldOperations: Record<string, HeldOperation>;
  applyHeldOperation(operation: HeldOperation): void;
  /** The screen showed the outcome: forget it. */
  forgetHeldOperation(operation: HeldOperation['operation'], subjectId: string | null): void;
  resetHolds(): void;
}

export const createHoldsSlice: StateCreator<AppState, [], [], HoldsSlice> = (set) => ({
  heldOperations: {},
  applyHeldOperation: (operation) =>
    set((s) => ({
      heldOperations: {
        ...s.heldOperations,
        [heldKey(operation.operation, operation.subjectId)]: operation,
      },
    })),
  forgetHeldOperation: (operation, subjectId) =>
    set((s) => {
      const { [heldKey(operation, subjectId)]: _gone, ...rest } = s.heldOperations;
      return { heldOperations: rest };
    }),
  resetHolds: () => set({ heldOperations: {} }),
});

export const holdsSelectors = {
  held:
    (operation: HeldOperation['operation'], subjectId: string | null) =>
    (s: AppState): HeldOperation | null =>
      s.heldOperations[heldKey(operation, subjectId)] ?? null,
};
