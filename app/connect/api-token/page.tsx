import { AuthCard } from '@/components/auth/auth-card';
import { ApiTokenForm } from './api-token-form';

export const metadata = { title: 'Connect with an API token — Pipebridge' };

export default function ApiTokenPage() {
  return (
    <AuthCard title="Connect with an API token">
      <p className="text-sm">For a single company that does not install Pipebridge from the Marketplace. The token is stored encrypted and used only for the sync.</p>
      <ApiTokenForm />
    </AuthCard>
  );
}
