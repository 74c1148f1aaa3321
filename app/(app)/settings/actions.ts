"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { deleteAccount } from "@/lib/people/delete-account";
import { saveTimeZone } from "@/lib/people/save-time-zone";
import { signOutDevice, signOutOtherDevices } from "@/lib/people/session-devices";
import { UNRECOGNISED_ZONE_COOKIE, unrecognisedZoneName } from "@/lib/time-zone";

/**
 * Settings → Time zone, and the browser's first report of its zone (components/time-zone-detector.tsx).
 * A zone we do not know stores nothing: a cookie remembers its name so /settings can say that
 * times are in UTC and ask for a choice; choosing a known zone clears it.
 */
export const updateTimeZone = validatedActionWithUser(z.object({ timeZone: z.string().max(100) }), async ({ timeZone }, user) => {
  const resolved = await saveTimeZone({ userId: user.id, zone: timeZone });
  const jar = await cookies();
  revalidatePath("/", "layout");
  if (resolved.unknown) {
    const name = unrecognisedZoneName(resolved.unknown) ?? "(empty)";
    jar.set(UNRECOGNISED_ZONE_COOKIE, name, { httpOnly: true, sameSite: "lax", path: "/", maxAge: 30 * 24 * 60 * 60 });
    return { status: "error", message: `We do not recognise the time zone “${name}”, so times are shown in UTC. Choose one in Settings.` };
  }
  jar.delete(UNRECOGNISED_ZONE_COOKIE);
  return { status: "success", message: `Times are now shown in ${resolved.zone}.` };
});

export const signOutOneDevice = validatedActionWithUser(
  z.object({ deviceId: z.string().regex(/^[0-9a-f]{64}$/) }),
  async ({ deviceId }, user) => {
    const done = await signOutDevice({ userId: user.id, deviceId });
    revalidatePath("/settings");
    return done ? { status: "success", message: "That device is signed out." } : { status: "error", message: "That device was already signed out." };
  },
);

export const signOutEverywhereElse = validatedActionWithUser(z.object({}), async (_data, user) => {
  const count = await signOutOtherDevices({ userId: user.id });
  revalidatePath("/settings");
  return { status: "success", message: count === 0 ? "No other device was signed in." : `Signed out of ${count} other ${count === 1 ? "device" : "devices"}.` };
});

export const deleteMyAccount = validatedActionWithUser(
  z.object({ confirmEmail: z.string().trim().min(1, "Type your email address to confirm.").max(320) }),
  async ({ confirmEmail }, user) => {
    const result = await deleteAccount({ userId: user.id, confirmEmail });
    redirect(`/signin?deleted=${result.disconnected}`);
  },
);
