import { PanelApp, type PanelAppProps } from '@/components/panel/panel-app';
import { AppError } from '@/lib/errors';
import { parsePanelPageParams } from '@/lib/panel/panel-page-params';
import { verifyPanelToken } from '@/lib/panel/verify-panel-token';

export const dynamic = 'force-dynamic';

/**
 * The custom panel Pipedrive frames in person and deal detail views. The first load's token is
 * verified here like every API call's; whatever the outcome, the client still initializes the
 * SDK so that Pipedrive shows the panel and the user reads why it cannot show data.
 */
export default async function PanelPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = parsePanelPageParams(await searchParams);
  let auth: PanelAppProps['auth'] = { ok: true };
  try {
    await verifyPanelToken(params.token, { companyId: params.companyId, userId: params.userId });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    auth = { ok: false, code: err.code, message: err.message };
  }
  return <PanelApp identifier={params.identifier} target={params.target} initialTheme={params.theme} auth={auth} />;
}
