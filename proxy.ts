import { NextResponse, type NextRequest } from "next/server";

// Sends anyone without a session cookie to the sign-in page. The cookie is verified, and the
// user's roles checked, by every page itself (lib/web/session.ts). The proxy never writes the
// cookie: a request still in flight when the user signs out must not bring the session back.

const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

export default function proxy(req: NextRequest) {
  if (SESSION_COOKIES.some((name) => req.cookies.has(name) || req.cookies.has(`${name}.0`))) return NextResponse.next();
  const target = req.nextUrl.pathname + req.nextUrl.search;
  const url = new URL("/sign-in", req.nextUrl.origin);
  if (target !== "/") url.searchParams.set("next", target);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!api/|sign-in|forbidden|_next/|favicon.ico|icon.svg|.well-known/).*)"],
};
