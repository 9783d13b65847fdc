import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { setWriteListener } from '@/lib/api-client';
import { AuthProvider } from '@/lib/auth';
import { createQueryClient, forgetInactive } from '@/lib/query';

/** AppProviders: the query cache (one per app, or per test render) and the session. */
export function AppProviders({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  useEffect(() => setWriteListener(() => forgetInactive(client)), [client]);
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>{children}</AuthProvider>
    </QueryClientProvider>
  );
}
