import { AuthCard } from '@/components/auth/auth-card';
import { SignInWithPipedrive } from '@/components/auth/sign-in-button';

export const metadata = { title: 'Install Pipebridge' };

/** The Marketplace "Installation URL": starts the OAuth flow through next-auth so the state check protects it. */
export default function InstallPage() {
  return (
    <AuthCard title="Install Pipebridge">
      <p>You will be asked to approve Pipebridge in Pipedrive, then come back here to connect Brevo.</p>
      <SignInWithPipedrive auto label="Install with Pipedrive" />
    </AuthCard>
  );
}
