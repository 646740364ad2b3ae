import type { ReactNode } from 'react';

/** The centred card that frames the sign-in and sign-up screens. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand" aria-hidden="true">
          <span className="brand-mark">#</span> messaging-app
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
