import { FIELD_NAME, LIMITS } from '../../bridge/field-rules.ts';

export const CLASSIFICATION_LEVELS = ['public', 'internal', 'confidential', 'restricted'] as const;
export type ClassificationLevel = (typeof CLASSIFICATION_LEVELS)[number];

/** The key the level is stored under in a file's classification fields. */
export const LEVEL_KEY = 'classification';

/** The bridge's limits for `files:classify`. */
const KEY_PATTERN = FIELD_NAME;
const MAX_FIELDS = LIMITS.classificationFieldsMax;
const MAX_VALUE = LIMITS.fieldValueMax;

export interface ExtraField {
  key: string;
  value: string;
}

export function isClassificationLevel(value: string | undefined): value is ClassificationLevel {
  return (CLASSIFICATION_LEVELS as readonly string[]).includes(value ?? '');
}

/** What the Classification column shows: the level, else the first field, else nothing. */
export function classificationLabel(fields: Record<string, string> | null): string | null {
  if (!fields) return null;
  const level = fields[LEVEL_KEY];
  if (level) return level;
  const [first] = Object.entries(fields);
  return first ? `${first[0]}: ${first[1]}` : null;
}

/** Splits stored fields into the form's level and extra rows. */
export function classificationToForm(fields: Record<string, string> | null): {
  level: ClassificationLevel;
  extra: ExtraField[];
} {
  const level = fields?.[LEVEL_KEY];
  return {
    level: isClassificationLevel(level) ? level : 'internal',
    extra: Object.entries(fields ?? {})
      .filter(([key]) => key !== LEVEL_KEY)
      .map(([key, value]) => ({ key, value })),
  };
}

export type ClassifyFieldsResult =
  { ok: true; fields: Record<string, string> } | { ok: false; error: string; row: number | null };

/** Checks the form against the bridge's rules and builds the fields to send. Blank rows are skipped. */
export function buildClassifyFields(
  level: ClassificationLevel,
  extra: readonly ExtraField[],
): ClassifyFieldsResult {
  const fields: Record<string, string> = { [LEVEL_KEY]: level };
  for (const [row, { key: rawKey, value }] of extra.entries()) {
    const key = rawKey.trim();
    if (key === '' && value.trim() === '') continue;
    if (key === '') return { ok: false, row, error: 'Give this field a name, or clear its value.' };
    if (!KEY_PATTERN.test(key)) {
      return {
        ok: false,
        row,
        error: 'Field names use letters, digits, "_", "." or "-" (up to 64).',
      };
    }
    if (key === LEVEL_KEY)
      return { ok: false, row, error: 'Pick the classification from the list above.' };
    if (Object.hasOwn(fields, key))
      return { ok: false, row, error: `"${key}" is used twice. Keep one.` };
    if (value.length > MAX_VALUE)
      return { ok: false, row, error: `Keep values under ${MAX_VALUE} characters.` };
    fields[key] = value;
  }
  if (Object.keys(fields).length > MAX_FIELDS) {
    return {
      ok: false,
      row: null,
      error: `A file can have at most ${MAX_FIELDS - 1} extra fields.`,
    };
  }
  return { ok: true, fields };
}
