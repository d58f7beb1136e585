import type { ReactNode } from 'react';
import './panel.css';

export const metadata = { title: 'Pipebridge panel' };

export default function PanelLayout({ children }: { children: ReactNode }) {
  return children;
}
