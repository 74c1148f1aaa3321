import { handlers } from "@/lib/auth/auth";
import { withRequestContext } from "@/lib/http/with-request-context";

// In the request's context, so the sign-in rate limit sees the client's address here too.
export const GET = withRequestContext(handlers.GET);
export const POST = withRequestContext(handlers.POST);
