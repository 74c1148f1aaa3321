"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { validatedActionWithUser } from "@/lib/actions/validated-action";
import { deleteAccount } from "@/lib/people/delete-account";
import { saveTimeZone } from "@/lib/people/save-time-zone";
import { signOutDevice, signOutOtherDevices } from "@/lib/people/session-devices";

/** Settings → Time zone, and the browser's first report of its zone (components/time-zone-detector.tsx). */
export const updateTimeZone = validatedActionWithUser(z.object({ timeZone: z.string().max(100) }), async ({ timeZone }, user) => {
  const resolved = await saveTimeZone({ userId: user.id, zone: timeZone });
  revalidatePath("/", "layout");
  if (resolved.unknown) {
    return { status: "error", message: `We do not recognise the time zone “${resolved.unknown}”, so times are shown in UTC.` };
  }
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
