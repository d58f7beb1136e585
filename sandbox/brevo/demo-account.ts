import type { BrevoControl, CreatedAccount } from './brevo-control';

/**
 * An account as a small marketing team would have it before connecting Pipedrive: no contacts yet, a few
 * folders of lists. Returns the keys and the list ids by name so a demo can point the app at them.
 */
export function seedDemoAccount(control: BrevoControl): CreatedAccount & { lists: Record<string, number>; folders: Record<string, number> } {
  const created = control.createAccount({ email: 'marketing@northwind-demo.test', companyName: 'Northwind Traders (demo)' });
  const layout: Record<string, string[]> = {
    Newsletters: ['Monthly newsletter', 'Product updates'],
    'Sales pipeline': ['Leads – EMEA', 'Leads – North America', 'Customers'],
    Events: ['Webinar attendees 2026'],
  };
  const lists: Record<string, number> = {};
  const folders: Record<string, number> = {};
  for (const [folder, names] of Object.entries(layout)) {
    const folderId = control.createFolder(created.apiKey, folder);
    folders[folder] = folderId;
    for (const name of names) lists[name] = control.createList(created.apiKey, name, folderId);
  }
  return { ...created, lists, folders };
}
