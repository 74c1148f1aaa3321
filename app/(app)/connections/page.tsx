import type { Metadata } from "next";
import { z } from "zod";

import { ConnectProviderForm } from "@/components/connections/connect-provider-form";
import { ConnectionCard } from "@/components/connections/connection-card";
import { PastConnections } from "@/components/connections/past-connections";
import { PageShell } from "@/components/page-shell";
import { accountsOverviewForUser } from "@/lib/accounts/queries";
import { requireUser } from "@/lib/auth/guards";
import { listConnectionsForUser } from "@/lib/connections/queries";
import { isFailureReason, reasonText } from "@/lib/failure-reasons";
import { pageParams } from "@/lib/http/page-params";
import { listPastConnections } from "@/lib/people/list-past-connections";
import { resolveTimeZone } from "@/lib/time-zone";
import { findProvider, listProviders, providerName } from "@/lib/providers/find-provider";

export const metadata: Metadata = { title: "Connections" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// The flash message's words come from these, so they are only ever ours: a configured
// provider, a known reason (never text from the address bar shown as if the app said it).
const providerSlug = z.string().refine((slug) => findProvider(slug) !== undefined);
const flashParams = z.object({
  connected: z.uuid().optional(),
  disconnected: providerSlug.optional(),
  provider: providerSlug.optional(),
  error: z.string().refine(isFailureReason).optional(),
});
type FlashParams = z.infer<typeof flashParams>;

export default async function ConnectionsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser("/connections");
  const params = pageParams(await searchParams, flashParams);
  const [connections, past, overview] = await Promise.all([
    listConnectionsForUser({ userId: user.id }),
    listPastConnections({ userId: user.id }),
    accountsOverviewForUser({ userId: user.id }),
  ]);
  const { zone } = resolveTimeZone(user.timeZone);
  const providers = listProviders();

  return (
    <PageShell user={user}>
      <h1 className="text-2xl font-semibold">Connections</h1>
      <Flash params={params} />

      <section aria-labelledby="your-connections" className="mt-6">
        <h2 id="your-connections" className="text-lg font-medium">
          Your connections
        </h2>
        {connections.length === 0 ? (
          <p className="mt-2 rounded-md border border-dashed border-zinc-300 bg-white p-6 text-zinc-600">
            You have not connected any bank or brokerage yet.
          </p>
        ) : (
          <ul className="mt-3 space-y-3">
            {connections.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                providerName={providerName(connection.providerSlug)}
                readsAccounts={!!findProvider(connection.providerSlug)?.accounts}
                accounts={overview.accounts.get(connection.id)}
                latestRead={overview.latestReads.get(connection.id)}
                timeZone={zone}
              />
            ))}
          </ul>
        )}
      </section>

      <PastConnections connections={past} providerName={providerName} timeZone={zone} />

      <section aria-labelledby="add-connection" className="mt-10">
        <h2 id="add-connection" className="text-lg font-medium">
          Add a connection
        </h2>
        {providers.length === 0 ? (
          <p className="mt-2 text-zinc-600">No providers are configured. See the README to add one.</p>
        ) : (
          <ul className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {providers.map((p) => (
              <ConnectProviderForm key={p.slug} provider={{ slug: p.slug, name: p.name, category: p.category }} />
            ))}
          </ul>
        )}
      </section>
    </PageShell>
  );
}

/** The outcome of a flow that left the page (OAuth round trip, disconnect). */
function Flash({ params }: { params: FlashParams }) {
  const name = params.provider ? providerName(params.provider) : "The provider";
  if (params.connected) {
    return (
      <p role="status" className="mt-4 rounded-md border border-green-200 bg-green-50 px-4 py-3 text-green-900">
        {name} connected.
      </p>
    );
  }
  if (params.disconnected) {
    return (
      <p role="status" className="mt-4 rounded-md border border-green-200 bg-green-50 px-4 py-3 text-green-900">
        {providerName(params.disconnected)} disconnected.
      </p>
    );
  }
  if (params.error) {
    return (
      <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-red-900">
        {name} was not connected: {reasonText(params.error)}
      </p>
    );
  }
  return null;
}
