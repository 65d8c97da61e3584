/**
 * Library messages name the spec field a user can change (`accountant.samples`); on a command that takes
 * flags instead of a spec, the flag is what the user can change, so the CLI puts the flag in its place.
 */
const FLAGS: readonly (readonly [RegExp, string])[] = [
  [/\baccountant\.name pld\b/g, '--accountant pld'],
  [/\baccountant\.name\b/g, '--accountant'],
  [/\baccountant\.discretization\b/g, '--discretization'],
  [/\baccountant\.method\b/g, '--method'],
  [/\baccountant\.samples\b/g, '--samples'],
  [/\baccountant\.seed\b/g, '--seed'],
  [/\baccountant\.confidence\b/g, '--confidence'],
  [/\baccountant\.costLimitSeconds\b/g, '--cost-limit'],
  [/\baccountant\.maxSeconds\b/g, '--max-seconds'],
];

/** `text` with every accountant field path replaced by its flag. */
export function withFlagNames(text: string): string {
  return FLAGS.reduce((t, [field, flag]) => t.replace(field, flag), text);
}
