import 'server-only';
import { z } from 'zod';
import { brevoClientForCompany } from '../accounts/brevo-connection';
import { AppError } from '../errors';
import { BREVO_ATTRIBUTE_NAME, BREVO_COMPANY_ATTRIBUTE_NAME } from '../sync';
import { requireBrevo } from './load-mapping-catalog';
import { invalidateBrevoCatalog } from './brevo-catalog-cache';
import { withVendorErrors } from './vendor-error';

export const createAttributeInputSchema = z.discriminatedUnion('object', [
  z.object({
    object: z.literal('person'),
    name: z
      .string()
      .trim()
      .transform((n) => n.toUpperCase())
      .pipe(z.string().regex(BREVO_ATTRIBUTE_NAME, 'must start with a letter and use only letters, digits and _ (e.g. LEAD_SOURCE)').max(64)),
    type: z.enum(['text', 'float', 'date', 'boolean', 'multiple-choice']),
    options: z.array(z.string().min(1)).max(200).default([]),
  }),
  z.object({
    object: z.literal('organization'),
    label: z.string().trim().min(1, 'is required').max(50),
    type: z.enum(['text', 'number', 'date', 'boolean', 'multi-choice']),
    options: z.array(z.string().min(1)).max(200).default([]),
  }),
]);
export type CreateAttributeInput = z.input<typeof createAttributeInputSchema>;

/**
 * Creates a Brevo attribute from the mapping editor, so an admin never has to leave for Brevo
 * to map a new field. An existing name is refused (not reused), because its type may differ.
 */
export async function createBrevoAttribute(companyId: string, raw: CreateAttributeInput): Promise<{ name: string; type: string }> {
  const input = createAttributeInputSchema.parse(raw);
  const brevo = requireBrevo(await brevoClientForCompany(companyId));
  if (input.object === 'person') {
    if (input.type === 'multiple-choice' && input.options.length === 0) throw new AppError('attribute_options', 'A multiple-choice attribute needs its options; map a Pipedrive multiple-option field to create one.', 400);
    const existing = await withVendorErrors('read your Brevo attributes', () => brevo.getAttributes());
    if (existing.some((a) => a.name.toUpperCase() === input.name)) throw new AppError('attribute_exists', `Brevo already has an attribute ${input.name}; pick it in the list instead.`, 409);
    await withVendorErrors(`create the attribute ${input.name}`, () => brevo.createAttribute(input.name, { type: input.type, ...(input.type === 'multiple-choice' ? { multiCategoryOptions: input.options } : {}) }));
    invalidateBrevoCatalog(companyId);
    return { name: input.name, type: input.type };
  }
  const internalName = input.label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!BREVO_COMPANY_ATTRIBUTE_NAME.test(internalName)) throw new AppError('attribute_name', 'The label needs at least one letter, and must start with one.', 400);
  const existing = await withVendorErrors('read your Brevo company attributes', () => brevo.getCompanyAttributes());
  if (existing.some((a) => a.internalName === internalName)) throw new AppError('attribute_exists', `Brevo already has a company attribute ${internalName}; pick it in the list instead.`, 409);
  await withVendorErrors(`create the company attribute ${input.label}`, () => brevo.createCompanyAttribute(input.label, input.type, input.type === 'multi-choice' ? input.options : undefined));
  invalidateBrevoCatalog(companyId);
  return { name: internalName, type: input.type };
}
