import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/lib/web/auth.config";

const { auth } = NextAuth(authConfig);

// Sends anyone without a session to the sign-in page. Pages still check the user's permissions.
export default auth((req) => {
  if (req.auth?.user) return NextResponse.next();
  const target = req.nextUrl.pathname + req.nextUrl.search;
  const url = new URL("/sign-in", req.nextUrl.origin);
  if (target !== "/") url.searchParams.set("next", target);
  return NextResponse.redirect(url);
});

export const config = {
  matcher: ["/((?!api/|sign-in|forbidden|_next/|favicon.ico|.well-known/).*)"],
};
