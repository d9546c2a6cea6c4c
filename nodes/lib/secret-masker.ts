/** Text with every secret replaced by `***`. */
export type Redact = (text: string) => string;

/** Masks each secret (and its Basic/Bearer header forms) in a text; secrets shorter than 4 characters are left alone. */
export function secretMasker(secrets: Array<string | undefined>): Redact {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    forms.add(secret);
    forms.add(Buffer.from(secret).toString('base64'));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
