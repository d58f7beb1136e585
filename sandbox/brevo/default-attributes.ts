import type { AttributeDef } from './types';

/** The attributes a fresh Brevo account has (names and categories as GET /contacts/attributes lists them). */
export function defaultAttributes(): AttributeDef[] {
  return [
    { name: 'FIRSTNAME', category: 'normal', type: 'text' },
    { name: 'LASTNAME', category: 'normal', type: 'text' },
    { name: 'SMS', category: 'normal', type: 'text' },
    { name: 'WHATSAPP', category: 'normal', type: 'text' },
    { name: 'LANDLINE_NUMBER', category: 'normal', type: 'text' },
    { name: 'EXT_ID', category: 'normal', type: 'text' },
    { name: 'OPT_IN', category: 'normal', type: 'boolean' },
    {
      name: 'DOUBLE_OPT-IN',
      category: 'category',
      type: 'category',
      enumeration: [
        { value: 1, label: 'Yes' },
        { value: 2, label: 'No' },
      ],
    },
  ];
}

/** Attributes that are contact identifiers: writing them goes through the uniqueness checks, not the type rules. */
export const IDENTIFIER_ATTRIBUTES = new Set(['EMAIL', 'SMS', 'EXT_ID', 'WHATSAPP', 'LANDLINE_NUMBER']);
